package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --limit-download}: a verify of a 4 MiB backup that does not compress, at 1 MiB/s, cannot finish in less than the
 * three seconds its bytes beyond the first second's burst take (a lower bound only: a throttle is never faster than its
 * rate, whatever the machine), while the same verify without it is not paced; a value that is not a rate is refused.
 */
class DownloadRateLimitCliTest {
    @TempDir
    Path dir;

    @Test
    void readsArePacedToTheRateOnlyWhenAsked() throws Exception {
        Shell.ok(dir, "sqlite3", "app.db", "create table blobs(b); insert into blobs select randomblob(1048576) from generate_series(1, 4);");
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db, compression: none}
                stores:
                  local: {type: local, path: store}
                jobs:
                  app: {datasource: app, store: local, verify: false}
                """);
        Cli.Result b = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "app");
        assertThat(b.exit()).as(b.toString()).isZero();

        long t0 = System.nanoTime();
        Cli.Result fast = new Cli().workingDir(dir).run("-c", "config.yaml", "verify", "app");
        long fastMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(fast.exit()).as(fast.toString()).isZero();

        t0 = System.nanoTime();
        Cli.Result slow = new Cli().workingDir(dir).run("-c", "config.yaml", "--limit-download", "1MiB/s", "verify", "app");
        long slowMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(slow.exit()).as(slow.toString()).isZero();
        assertThat(slow.out()).contains("ok");

        System.out.println("verify of 4 MiB: " + fastMs + " ms; at --limit-download 1MiB/s: " + slowMs + " ms");
        assertThat(slowMs).as("4 MiB+ at 1 MiB/s after a 1 MiB burst").isGreaterThanOrEqualTo(2900);
    }

    @Test
    void aValueThatIsNotARateIsRefused() {
        Cli.Result r = new Cli().workingDir(dir).run("--limit-download", "1KiB", "list", "app");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("--limit-download").contains("'1KiB' is not a rate").contains("at least 64KiB");
    }
}
