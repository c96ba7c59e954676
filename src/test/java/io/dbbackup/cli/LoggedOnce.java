package io.dbbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/** The log line of {@code stderr} that holds {@code text}: one, naming {@code key} once, in its {@code key=} field. */
final class LoggedOnce {
    private LoggedOnce() {
    }

    static String line(String stderr, String text, String key) {
        List<String> lines = stderr.lines().filter(l -> l.contains(text)).toList();
        assertThat(lines).as(stderr).hasSize(1);
        String line = lines.get(0);
        assertThat(line).as("its key once, in key=").endsWith(" key=" + key);
        assertThat(line.indexOf(key)).as(line).isEqualTo(line.length() - key.length());
        return line;
    }
}
