package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SqliteFixture;
import io.dbbackup.testkit.SteppingClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The passphrase rotated twice: the store holds backups under three passphrases. A restore host that has all three
 * (three variables) must be able to check every backup in one {@code verify --all-backups --deep}, as it can with
 * several {@code --identity FILE} after recipients rotated; the job's own passphrase is still tried after them.
 */
class PassphraseRotationCliTest {
    @TempDir
    Path dir;

    @Test
    void severalPassphraseEnvOptionsOpenTheBackupsOfEveryPassphraseTheJobHadAndNeverShowOne() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 20);
        Cli cli = new Cli().workingDir(dir).clock(new SteppingClock(Instant.parse("2026-03-01T02:00:00Z"), Duration.ofMinutes(1)));
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                  app: {datasource: app, store: local, encryption: {passphrase_env: BPASS, scrypt_work_factor: 10}}
                """);
        String[] passphrases = {"first-passphrase-of-2025", "second-passphrase-spring", "third-passphrase-current"};
        for (String p : passphrases) {
            Cli.Result b = cli.env("BPASS", p).run("-c", "config.yaml", "backup", "app", "--no-progress");
            assertThat(b.exit()).as(b.toString()).isZero();
        }
        cli.env("OLD1", passphrases[0]).env("OLD2", passphrases[1]); // BPASS is the current one

        Cli.Result all = cli.run("-c", "config.yaml", "verify", "app", "--all-backups", "--deep", "--no-progress",
                "--passphrase-env", "OLD1", "--passphrase-env", "OLD2");
        assertThat(all.exit()).as(all.toString()).isZero();
        assertThat(all.out()).contains("3 of 3 backups verified (exit 0)");
        for (String p : passphrases) {
            assertThat(all.out() + all.err()).doesNotContain(p);
        }

        // none of them right: exit 1 (a key problem, not corruption), each passphrase named by its variable only
        cli.env("BPASS", "not-any-of-them-at-all");
        Cli.Result wrong = cli.run("-c", "config.yaml", "verify", "app", "--deep", "--no-progress",
                "--passphrase-env", "OLD1", "--passphrase-env", "OLD2");
        assertThat(wrong.exit()).as(wrong.toString()).isEqualTo(1);
        assertThat(wrong.out() + wrong.err()).contains("tried the passphrase from env OLD1, the passphrase from env OLD2, "
                + "the passphrase from env BPASS; it was encrypted for a passphrase").doesNotContain("not-any-of-them");
    }
}
