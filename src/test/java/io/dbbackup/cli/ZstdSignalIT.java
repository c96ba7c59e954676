package io.dbbackup.cli;

import io.dbbackup.testkit.DbbackupJar;
import io.dbbackup.testkit.WebhookServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM during {@code backup --all --parallel 2} with zstd level 19 (large, slow multi-threaded zstd jobs whose native
 * calls cannot be interrupted): the built jar exits 143 within a pod's grace period with its summary and its
 * notifications, and leaves no backup under a final key. It used to end the zstd frame (compress everything buffered)
 * and wait for the job threads without bound: minutes on a loaded machine, past any grace period.
 */
class ZstdSignalIT {
    /** Generous for a loaded 2-core machine; a Kubernetes pod's default grace period is 30 s. */
    private static final long EXIT_WITHIN_MS = 30_000;

    @TempDir
    Path dir;

    @Test
    void sigtermDuringALevel19ZstdBackupExitsWithinSecondsWithSummaryAndNotifications() throws Exception {
        try (WebhookServer hook = new WebhookServer()) {
            // compressible text (base64 of random bytes), fast to make and slow to compress at level 19
            StringBuilder config = new StringBuilder("""
                    datasources:
                      big:
                        engine: fake
                        compression: zstd
                        compression_level: 19
                        command: [sh, -c, 'head -c 400000000 /dev/urandom | base64']
                    stores:
                      local: {type: local, path: store, fsync: false}
                    notifications:
                      hook: {type: webhook, url_env: HOOK_URL}
                    jobs:
                    """);
            for (String job : List.of("z19a", "z19b")) {
                config.append("""
                          %s:
                            datasource: big
                            store: local
                            prefix: %s
                            notify: [{notifier: hook, on: failure}]
                        """.formatted(job, job));
            }
            Files.writeString(dir.resolve("config.yaml"), config);
            Process p = startJar(hook.url() + "/hook", "backup", "--all", "--parallel", "2");
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (count(read("err.txt"), "backup started") < 2) {
                    assertThat(p.isAlive()).as(() -> "dbbackup still running: " + read("err.txt")).isTrue();
                    assertThat(System.nanoTime()).as("both jobs started").isLessThan(deadline);
                    Thread.sleep(50);
                }
                Thread.sleep(5000); // the compressors fill their buffers and workers
                assertThat(p.isAlive()).as(() -> "dbbackup still running: " + read("err.txt")).isTrue();
                long t0 = System.nanoTime();
                new ProcessBuilder("kill", "-TERM", String.valueOf(p.pid())).inheritIO().start().waitFor();
                boolean exited = p.waitFor(180, TimeUnit.SECONDS);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                String out = read("out.txt");
                String err = read("err.txt");
                System.out.println("---- SIGTERM during zstd 19: exited " + exited + " after " + ms + " ms\n" + out + err);
                assertThat(exited).as("exited within 180 s of SIGTERM").isTrue();
                assertThat(p.exitValue()).as(out + err).isEqualTo(143);
                assertThat(ms).as("exits within a grace period of SIGTERM: " + out + err).isLessThan(EXIT_WITHIN_MS);
                assertThat(out).contains("z19a").contains("z19b");
                assertThat(count(out, "interrupted by SIGTERM")).as(out).isGreaterThanOrEqualTo(2);
                List<WebhookServer.Request> sent = hook.drain();
                assertThat(sent).as("one notification per job").hasSize(2)
                        .allSatisfy(r -> assertThat(r.body()).contains("interrupted by SIGTERM"));
                try (Stream<Path> files = Files.walk(dir.resolve("store"))) {
                    assertThat(files.filter(Files::isRegularFile).map(f -> f.getFileName().toString())
                            .filter(n -> n.endsWith(".zst") || n.endsWith(".sha256") || n.endsWith(".json")).toList())
                            .as("no backup, no sidecar under a final key").isEmpty();
                } catch (java.nio.file.NoSuchFileException e) {
                    // nothing was stored at all
                }
            } finally {
                p.destroyForcibly();
            }
        }
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    private String read(String name) {
        try {
            return Files.readString(dir.resolve(name));
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private Process startJar(String hookUrl, String... args) throws Exception {
        return DbbackupJar.startWithTestEngine(dir, Map.of("HOOK_URL", hookUrl), args);
    }
}
