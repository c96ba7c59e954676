package io.dbbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;

/** The log line of {@code stderr} that holds {@code text}: one, naming {@code key} once, in its {@code key=} field. */
final class LoggedOnce {
    private LoggedOnce() {
    }

    static String line(String stderr, String text, String key) {
        String line = only(stderr, text);
        assertThat(line).as("its key once, in key=").endsWith(" key=" + key);
        assertThat(line.indexOf(key)).as(line).isEqualTo(line.length() - key.length());
        return line;
    }

    /**
     * {@link #line}, where the line also suggests a command to paste, {@code (dbbackup … KEY …)}: the key is named in the
     * command (what it acts on) and in {@code key=}, never in the sentence.
     */
    static String lineSuggesting(String stderr, String text, String key) {
        String line = only(stderr, text);
        String command = command(line);
        assertThat(command).as(line).contains(" " + key);
        line(line.replace(command, "COMMAND"), "COMMAND", key);
        return line;
    }

    /** The words of the command {@code line} suggests after {@code dbbackup}, as a pasted one reaches the program. */
    static String[] suggested(String line) {
        List<String> words = Arrays.asList(command(line).split(" "));
        assertThat(words).as(line).allMatch(w -> !w.contains("'") && !w.contains("\"") && !w.contains("\\"));
        return words.subList(1, words.size()).toArray(String[]::new);
    }

    private static String command(String line) {
        int at = line.indexOf("(dbbackup ");
        assertThat(at).as("a command to paste in " + line).isNotNegative();
        int end = line.indexOf(')', at);
        String inside = line.substring(at + 1, end);
        int words = inside.indexOf(" checks it");
        return words < 0 ? inside : inside.substring(0, words);
    }

    /**
     * The one line holding {@code text}: its sentence (before its fields) does not name {@code key}, its last field is
     * {@code key=KEY}; another field ({@code from=} a copy's source backup) may hold the same string.
     */
    static String sentenceWithout(String stderr, String text, String key) {
        return sentenceWithout(stderr, text, key, " job=");
    }

    /**
     * {@link #sentenceWithout}, the sentence ending at {@code upTo}: after it the line names a sidecar of the backup (a
     * file to delete), whose name holds its key.
     */
    static String sentenceWithout(String stderr, String text, String key, String upTo) {
        String line = only(stderr, text);
        assertThat(line).as("its key in key=").endsWith(" key=" + key);
        int fields = line.indexOf(upTo);
        assertThat(fields).as(line).isPositive();
        assertThat(line.substring(0, fields)).as("the key not in the sentence").doesNotContain(key);
        return line;
    }

    private static String only(String stderr, String text) {
        List<String> lines = stderr.lines().filter(l -> l.contains(text)).toList();
        assertThat(lines).as(stderr).hasSize(1);
        return lines.get(0);
    }
}
