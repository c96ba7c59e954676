package io.dbbackup.job;

import java.util.List;
import java.util.stream.Collectors;

/** POSIX shell quoting, for the commands dbbackup writes into PostgreSQL's configuration. */
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

    public static String join(List<String> words) {
        return words.stream().map(ShellWords::quote).collect(Collectors.joining(" "));
    }
}
