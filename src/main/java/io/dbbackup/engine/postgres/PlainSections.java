package io.dbbackup.engine.postgres;

import io.dbbackup.spi.LineFilter;

import java.io.OutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pg_dump plain script of any size taken apart line by line as it streams by, by the comment pg_dump writes before
 * each object ({@code --} / {@code -- Name: orders; Type: TABLE; Schema: public; Owner: app} / {@code --}, and
 * {@code -- Data for Name: …; Type: TABLE DATA; …} before its rows): each line is shown to a {@link Rule} with the
 * object it belongs to and its first bytes, and passed on to {@code out} whole or not at all. Such a comment counts only
 * where a statement may start ({@link ScriptLexer}): one inside a string (a {@code COMMENT ON … IS E'…'} with newlines),
 * a quoted identifier, a dollar-quoted function body or the rows of a {@code COPY … FROM stdin;} (to its {@code \.}
 * line) is the content of that object, never the start of another — else a crafted comment could smuggle statements
 * into a restore of another table. Only a line's first {@value LineFilter#HEAD} bytes are held ({@link LineFilter});
 * every byte is read by the lexer.
 */
final class PlainSections extends LineFilter {
    /** The name is the longest that fits: pg_dump writes names unquoted, and one may hold {@code ; Type: }. */
    private static final Pattern OBJECT = Pattern.compile(
            "^-- (Data for )?Name: (.+); Type: (.+?); Schema: (.+?)(?:; Owner: .*)?$");

    /** One object of the script; null before the first (the script's opening {@code SET}s). Compared by identity. */
    record Section(String name, String type, String schema) {
    }

    interface Rule {
        boolean keeps(Section section, String head);
    }

    private final Rule rule;
    private final ScriptLexer lexer = new ScriptLexer();
    private boolean lineInCode = true;
    private boolean afterDashes;
    private Section section;

    PlainSections(Rule rule, OutputStream out) {
        super(out);
        this.rule = rule;
    }

    @Override
    protected boolean keep(String text, boolean whole) {
        if (lineInCode) {
            if (afterDashes && text.startsWith("-- ")) {
                Matcher m = OBJECT.matcher(text);
                if (m.matches()) {
                    section = new Section(m.group(2), m.group(3), m.group(4));
                }
            }
            afterDashes = whole && text.equals("--");
        } else {
            afterDashes = false;
        }
        return rule.keeps(section, text);
    }

    @Override
    protected void scanned(byte c) {
        lexer.accept(c);
    }

    @Override
    protected void lineEnded() {
        lexer.endLine();
        lineInCode = lexer.inCode();
    }

    /** Whether the script read so far ends outside any string, body, comment or rows (as every complete script does). */
    boolean endsInCode() {
        return lexer.inCode();
    }
}
