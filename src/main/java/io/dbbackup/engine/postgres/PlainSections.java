package io.dbbackup.engine.postgres;

import io.dbbackup.spi.LineFilter;

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
 * backslash in a value is written {@code \\}). Only a line's first {@value LineFilter#HEAD} bytes and last 16 are held
 * ({@link LineFilter}).
 */
final class PlainSections extends LineFilter {
    private static final byte[] COPY_END = "FROM stdin;".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COPY_DONE = {'\\', '.'};
    private static final Pattern OBJECT = Pattern.compile(
            "^-- (Data for )?Name: (.+?); Type: (.+?); Schema: (.+?)(?:; Owner: .*)?$");

    /** One object of the script; null before the first (the script's opening {@code SET}s). Compared by identity. */
    record Section(String name, String type, String schema) {
    }

    interface Rule {
        boolean keeps(Section section, String head);
    }

    private final Rule rule;
    private boolean afterDashes;
    private boolean copyLine;
    private boolean inCopy;
    private Section section;

    PlainSections(Rule rule, OutputStream out) {
        super(out);
        this.rule = rule;
    }

    @Override
    protected boolean keep(String text, boolean whole) {
        if (!inCopy) {
            if (afterDashes && text.startsWith("-- ")) {
                Matcher m = OBJECT.matcher(text);
                if (m.matches()) {
                    section = new Section(m.group(2), m.group(3), m.group(4));
                }
            }
            afterDashes = whole && text.equals("--");
            copyLine = text.startsWith("COPY ");
        }
        return rule.keeps(section, text);
    }

    /** A {@code COPY … FROM stdin;} line starts rows, a {@code \.} line ends them. */
    @Override
    protected void lineEnded() {
        if (inCopy) {
            inCopy = !(lineLength() == 2 && lineEndsWith(COPY_DONE));
        } else if (copyLine && lineEndsWith(COPY_END)) {
            inCopy = true;
        }
        copyLine = false;
    }
}
