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

    public static String join(List<String> words) {
        return words.stream().map(ShellWords::quote).collect(Collectors.joining(" "));
    }
}
