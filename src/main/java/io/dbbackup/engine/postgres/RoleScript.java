package io.dbbackup.engine.postgres;

import io.dbbackup.core.SingleByte;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

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
    private final String ownAlterPlain;
    private final String ownAlterQuoted;
    private byte[] current = new byte[0];
    private int pos;
    private boolean done;
    private long skipped;

    RoleScript(InputStream in, String connectingRole) {
        this.lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1), 1 << 16);
        String utf8AsBytes = new String(connectingRole.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        this.ownAlterPlain = "ALTER ROLE " + utf8AsBytes + " WITH ";
        this.ownAlterQuoted = "ALTER ROLE \"" + utf8AsBytes.replace("\"", "\"\"") + "\" WITH ";
    }

    /** How many {@code ALTER ROLE ... WITH} lines of the connecting role were left out. */
    long skipped() {
        return skipped;
    }

    /** One line of the script (without its newline) as it is loaded; null to leave it out. */
    String rewrite(String line) throws IOException {
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
