package io.dbbackup.engine.mysql;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code DEFINER} clauses of a dump's views, triggers, stored routines and events, as mysqldump and mariadb-dump
 * write them at the start of a line:
 * <pre>
 * /*!50003 CREATE*&#47; /*!50017 DEFINER=`app`@`%`*&#47; /*!50003 TRIGGER …      (trigger)
 * /*!50106 CREATE*&#47; /*!50117 DEFINER=`app`@`%`*&#47; /*!50106 EVENT …        (event)
 * CREATE DEFINER=`app`@`%` PROCEDURE …  /  CREATE DEFINER=`app`@`%` FUNCTION …   (routine)
 * /*!50013 DEFINER=`app`@`%` SQL SECURITY DEFINER *&#47;                        (view)
 * </pre>
 * Each distinct definer is noted (for an error that names them); with {@code toCurrentUser}, the clause becomes
 * {@code DEFINER=CURRENT_USER}, so the account that restores becomes the definer: no {@code SUPER}/{@code SET USER}
 * needed, and no object left naming an account the target does not have. Only the first {@value #HEAD} bytes of a line
 * are looked at, and only lines starting as above: rows ({@code INSERT INTO …}) and routine bodies pass untouched.
 */
final class Definers extends OutputStream {
    /** The head of a line that may hold a definer: the prefix, and a quoted user (80) and host (255) with room. */
    static final int HEAD = 1024;
    private static final List<String> PREFIXES = List.of("/*!50003 CREATE*/ /*!50017 DEFINER=",
            "/*!50106 CREATE*/ /*!50117 DEFINER=", "CREATE DEFINER=", "/*!50013 DEFINER=");
    /** {@code DEFINER=`user`@`host`} (a backtick inside a name doubled), or {@code 'user'@'host'}, or a role. */
    private static final Pattern DEFINER = Pattern.compile(
            "DEFINER=((?:`(?:[^`]|``)*`|'(?:[^'\\\\]|''|\\\\.)*'|[\\w$]+)(?:@(?:`(?:[^`]|``)*`|'(?:[^'\\\\]|''|\\\\.)*'|[\\w$.%-]+))?)");
    private static final int MAX_NOTED = 20;

    private final OutputStream out;
    private final boolean toCurrentUser;
    private final ByteArrayOutputStream head = new ByteArrayOutputStream();
    /** The current line's head was decided and passed on: the rest of the line goes straight through. */
    private boolean passing;
    private final Set<String> seen = new LinkedHashSet<>();
    private int rewritten;

    Definers(boolean toCurrentUser, OutputStream out) {
        this.out = out;
        this.toCurrentUser = toCurrentUser;
    }

    /** The distinct definers the dump named so far (at most {@value #MAX_NOTED}), as written ({@code `app`@`%`}). */
    List<String> seen() {
        return new ArrayList<>(seen);
    }

    /** How many clauses became {@code DEFINER=CURRENT_USER}. */
    int rewritten() {
        return rewritten;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int end = off + len;
        int i = off;
        while (i < end) {
            int stop = i;
            while (stop < end && b[stop] != '\n') {
                stop++;
            }
            boolean ends = stop < end;
            int upTo = ends ? stop + 1 : stop;
            if (passing) {
                out.write(b, i, upTo - i);
            } else {
                int room = HEAD - head.size();
                int take = Math.min(room, upTo - i);
                head.write(b, i, take);
                if (take < upTo - i || (head.size() >= HEAD && !ends)) {
                    decide();
                    passing = true;
                    out.write(b, i + take, upTo - i - take);
                } else if (ends) {
                    decide();
                }
            }
            i = upTo;
            if (ends) {
                passing = false;
            }
        }
    }

    /** Passes on the head of the current line, its definer noted (and replaced) when it is one of a dump's clauses. */
    private void decide() throws IOException {
        byte[] bytes = head.toByteArray();
        head.reset();
        if (bytes.length == 0 || (bytes[0] != '/' && bytes[0] != 'C')) {
            out.write(bytes);
            return;
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1); // byte for byte: the rest of the head is kept as it is
        if (PREFIXES.stream().noneMatch(text::startsWith)) {
            out.write(bytes);
            return;
        }
        Matcher m = DEFINER.matcher(text);
        if (!m.find()) {
            out.write(bytes);
            return;
        }
        if (seen.size() < MAX_NOTED) {
            seen.add(new String(m.group(1).getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
        }
        if (!toCurrentUser) {
            out.write(bytes);
            return;
        }
        rewritten++;
        out.write((text.substring(0, m.start()) + "DEFINER=CURRENT_USER" + text.substring(m.end()))
                .getBytes(StandardCharsets.ISO_8859_1));
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    /** Passes on a last line without a line end; leaves {@code out} open (as {@link io.dbbackup.spi.LineFilter}). */
    @Override
    public void close() throws IOException {
        if (!passing && head.size() > 0) {
            decide();
        }
    }
}
