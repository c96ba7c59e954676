package io.dbbackup.engine.postgres;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pg_dump plain script of any size taken apart line by line as it streams by, by the comment pg_dump writes before
 * each object ({@code --} / {@code -- Name: orders; Type: TABLE; Schema: public; Owner: app} / {@code --}, and
 * {@code -- Data for Name: …; Type: TABLE DATA; …} before its rows): each line is shown to a {@link Rule} with the
 * object it belongs to and its first bytes, and passed on to {@code out} whole or not at all. The rows of a
 * {@code COPY … FROM stdin;} are never read as comments — they run to the {@code \.} line, which no value can be (a
 * backslash in a value is written {@code \\}). Only a line's first {@value #HEAD} bytes and last 16 are held.
 */
final class PlainSections extends OutputStream {
    static final int HEAD = 512;
    private static final byte[] COPY_END = "FROM stdin;".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern OBJECT = Pattern.compile(
            "^-- (Data for )?Name: (.+?); Type: (.+?); Schema: (.+?)(?:; Owner: .*)?$");

    /** One object of the script; null before the first (the script's opening {@code SET}s). Compared by identity. */
    record Section(String name, String type, String schema) {
    }

    interface Rule {
        boolean keeps(Section section, String head);
    }

    private final Rule rule;
    private final OutputStream out;
    private final byte[] head = new byte[HEAD];
    private int headLength;
    private final byte[] tail = new byte[16];
    private long lineLength;
    private boolean inHead = true;
    private boolean keep;
    private boolean afterDashes;
    private boolean copyLine;
    private boolean inCopy;
    private Section section;

    PlainSections(Rule rule, OutputStream out) {
        this.rule = rule;
        this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int i = off;
        int end = off + len;
        while (i < end) {
            if (inHead) {
                while (i < end && headLength < HEAD) {
                    byte c = b[i++];
                    head[headLength++] = c;
                    remember(c);
                    if (c == '\n') {
                        decide(true);
                        break;
                    }
                }
                if (inHead && headLength == HEAD) {
                    decide(false);
                }
            } else {
                int stop = i;
                while (stop < end && b[stop] != '\n') {
                    remember(b[stop]);
                    stop++;
                }
                boolean lineEnds = stop < end;
                if (lineEnds) {
                    stop++;
                }
                if (keep) {
                    out.write(b, i, stop - i);
                }
                i = stop;
                if (lineEnds) {
                    lineEnded();
                    inHead = true;
                }
            }
        }
    }

    /** Decides a last line without a newline; {@code out} is left open. */
    @Override
    public void close() throws IOException {
        if (inHead && headLength > 0) {
            decide(true);
        }
    }

    private void remember(byte c) {
        if (c != '\n' && c != '\r') {
            tail[(int) (lineLength % tail.length)] = c;
            lineLength++;
        }
    }

    private void decide(boolean lineEnded) throws IOException {
        int n = headLength;
        while (n > 0 && (head[n - 1] == '\n' || head[n - 1] == '\r')) {
            n--;
        }
        String text = new String(head, 0, n, StandardCharsets.UTF_8);
        if (!inCopy) {
            if (afterDashes && text.startsWith("-- ")) {
                Matcher m = OBJECT.matcher(text);
                if (m.matches()) {
                    section = new Section(m.group(2), m.group(3), m.group(4));
                }
            }
            afterDashes = lineEnded && text.equals("--");
            copyLine = text.startsWith("COPY ");
        }
        keep = rule.keeps(section, text);
        if (keep) {
            out.write(head, 0, headLength);
        }
        headLength = 0;
        inHead = lineEnded;
        if (lineEnded) {
            lineEnded();
        }
    }

    /** A {@code COPY … FROM stdin;} line starts rows, a {@code \.} line ends them. */
    private void lineEnded() {
        if (inCopy) {
            inCopy = !(lineLength == 2 && endsWith(new byte[] {'\\', '.'}));
        } else if (copyLine && endsWith(COPY_END)) {
            inCopy = true;
        }
        copyLine = false;
        lineLength = 0;
    }

    private boolean endsWith(byte[] suffix) {
        if (lineLength < suffix.length) {
            return false;
        }
        for (int k = 0; k < suffix.length; k++) {
            long pos = lineLength - suffix.length + k;
            if (tail[(int) (pos % tail.length)] != suffix[k]) {
                return false;
            }
        }
        return true;
    }
}
