package io.dbbackup.engine.mysql;

import io.dbbackup.spi.LastBytes;

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
 * /*!50001 CREATE ALGORITHM=UNDEFINED DEFINER=`role` SQL SECURITY DEFINER VIEW …  (view of a role, MariaDB: one line)
 * </pre>
 * Each distinct definer is noted (for an error that names them); with {@code toCurrentUser}, the clause becomes
 * {@code DEFINER=CURRENT_USER}, so the account that restores becomes the definer: no {@code SUPER}/{@code SET USER}
 * needed, and no object left naming an account the target does not have. Only the first {@value #HEAD} bytes of a line
 * are looked at, and only lines starting as above where a statement starts: after a line that ended one (with the
 * {@code DELIMITER} in force, {@code ;;} around routines), blank and comment lines between statements aside, and for
 * a view's definer line after its {@code /*!50001 CREATE} line. Rows ({@code INSERT INTO …}) and the lines of a
 * multi-line routine, trigger or event body pass untouched, even one that starts as a clause (a string literal's line).
 */
final class Definers extends LineRewriter {
    /**
     * The head of a line that may hold a definer, covering the longest one: the longest prefix up to {@code DEFINER=}
     * (a role's view, {@code /*!50001 CREATE ALGORITHM=TEMPTABLE DEFINER=}: 44 bytes), a quoted user of 80 characters
     * and a quoted host of 255, each character at most 4 bytes (UTF-8; a doubled backtick or quote, or a backslash
     * escape, is 2), with {@code @}: 44 + (2 + 320) + 1 + (2 + 1020) = 1389 bytes, rounded up.
     */
    static final int HEAD = 2048;
    private static final List<String> PREFIXES = List.of("/*!50003 CREATE*/ /*!50017 DEFINER=",
            "/*!50106 CREATE*/ /*!50117 DEFINER=", "CREATE DEFINER=");
    /** A view's definer line, after the line that starts the view. */
    private static final String VIEW_DEFINER = "/*!50013 DEFINER=";
    private static final String VIEW_START = "/*!50001 CREATE";
    /** A view of a role on one line: its clause after the algorithm. */
    private static final Pattern ROLE_VIEW = Pattern.compile("/\\*!50001 CREATE ALGORITHM=\\w+ (?=DEFINER=)");
    /** The end of a line that may end a statement is looked at: this many bytes, trailing blanks included. */
    private static final int TAIL = 16;
    /**
     * A quoted name: in backticks ({@link Sql#QUOTED_NAME}) or in quotes (one inside doubled or escaped), read as that
     * one is: runs of plain characters at once, never given back (a name of {@value #HEAD} single characters overflowed
     * the stack).
     */
    private static final String QUOTED = Sql.QUOTED_NAME + "|'[^'\\\\]*+(?:(?:''|\\\\.)[^'\\\\]*+)*+'";
    /** {@code DEFINER=`user`@`host`} (a backtick inside a name doubled), or {@code 'user'@'host'}, or a role. */
    private static final Pattern DEFINER = Pattern.compile(
            "DEFINER=((?:" + QUOTED + "|[\\w$]+)(?:@(?:" + QUOTED + "|[\\w$.%-]+))?)");
    private static final int MAX_NOTED = 20;

    private final boolean toCurrentUser;
    private final Set<String> seen = new LinkedHashSet<>();
    private int rewritten;
    /** The client's statement delimiter ({@code DELIMITER ;;} around routines, triggers and events). */
    private String delimiter = ";";
    /** The current line starts a statement: the previous one ended one (or the dump starts). */
    private boolean atStatement = true;
    /** The previous line started a view ({@code /*!50001 CREATE ALGORITHM=UNDEFINED *&#47;}): its definer line follows. */
    private boolean afterViewStart;
    /** How the current line starts, once its head was decided: blank, a comment, a DELIMITER, a view's start, other. */
    private String lineStart = "";
    /** The last {@value #TAIL} bytes of the current line. */
    private final LastBytes tail = new LastBytes(TAIL);

    Definers(boolean toCurrentUser, OutputStream out) {
        super(HEAD, out);
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

    /** Notes the last {@value #TAIL} bytes of the current line. */
    @Override
    void scanned(byte[] b, int from, int to) {
        tail.add(b, from, to - from);
    }

    /** Notes whether a statement starts on the next line: this one ended one, or was blank or a comment between statements. */
    @Override
    void lineEnded() {
        String start = lineStart;
        String end = tail.text(StandardCharsets.ISO_8859_1).stripTrailing();
        lineStart = "";
        tail.clear();
        boolean viewStart = atStatement && start.startsWith(VIEW_START);
        if (atStatement && (start.isBlank() || start.startsWith("--"))) {
            return;
        }
        if (atStatement && (start.startsWith("/*M!999999") || start.startsWith("/*!999999"))) { // the sandbox-mode line: no delimiter
            atStatement = true;
            return;
        }
        if (atStatement && start.regionMatches(true, 0, "DELIMITER ", 0, 10) && !start.substring(10).isBlank()) {
            delimiter = start.substring(10).strip();
            return;
        }
        atStatement = end.endsWith(delimiter);
        afterViewStart = viewStart && !atStatement;
    }

    /** Passes on the head of the current line, its definer noted (and replaced) when it is one of a dump's clauses. */
    @Override
    void passOn(byte[] bytes, boolean whole) throws IOException {
        lineStart = new String(bytes, 0, Math.min(bytes.length, 64), StandardCharsets.ISO_8859_1).stripTrailing();
        boolean viewDefiner = afterViewStart;
        afterViewStart = false;
        if (bytes.length == 0 || (bytes[0] != '/' && bytes[0] != 'C') || !(atStatement || viewDefiner)) {
            out.write(bytes);
            return;
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1); // byte for byte: the rest of the head is kept as it is
        int at = clauseAt(text, viewDefiner);
        Matcher m = DEFINER.matcher(text);
        if (at < 0 || !m.region(at, text.length()).lookingAt()) {
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

    /** Where the line's DEFINER clause starts, if it starts as one of the dump's clauses, or -1. */
    private int clauseAt(String text, boolean viewDefiner) {
        if (viewDefiner || atStatement) {
            if (text.startsWith(VIEW_DEFINER)) {
                return VIEW_DEFINER.length() - "DEFINER=".length();
            }
        }
        if (!atStatement) {
            return -1;
        }
        for (String prefix : PREFIXES) {
            if (text.startsWith(prefix)) {
                return prefix.length() - "DEFINER=".length();
            }
        }
        Matcher role = ROLE_VIEW.matcher(text);
        return role.lookingAt() ? role.end() : -1;
    }
}
