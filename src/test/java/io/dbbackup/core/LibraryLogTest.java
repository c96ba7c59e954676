package io.dbbackup.core;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The libraries' SLF4J lines come out through the tool's Log: its format, its level, its redaction. */
class LibraryLogTest {
    private final Log before = Log.get();
    private final StringWriter out = new StringWriter();

    @AfterEach
    void restore() {
        Log.set(before);
    }

    private void logAs(Log.Format format, Log.Level level) {
        Log.set(new Log(new PrintWriter(out, true), format, level,
                Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC)));
    }

    @Test
    void aLibraryWarningIsAJsonLineNamingTheLibraryWithSecretsMasked() {
        new Secret("lib-secret-8841", "env L");
        logAs(Log.Format.JSON, Log.Level.INFO);
        LoggerFactory.getLogger("software.amazon.awssdk.http.Example")
                .warn("retrying with {}", "lib-secret-8841", new IOException("reset by peer"));
        String line = out.toString().strip();
        assertThat(line.lines()).hasSize(1);
        Map<?, ?> parsed = (Map<?, ?>) Json.parse(line);
        assertThat(parsed.get("level")).isEqualTo("warn");
        assertThat(parsed.get("msg")).isEqualTo("retrying with ***: reset by peer");
        assertThat(parsed.get("library")).isEqualTo("software.amazon.awssdk.http.Example");
        assertThat(line).doesNotContain("8841").doesNotContain("\tat ");
    }

    @Test
    void sshjErrorsAreDebugLinesBecauseTheSftpStoreWordsThem() {
        logAs(Log.Format.TEXT, Log.Level.INFO);
        LoggerFactory.getLogger("net.schmizz.sshj.transport.TransportImpl")
                .error("Dying because - {}", "Broken transport; encountered EOF", new IOException("EOF"));
        assertThat(out.toString()).isEmpty();
        logAs(Log.Format.TEXT, Log.Level.DEBUG);
        LoggerFactory.getLogger("net.schmizz.sshj.transport.TransportImpl")
                .error("Dying because - {}", "Broken transport", new IOException("encountered EOF"));
        assertThat(out.toString()).contains("DEBUG Dying because - Broken transport: encountered EOF")
                .contains("library=net.schmizz.sshj.transport.TransportImpl");
    }

    @Test
    void quietHidesLibraryWarningsLikeItsOwnOnlyAtErrorAndInfoIsNeverShown() {
        logAs(Log.Format.TEXT, Log.Level.ERROR);
        LoggerFactory.getLogger("com.azure.core.Example").warn("a warning");
        LoggerFactory.getLogger("com.azure.core.Example").info("chatter");
        assertThat(out.toString()).isEmpty();
        logAs(Log.Format.TEXT, Log.Level.DEBUG);
        LoggerFactory.getLogger("com.azure.core.Example").info("chatter");
        assertThat(out.toString()).isEmpty();
    }
}
