package io.dbbackup.core;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JsonAndLogTest {
    @Test
    void jsonRoundTrips() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "quote \" backslash \\ newline \n tab \t é 🎁 \u0001");
        m.put("n", 42L);
        m.put("d", 1.5);
        m.put("b", true);
        m.put("z", null);
        m.put("l", List.of(1L, "two", Map.of("k", "v")));
        assertThat(Json.parse(Json.write(m))).isEqualTo(m);
        assertThat(Json.parse(Json.pretty(m))).isEqualTo(m);
    }

    @Test
    void jsonLogLinesAreObjectsAndSecretsAreMasked() {
        new Secret("hunter2-very-secret", "env X");
        StringWriter sw = new StringWriter();
        Log log = new Log(new PrintWriter(sw), Log.Format.JSON, Log.Level.INFO,
                Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
        log.info("connecting with hunter2-very-secret", "bytes", 12, "who", "me");
        log.debug("not shown");
        String line = sw.toString().strip();
        assertThat(line.lines()).hasSize(1);
        Map<?, ?> parsed = (Map<?, ?>) Json.parse(line);
        assertThat(parsed.get("msg")).isEqualTo("connecting with ***");
        assertThat(parsed.get("bytes")).isEqualTo(12L);
        assertThat(parsed.get("level")).isEqualTo("info");
        assertThat(line).doesNotContain("hunter2");
    }

    /** A secret holding a quote or a backslash is masked in JSON lines too, and in the forms it takes in text. */
    @Test
    void secretsAreMaskedBeforeEscapingAndInTheirStrippedAndSqueezedForms() {
        new Secret("pa\"ss\\word-4711\n", "env Y");   // read from a file: its newline is stripped before use
        new Secret("two  words\tand-4712", "env Z");  // error reasons squeeze white space
        StringWriter sw = new StringWriter();
        Log log = new Log(new PrintWriter(sw), Log.Format.JSON, Log.Level.INFO,
                Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
        log.warn("url \"http://h/pa\"ss\\word-4711\" refused", "error", "reason: two words and-4712 wrong", "n", 3);
        String line = sw.toString().strip();
        Map<?, ?> parsed = (Map<?, ?>) Json.parse(line);
        assertThat(parsed.get("msg")).isEqualTo("url \"http://h/***\" refused");
        assertThat(parsed.get("error")).isEqualTo("reason: two words and-4712 wrong".replace("two words and-4712", "***"));
        assertThat(line).doesNotContain("4711").doesNotContain("4712");
        // and a JSON document that already holds one, escaped, passing the redactor last
        assertThat(Redactor.redact(Json.write(Map.of("u", "pa\"ss\\word-4711")))).isEqualTo("{\"u\":\"***\"}");
    }

    @Test
    void retryDelaysGrowAndAreCapped() {
        RetryPolicy p = new RetryPolicy(5, java.time.Duration.ofSeconds(10), 2.0, java.time.Duration.ofSeconds(35));
        assertThat(p.delayAfter(1)).hasSeconds(10);
        assertThat(p.delayAfter(2)).hasSeconds(20);
        assertThat(p.delayAfter(3)).hasSeconds(35);
    }

    /** A progress line on the same stream is wiped before a log line and drawn again after it, never glued to it. */
    @Test
    void aLogLineClearsAndRedrawsAnOverdrawnLine() {
        StringWriter sw = new StringWriter();
        PrintWriter pw = new PrintWriter(sw);
        Log log = new Log(pw, Log.Format.TEXT, Log.Level.INFO, Clock.fixed(Instant.parse("2026-11-30T12:00:00Z"), ZoneOffset.UTC));
        Log.Overdraw line = new Log.Overdraw() {
            @Override
            public void clear() {
                pw.print("\r<clear>\r");
            }

            @Override
            public void redraw() {
                pw.print("\r<50%>");
            }
        };
        pw.print("\r<40%>");
        log.overdraw(line);
        log.info("base backup extracted", "files", 3);
        log.stopOverdraw(line);
        log.info("done");
        pw.flush();
        assertThat(sw.toString()).isEqualTo("\r<40%>\r<clear>\r2026-11-30T12:00:00Z INFO  base backup extracted files=3"
                + System.lineSeparator() + "\r<50%>2026-11-30T12:00:00Z INFO  done" + System.lineSeparator());
    }
}
