package io.dbbackup.engine.mysql;

import io.dbbackup.core.SingleByte;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Passes a dump through up to the accounts-and-grants section this engine appends at its end
 * ({@link Grants}), and keeps that section aside: loaded into a scratch database, grants written for
 * "the default database" would name the scratch database, so they are run after the swap instead.
 * The section is recognised by a line starting with {@link Grants#SECTION_START}; mysqldump writes
 * no raw newline inside data, so no row can look like it.
 */
final class GrantsTail extends FilterInputStream {
    private static final byte[] MARK = ("\n" + Grants.SECTION_START).getBytes(StandardCharsets.UTF_8);

    private final ByteArrayOutputStream tail = new ByteArrayOutputStream();
    private byte[] ready = new byte[0];
    private int readyPos;
    private int matched;
    private boolean diverting;
    private boolean eof;

    GrantsTail(InputStream in) {
        super(in);
    }

    /** The kept-aside SQL (empty when the dump has none); complete once the stream was read to its end. */
    String section() {
        return tail.toString(StandardCharsets.UTF_8);
    }

    @Override
    public int read() throws IOException {
        return SingleByte.read(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (readyPos == ready.length) {
            if (eof) {
                return -1;
            }
            fill();
        }
        int n = Math.min(len, ready.length - readyPos);
        System.arraycopy(ready, readyPos, b, off, n);
        readyPos += n;
        return n;
    }

    /** Reads a chunk and splits it into what passes (ready) and what is kept aside (tail). */
    private void fill() throws IOException {
        byte[] chunk = new byte[1 << 16];
        int n = in.read(chunk);
        ByteArrayOutputStream pass = new ByteArrayOutputStream(Math.max(n, 0) + MARK.length);
        if (n < 0) {
            eof = true;
            if (!diverting) {
                pass.write(MARK, 0, matched); // a partial match at the very end was dump text after all
            }
        }
        for (int i = 0; i < n; i++) {
            byte c = chunk[i];
            if (diverting) {
                tail.write(c);
            } else if (c == MARK[matched]) {
                if (++matched == MARK.length) {
                    diverting = true;
                    tail.write(MARK, 0, MARK.length);
                }
            } else {
                // the held-back bytes were not the mark; MARK holds '\n' only first, so only '\n' restarts a match
                pass.write(MARK, 0, matched);
                matched = c == MARK[0] ? 1 : 0;
                if (matched == 0) {
                    pass.write(c);
                }
            }
        }
        ready = pass.toByteArray();
        readyPos = 0;
    }
}
