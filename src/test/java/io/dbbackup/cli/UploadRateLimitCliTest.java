package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code upload_rate_limit} on a store: a backup of 4 MiB that does not compress, at 1 MiB/s, cannot land in less than
 * the three seconds its bytes beyond the first second's burst take (a lower bound only: a throttle is never faster than
 * its rate, whatever the machine); the backup is whole; a value that is not a rate is refused at its line.
 */
class UploadRateLimitCliTest {
    @TempDir
    Path dir;

    private void config(String limit) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db, compression: none}
                stores:
                  local:
                    type: local
                    path: store
                    upload_rate_limit: %s
                jobs:
                  app: {datasource: app, store: local}
                """.formatted(limit));
    }

    @Test
    void aBackupIsPacedToTheStoresRateAndLandsWhole() throws Exception {
        Shell.ok(dir, "sqlite3", "app.db", "create table blobs(b); insert into blobs select randomblob(1048576) from generate_series(1, 4);");
        config("1MiB/s");

        long t0 = System.nanoTime();
        Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "app");
        long ms = (System.nanoTime() - t0) / 1_000_000;

        assertThat(r.exit()).as(r.toString()).isZero();
        System.out.println("4 MiB at upload_rate_limit 1MiB/s: " + ms + " ms");
        assertThat(ms).as("4 MiB+ at 1 MiB/s after a 1 MiB burst").isGreaterThanOrEqualTo(2900);
        assertThat(r.err()).contains("uploads at most 1 MiB/s");
        List<Path> artifacts;
        try (Stream<Path> s = Files.walk(dir.resolve("store"))) {
            artifacts = s.filter(p -> p.toString().endsWith(".sqlite")).toList();
        }
        assertThat(artifacts).hasSize(1);
        Path a = artifacts.get(0);
        assertThat(Shell.ok(a.getParent(), "sha256sum", "-c", a.getFileName() + ".sha256")).contains(": OK");
    }

    @Test
    void aValueThatIsNotARateIsRefusedAtItsLine() throws Exception {
        config("fast");

        Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "config", "validate");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("config.yaml:7:").contains("stores.local.upload_rate_limit")
                .contains("at least 64KiB").contains("'fast'");
        config("1KiB");
        assertThat(new Cli().workingDir(dir).run("-c", "config.yaml", "config", "validate").err()).contains("at least 64KiB");
        config("20MiB/s");
        Cli.Result ok = new Cli().workingDir(dir).run("-c", "config.yaml", "config", "validate");
        assertThat(ok.exit()).as(ok.toString()).isZero();
    }

    /** 100Mb is megabits to a network person: 8x what it was read as. Refused at its line, both readings suggested. */
    @Test
    void aLowerCaseBitsUnitIsRefusedAndMbitIsMegabits() throws Exception {
        config("100Mb");

        Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "config", "validate");

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("config.yaml:7:").contains("stores.local.upload_rate_limit")
                .contains("100Mbit").contains("100MB").contains("'100Mb'");
        assertThat(r.err().strip().lines().filter(l -> l.contains("upload_rate_limit"))).hasSize(1);
        config("100Mbit/s");
        Cli.Result ok = new Cli().workingDir(dir).run("-c", "config.yaml", "config", "validate");
        assertThat(ok.exit()).as(ok.toString()).isZero();
        assertThat(ok.out()).as("the summary says the rate as configured")
                .contains("job app: datasource app -> store local (uploads at most 100 Mbit/s (11.9 MiB/s))");

        Cli.Result cli = new Cli().workingDir(dir).run("-c", "config.yaml", "--limit-download", "100Mb", "list", "app");
        assertThat(cli.exit()).as(cli.toString()).isEqualTo(1);
        assertThat(cli.err()).contains("'100Mb'").contains("100Mbit").contains("100MB");
    }

    /**
     * A rate configured in bits was logged in bytes ("uploads at most 12500000 bytes/s" for 100Mbit): said as written
     * now, with its MiB/s beside it; a byte rate stays as it was ("1 MiB/s", above).
     */
    @Test
    void aRateIsLoggedAsItWasConfigured() throws Exception {
        Shell.ok(dir, "sqlite3", "app.db", "create table t(a);");
        config("100Mbit");
        Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "app");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).contains("(uploads at most 100 Mbit/s (11.9 MiB/s))").doesNotContain("bytes/s");
    }
}
