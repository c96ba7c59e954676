package io.dbbackup.cli;

import io.dbbackup.testkit.DbbackupJar;
import io.dbbackup.testkit.WebhookServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job's {@code timeout} while the compressor is busy with a big dump (the built jar, a real dump child, a real webhook):
 * the job ends within seconds of its timeout, fails "timed out" (exit 2), leaves nothing under a final key and no
 * temporary file, keeps the older backup its retention would have pruned, and notifies. At zstd level 19 the job used
 * to end its frame first (compress everything the compressor held) and wait for zstd's workers' 32 MiB jobs: far
 * past its timeout.
 */
class CompressionTimeoutIT {
    private static final int TIMEOUT_S = 8;
    /** Generous for a loaded 2-core machine: the job's start-up, its timeout, its clean-up and the notification. */
    private static final long ENDS_WITHIN_MS = (TIMEOUT_S + 8) * 1000L;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} level {1}")
    @CsvSource({"zstd, 19, zst", "gzip, 9, gz", "lz4, 12, lz4"})
    void aTimeoutWhileCompressingEndsTheJobOnTimeAndLeavesNothing(String compression, int level, String ext) throws Exception {
        try (WebhookServer hook = new WebhookServer()) {
            // an older, small backup first: the job's retention (keep_last 1) would prune it after a stored backup
            Files.writeString(dir.resolve("config.yaml"), config(compression, level, "echo small"));
            Process first = DbbackupJar.startWithTestEngine(dir, Map.of("HOOK_URL", hook.url() + "/hook"), "backup", "big");
            assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(first.exitValue()).as(() -> read("out.txt") + read("err.txt")).isZero();
            List<String> before = stored();
            assertThat(before).as("the older backup").anyMatch(n -> n.endsWith("." + ext));
            hook.drain();
            Thread.sleep(1100); // a key per second: the big run must not name the older backup's second (lz4 is that fast)

            // compressible text (base64 of random bytes), fast to make and slow to compress at high levels
            Files.writeString(dir.resolve("config.yaml"), config(compression, level,
                    "head -c 2000000000 /dev/urandom | base64"));
            long t0 = System.nanoTime();
            Process p = DbbackupJar.startWithTestEngine(dir, Map.of("HOOK_URL", hook.url() + "/hook"),
                    "backup", "big", "--prune");
            try {
                boolean exited = p.waitFor(300, TimeUnit.SECONDS);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                String out = read("out.txt");
                String err = read("err.txt");
                System.out.println("---- timeout " + TIMEOUT_S + "s at " + compression + " " + level + ": exited " + exited
                        + " after " + ms + " ms\n" + out + err);
                assertThat(exited).as("exited within 300 s").isTrue();
                assertThat(p.exitValue()).as(out + err).isEqualTo(2);
                assertThat(out).contains("job big timed out after " + TIMEOUT_S + "s");
                assertThat(ms).as("ends within seconds of its %d s timeout (overshoot %d ms): %s", TIMEOUT_S,
                        ms - TIMEOUT_S * 1000L, out + err).isLessThan(ENDS_WITHIN_MS);
                assertThat(stored()).as("nothing new under a final key, no temporary file, the older backup kept")
                        .isEqualTo(before);
                List<WebhookServer.Request> sent = hook.drain();
                assertThat(sent).as("the failure notified").hasSize(1)
                        .allSatisfy(r -> assertThat(r.body()).contains("timed out after " + TIMEOUT_S + "s"));
            } finally {
                p.destroyForcibly();
            }
        }
    }

    private static String config(String compression, int level, String command) {
        return """
                datasources:
                  big:
                    engine: fake
                    compression: %s
                    compression_level: %d
                    command: [sh, -c, '%s']
                stores:
                  local: {type: local, path: store, fsync: false}
                notifications:
                  hook: {type: webhook, url_env: HOOK_URL}
                jobs:
                  big:
                    datasource: big
                    store: local
                    prefix: big
                    timeout: %ds
                    retention: {keep_last: 1}
                    notify: [{notifier: hook, on: failure}]
                """.formatted(compression, level, command, TIMEOUT_S);
    }

    /** Every file in the store (temporary ones included), sorted. */
    private List<String> stored() throws Exception {
        try (Stream<Path> files = Files.walk(dir.resolve("store"))) {
            return files.filter(Files::isRegularFile).map(f -> dir.resolve("store").relativize(f).toString()).sorted().toList();
        }
    }

    private String read(String name) {
        try {
            return Files.readString(dir.resolve(name));
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
