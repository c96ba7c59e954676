package io.dbbackup.engine.mysql;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/** The lines of a dump a {@link DumpSections.Rule} keeps, read as a stream (64 KiB of the dump at a time). */
final class PartOfDump extends InputStream {
    private final InputStream in;
    private final Kept kept = new Kept();
    private final DumpSections sections;
    private final byte[] chunk = new byte[1 << 16];
    private int position;
    private boolean ended;

    PartOfDump(InputStream in, DumpSections.Rule rule) {
        this.in = in;
        this.sections = new DumpSections(rule, kept);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (position == kept.size()) {
            if (ended) {
                return -1;
            }
            kept.reset();
            position = 0;
            int n = in.read(chunk, 0, chunk.length);
            if (n < 0) {
                sections.close();
                ended = true;
            } else {
                sections.write(chunk, 0, n);
            }
        }
        int n = Math.min(len, kept.size() - position);
        System.arraycopy(kept.bytes(), position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private static final class Kept extends ByteArrayOutputStream {
        byte[] bytes() {
            return buf;
        }
    }
}
