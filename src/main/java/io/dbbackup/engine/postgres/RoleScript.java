package io.dbbackup.engine.postgres;

import io.dbbackup.core.SingleByte;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * pg_dumpall's roles script made fit to load into a cluster that already has roles, as a stream: each
 * {@code CREATE ROLE name;} runs in a block that keeps an existing role (every {@code ALTER ROLE ... WITH},
 * setting and membership after it still applies), and the {@code ALTER ROLE ... WITH} of the role the restore
 * connects as is left out, so that loading the roles cannot change that role's password or take its rights
 * away mid-restore. Lines are handled as bytes (ISO-8859-1 in and out): whatever the script's encoding,
 * nothing else changes.
 */
final class RoleScript extends InputStream {
    static final String CREATE = "CREATE ROLE ";
    private static final String TAG = "$dbbackup$";

    private final BufferedReader lines;
    private final String connectingRole;
    private String ownAlterPlain;
    private String ownAlterQuoted;
    private byte[] current = new byte[0];
    private int pos;
    private boolean done;
    private long skipped;

    RoleScript(InputStream in, String connectingRole) {
        this.lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1), 1 << 16);
        this.connectingRole = connectingRole;
        ownAlterIn(StandardCharsets.UTF_8);
    }

    /**
     * The connecting role's {@code ALTER ROLE} line as bytes of the script's encoding: pg_dumpall writes the session's
     * (a backup role's {@code client_encoding = LATIN1} makes a LATIN1 script), so a non-ASCII name is looked for in it.
     */
    private void ownAlterIn(Charset charset) {
        if (!charset.newEncoder().canEncode(connectingRole)) {
            // the script cannot name this role: no line is its own (never a '?' stand-in matching another role)
            this.ownAlterPlain = "\n";
            this.ownAlterQuoted = "\n";
            return;
        }
        String asBytes = new String(connectingRole.getBytes(charset), StandardCharsets.ISO_8859_1);
        this.ownAlterPlain = "ALTER ROLE " + asBytes + " WITH ";
        this.ownAlterQuoted = "ALTER ROLE \"" + asBytes.replace("\"", "\"\"") + "\" WITH ";
    }

    private static final java.util.regex.Pattern SET_ENCODING = java.util.regex.Pattern.compile("^SET client_encoding = '([A-Za-z0-9_]+)';$");

    /**
     * The roles the script creates ({@code CREATE ROLE name;}), read to its end, their names decoded in the encoding the
     * script says it is in ({@code SET client_encoding = 'LATIN1';}, pg_dumpall writes the session's: a backup role's
     * {@code client_encoding} of its own); UTF-8 when it says none or one Java does not know.
     */
    static List<String> roleNames(InputStream in) throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1), 1 << 16);
        Charset charset = StandardCharsets.UTF_8;
        List<String> roles = new ArrayList<>();
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            java.util.regex.Matcher set = SET_ENCODING.matcher(line);
            if (set.matches()) {
                charset = charset(set.group(1));
            } else if (line.startsWith(CREATE) && line.endsWith(";")) {
                String name = line.substring(CREATE.length(), line.length() - 1);
                roles.add(new String(name.getBytes(StandardCharsets.ISO_8859_1), charset));
            }
        }
        return roles;
    }

    /** PostgreSQL's name of a client encoding as a Java charset (LATIN1, WIN1252, EUC_JP, SJIS, ...), UTF-8 when unknown. */
    static Charset charset(String pgEncoding) {
        String e = pgEncoding.toUpperCase(Locale.ROOT);
        String java;
        if (e.matches("LATIN[1-9]|LATIN10")) {
            java = switch (e) {
                case "LATIN5" -> "ISO-8859-9";
                case "LATIN6" -> "ISO-8859-10";
                case "LATIN7" -> "ISO-8859-13";
                case "LATIN8" -> "ISO-8859-14";
                case "LATIN9" -> "ISO-8859-15";
                case "LATIN10" -> "ISO-8859-16";
                default -> "ISO-8859-" + e.substring(5);
            };
        } else if (e.startsWith("WIN") && e.substring(3).matches("\\d+")) {
            java = "windows-" + e.substring(3);
        } else if (e.startsWith("ISO_8859_")) {
            java = "ISO-8859-" + e.substring(9);
        } else {
            java = switch (e) {
                case "EUC_JP" -> "EUC-JP";
                case "EUC_KR" -> "EUC-KR";
                case "EUC_CN" -> "GB2312";
                case "SJIS" -> "Shift_JIS";
                case "BIG5" -> "Big5";
                case "GBK" -> "GBK";
                case "GB18030" -> "GB18030";
                case "KOI8R" -> "KOI8-R";
                case "KOI8U" -> "KOI8-U";
                default -> "UTF-8";
            };
        }
        try {
            return Charset.forName(java);
        } catch (IllegalArgumentException unknown) {
            return StandardCharsets.UTF_8;
        }
    }

    /** How many {@code ALTER ROLE ... WITH} lines of the connecting role were left out. */
    long skipped() {
        return skipped;
    }

    /** One line of the script (without its newline) as it is loaded; null to leave it out. */
    String rewrite(String line) throws IOException {
        java.util.regex.Matcher set = SET_ENCODING.matcher(line);
        if (set.matches()) {
            ownAlterIn(charset(set.group(1)));
            return line;
        }
        if (line.startsWith(ownAlterPlain) || line.startsWith(ownAlterQuoted)) {
            skipped++;
            return null;
        }
        if (line.startsWith(CREATE) && line.endsWith(";")) {
            if (line.contains(TAG)) {
                throw new IOException("the roles script holds a role name this restore cannot load safely (it contains " + TAG + ")");
            }
            return "DO " + TAG + "BEGIN " + line + " EXCEPTION WHEN duplicate_object THEN NULL; END" + TAG + ";";
        }
        return line;
    }

    @Override
    public int read() throws IOException {
        return SingleByte.read(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        while (pos == current.length) {
            if (done) {
                return -1;
            }
            String line = lines.readLine();
            if (line == null) {
                done = true;
                return -1;
            }
            String out = rewrite(line);
            current = out == null ? new byte[0] : (out + "\n").getBytes(StandardCharsets.ISO_8859_1);
            pos = 0;
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }
}
