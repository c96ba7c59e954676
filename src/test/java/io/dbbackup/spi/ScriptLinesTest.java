package io.dbbackup.spi;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ScriptLinesTest {
    private static ScriptLines scan(String text, int chunk, String... prefixes) {
        ScriptLines s = new ScriptLines(prefixes);
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        for (int off = 0; off < b.length; off += chunk) {
            s.write(b, off, Math.min(chunk, b.length - off));
        }
        s.close();
        return s;
    }

    @Test
    void countsPrefixedLinesAndKeepsTheFirstAndLastNonBlankLinesWhateverTheWriteSizes() {
        String text = "--\n-- head\n\n-- Name: a\nrow 1\n-- Name: b\n  \n-- Data for Name: b\nrow 2\n-- end\r\n\n";
        for (int chunk : new int[] {1, 3, 7, 1 << 16}) {
            ScriptLines s = scan(text, chunk, "-- Name: ", "-- Data for Name: ", "row ");
            assertThat(s.count(0)).as("chunk %d", chunk).isEqualTo(2);
            assertThat(s.count(1)).isEqualTo(1);
            assertThat(s.count(2)).isEqualTo(2);
            assertThat(s.firstLines()).containsExactly("--", "-- head", "-- Name: a", "row 1");
            assertThat(s.lastLines()).as("blank lines skipped, \\r dropped").containsExactly("-- Name: b", "-- Data for Name: b", "row 2", "-- end");
            assertThat(s.bytes()).isEqualTo(text.length());
        }
    }

    @Test
    void aLastLineWithoutNewlineCountsAndLongLinesAreCutNotMissed() throws IOException {
        String longLine = "-- Name: " + "x".repeat(100_000);
        ScriptLines s = new ScriptLines("-- Name: ").readAll(
                new ByteArrayInputStream((longLine + "\n-- Name: tail").getBytes(StandardCharsets.UTF_8)));
        assertThat(s.count(0)).isEqualTo(2);
        assertThat(s.lastLines()).hasSize(2);
        assertThat(s.lastLines().get(0)).hasSize(200).startsWith("-- Name: xxx");
        assertThat(s.lastLines().get(1)).isEqualTo("-- Name: tail");
    }

    @Test
    void aPrefixMustStartTheLine() {
        ScriptLines s = scan("x -- Name: a\n -- Name: b\n-- Nam\n", 4, "-- Name: ");
        assertThat(s.count(0)).isZero();
        assertThat(s.lastLines()).isEqualTo(List.of("x -- Name: a", " -- Name: b", "-- Nam"));
    }
}
