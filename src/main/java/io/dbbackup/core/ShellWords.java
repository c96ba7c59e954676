package io.dbbackup.core;

import java.util.List;
import java.util.stream.Collectors;

/** POSIX shell quoting, for the commands dbbackup writes into PostgreSQL's configuration and those a line says to paste. */
public final class ShellWords {
    private ShellWords() {
    }

    /** {@code word} as one shell word: bare when it holds only safe characters, else single-quoted. */
    public static String quote(String word) {
        if (!word.isEmpty() && word.matches("[A-Za-z0-9_@%+=:,./-]+")) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /**
     * {@code text} as one shell word for {@code echo}: in double quotes when it holds only safe characters and spaces
     * ({@code "<sha256>  <file>"}, as a sidecar's line reads), else single-quoted. Nothing in it is expanded.
     */
    public static String echoed(String text) {
        if (text.matches("[A-Za-z0-9_@%+=:,./ -]+")) {
            return "\"" + text + "\"";
        }
        return "'" + text.replace("'", "'\\''") + "'";
    }

    /**
     * {@code 'echo "LINE" > PATH'}: the paste-ready command (in the single quotes a message puts it in) that writes
     * {@code line} and a newline as the file {@code path}.
     */
    public static String echoInto(String line, String path) {
        return "'echo " + echoed(line) + " > " + quote(path) + "'";
    }

    /** {@code 'echo "LINE" | WORDS'}: the paste-ready command that hands {@code line} and a newline to {@code words}. */
    public static String echoPipedTo(String line, List<String> words) {
        return "'echo " + echoed(line) + " | " + join(words) + "'";
    }

    public static String join(List<String> words) {
        return words.stream().map(ShellWords::quote).collect(Collectors.joining(" "));
    }
}
