package io.dbbackup.cli;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every README command that feeds a script to {@code psql} through a pipe or a redirect ({@code dbbackup download -o -
 * … | psql …}, {@code psql … < app.sql}) stops at the first error: {@code -v ON_ERROR_STOP=1}. Without it psql goes on
 * after a failed statement and exits 0 — with {@code -1} the transaction is rolled back and nothing is restored, yet
 * the pipeline, {@code set -o pipefail} and all, says success.
 */
class ReadmePsqlStopsOnErrorTest {
    /** psql as the reader of a pipe, to the end of its command (the next pipe or the end of the line). */
    private static final Pattern PIPED = Pattern.compile("\\|\\s*(psql\\b[^|]*)");
    /** psql whose input is a redirected file. */
    private static final Pattern REDIRECTED = Pattern.compile("(?<![\\w-])(psql\\b[^|<]*<[^|]*)");

    @Test
    void everyPsqlReadingAScriptStopsAtTheFirstError() throws Exception {
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (Readme.Line line : Readme.codeLines()) {
            for (Pattern p : List.of(PIPED, REDIRECTED)) {
                Matcher m = p.matcher(line.text());
                while (m.find()) {
                    checked++;
                    if (!m.group(1).matches(".*(?:-v|--set)[ =]?ON_ERROR_STOP=(?:1|on|true).*")) {
                        missing.add(line.toString());
                    }
                }
            }
        }
        assertThat(checked).as("psql commands reading a script in the README's code blocks").isPositive();
        assertThat(missing).as("README commands whose psql exits 0 after a failed statement").isEmpty();
    }
}
