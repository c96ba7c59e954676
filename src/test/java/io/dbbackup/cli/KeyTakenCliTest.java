package io.dbbackup.cli;

import io.dbbackup.testkit.BrokenStoreFixture;
import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run whose key is already taken by a stored backup — the job started twice in one second (the other run was
 * quicker), or this host's clock stepped back onto a second it had named before — is not the user's error: it fails as
 * the run that loses the claim of a key does (exit 2, retryable: a retry names a new second), never overwrites, and says
 * the two likely causes.
 */
class KeyTakenCliTest {
    private static final Instant T = Instant.parse("2026-03-01T02:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aKeyTakenByAStoredBackupFailsAsASystemErrorThatARetryGetsPast() throws Exception {
        BrokenStoreFixture.write(dir, """
                jobs:
                  app: {datasource: app, store: local}
                  retried: {datasource: app, store: local, prefix: retried, retry: {max_attempts: 2, delay: 10ms}}
                """);
        Cli fixed = new Cli().workingDir(dir).clock(Clock.fixed(T, ZoneOffset.UTC));
        assertThat(fixed.run("-c", "config.yaml", "backup", "app", "retried").exit()).isZero();
        byte[] first = Files.readAllBytes(dir.resolve("store/app/app-20260301-020000.sqlite.gz"));

        Cli.Result again = fixed.run("-c", "config.yaml", "backup", "app");
        assertThat(again.exit()).as(again.toString()).isEqualTo(2);
        assertThat(again.out()).contains("a backup already exists under app/app-20260301-020000.sqlite.gz (another run of "
                + "job app in the same second, or this host's clock stepped back onto a second it had named before); "
                + "refusing to overwrite it");
        assertThat(Files.readAllBytes(dir.resolve("store/app/app-20260301-020000.sqlite.gz"))).isEqualTo(first);

        // retried, as a transient failure (this clock stands still, so the retry meets the same key; a real one names the next second)
        Cli.Result retried = fixed.run("-c", "config.yaml", "backup", "retried");
        assertThat(retried.exit()).as(retried.toString()).isEqualTo(2);
        assertThat(retried.out()).contains("retried                  FAILED             2");
    }
}
