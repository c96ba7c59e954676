package io.dbbackup.cli;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every table of the README has as many cells in each row as its header has columns. A row one cell short (a
 * default left out) is still drawn, its text under the wrong headings: a key's meaning shown as its default.
 */
class ReadmeTablesTest {
    @Test
    void everyRowOfEveryTableHasTheHeadersColumns() throws Exception {
        List<String> lines = Readme.lines();
        List<String> wrong = new ArrayList<>();
        int tables = 0;
        int header = -1;
        boolean code = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.strip().startsWith("```")) {
                code = !code;
            }
            if (code || !line.startsWith("|")) {
                header = -1;
                continue;
            }
            if (header < 0) {
                header = cells(line);
                tables++;
            } else if (cells(line) != header) {
                wrong.add("README.md:" + (i + 1) + ": " + cells(line) + " cells, its header has " + header + ": "
                        + line.substring(0, Math.min(100, line.length())));
            }
        }
        assertThat(tables).as("tables found").isGreaterThan(20);
        assertThat(wrong).as("README.md table rows whose cells do not match their header's columns").isEmpty();
    }

    /** The cells of a row: its unescaped {@code |}, the leading and trailing one being its edges. */
    private static int cells(String row) {
        String s = row.strip();
        int bars = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '|' && (i == 0 || s.charAt(i - 1) != '\\')) {
                bars++;
            }
        }
        return s.endsWith("|") && !s.endsWith("\\|") ? bars - 1 : bars;
    }
}
