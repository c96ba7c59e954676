package io.dbbackup.cli;

import io.dbbackup.testkit.PrivateFile;
import io.dbbackup.codec.age.AgeKeys;
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
 * The read-back after {@code backup} (verify: true) with a job's identity that is the secret key of none of the backup's
 * recipients: its warning points to the config key that holds the job's identity (file and line), not to
 * {@code --identity}, which {@code backup} does not take. Never a secret.
 */
class ReadBackIdentityHintCliTest {
    @TempDir
    Path dir;

    private Cli cli() {
        return cli(Instant.parse("2026-03-01T02:00:00Z"));
    }

    /** Each run's clock starts where it is told: two runs from one start name their backups alike (exit 2, a key taken). */
    private Cli cli(Instant start) {
        return new Cli().workingDir(dir).clock(new SteppingClock(start, Duration.ofMinutes(1)));
    }

    private void config(String recipient, String identity) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                  app:
                    datasource: app
                    store: local
                    verify: true
                    encryption:
                      recipients: [%s]
                      %s
                """.formatted(recipient, identity));
    }

    private static String readBackWarning(Cli.Result r) {
        return r.err().lines().filter(l -> l.contains("the job's identity does not open the backup just stored")).findFirst()
                .orElseThrow(() -> new AssertionError("no read-back warning: " + r));
    }

    @Test
    void theReadBackWarningNamesTheJobsIdentityKeyAndLineNotAnOptionBackupDoesNotTake() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 20);
        AgeKeys.GeneratedKey old = AgeKeys.generate();
        AgeKeys.GeneratedKey current = AgeKeys.generate();
        PrivateFile.write(dir.resolve("old.txt"), old.identity() + "\n");

        config(current.recipient(), "identity_file: old.txt");
        Cli.Result fromFile = cli().run("-c", "config.yaml", "backup", "app", "--no-progress");
        assertThat(fromFile.exit()).as(fromFile.toString()).isZero();
        // the config's own warning (at load) is about verify and restore, which take --identity; the read-back's is not
        assertThat(readBackWarning(fromFile)).contains("restoring it needs the secret key of one of its recipients; for this check after each backup, give "
                        + "job 'app' that key in jobs.app.encryption.identity_file (config.yaml line 12)")
                .contains("is not encrypted to any key given: tried identity " + old.recipient() + "; it was encrypted for "
                        + current.recipient())
                .doesNotContain("--identity");
        assertThat(fromFile.err()).doesNotContain("removed the backup");
        assertThat(fromFile.out() + fromFile.err()).doesNotContain(old.identity()).doesNotContain(current.identity());

        config(current.recipient(), "identity_env: OLD_KEY");
        Cli.Result fromEnv = cli(Instant.parse("2026-03-01T03:00:00Z")).env("OLD_KEY", old.identity()).run("-c", "config.yaml", "backup", "app", "--no-progress");
        assertThat(fromEnv.exit()).as(fromEnv.toString()).isZero();
        assertThat(readBackWarning(fromEnv)).contains("give job 'app' that key in jobs.app.encryption.identity_env (config.yaml line 12)")
                .doesNotContain("--identity");
        assertThat(fromEnv.out() + fromEnv.err()).doesNotContain(old.identity()).doesNotContain("AGE-SECRET-KEY-1Q");
    }
}
