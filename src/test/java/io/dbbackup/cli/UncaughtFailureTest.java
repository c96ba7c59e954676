package io.dbbackup.cli;

import io.dbbackup.core.Heap;
import io.dbbackup.core.Json;
import io.dbbackup.core.Log;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;

/**
 * A thread that dies of a failure nobody caught (an OutOfMemoryError in a worker) is said as {@link Main#report} says any
 * failure: with {@code --log-format json} one JSON object a log collector parses, not a plain line or a JVM stack trace.
 */
class UncaughtFailureTest {
    private final Clock clock = Clock.fixed(Instant.parse("2026-12-06T00:00:00Z"), ZoneOffset.UTC);
    private final Thread worker = new Thread(() -> { }, "worker-1");

    private List<String> said(Throwable e, boolean stopRecovery, Log.Format format) {
        StringWriter text = new StringWriter();
        Main.uncaught(new PrintWriter(text), worker, e, stopRecovery, format, clock);
        return text.toString().lines().toList();
    }

    @Test
    void anOutOfMemoryErrorIsOneJsonLineWithTheExitStatus() {
        OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
        List<String> json = said(oom, false, Log.Format.JSON);
        assertThat(json).hasSize(1);
        assertThat(Json.parse(json.get(0))).asInstanceOf(MAP).containsEntry("time", "2026-12-06T00:00:00Z")
                .containsEntry("level", "error").containsEntry("msg", "thread worker-1: " + Heap.outOfMemory(oom))
                .containsEntry("exit", 2L);
        assertThat(Json.parse(said(oom, true, Log.Format.JSON).get(0))).asInstanceOf(MAP).containsEntry("exit", 255L);
        assertThat(said(oom, false, Log.Format.TEXT)).containsExactly("error: thread worker-1: " + Heap.outOfMemory(oom));
    }

    @Test
    void anyOtherFailureIsOneJsonLineWithItsTraceAndNoExit() {
        IllegalStateException bug = new IllegalStateException("boom");
        List<String> json = said(bug, false, Log.Format.JSON);
        assertThat(json).hasSize(1);
        assertThat(Json.parse(json.get(0))).asInstanceOf(MAP).containsEntry("level", "error")
                .containsEntry("msg", "thread worker-1: internal error: IllegalStateException: boom").doesNotContainKey("exit")
                .hasEntrySatisfying("stack", s -> assertThat((String) s).contains("at io.dbbackup.cli.UncaughtFailureTest"));
        assertThat(said(bug, false, Log.Format.TEXT)).first()
                .isEqualTo("Exception in thread \"worker-1\" java.lang.IllegalStateException: boom");
    }

    @Test
    void aSecretInTheFailureIsMaskedInTextAndJson() {
        String secret = "uncaught-s3cret-" + Long.toHexString(System.nanoTime());
        io.dbbackup.core.Redactor.register(secret);
        IllegalStateException bug = new IllegalStateException("cannot connect to postgresql://app:" + secret + "@db/app");
        OutOfMemoryError oom = new OutOfMemoryError("Java heap space " + secret);
        for (Log.Format format : Log.Format.values()) {
            assertThat(String.join("\n", said(bug, false, format))).as("%s", format).doesNotContain(secret).contains("***");
            assertThat(String.join("\n", said(oom, false, format))).as("%s", format).doesNotContain(secret).contains("***");
        }
    }
}
