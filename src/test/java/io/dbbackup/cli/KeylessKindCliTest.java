package io.dbbackup.cli;

import io.dbbackup.codec.age.AgeKeys;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.KeyOutput;
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
 * Plain {@code verify} on a host without the key said "give --identity or --passphrase-env" whatever the backups need:
 * it reads their manifests anyway, so it now names the one option they need, and which backups need which when they
 * differ.
 */
class KeylessKindCliTest {
    @TempDir
    Path dir;

    @Test
    void plainVerifyNamesTheOneKindOfKeyTheBackupsNeed() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 5);
        AgeKeys.GeneratedKey key = AgeKeys.generate();
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                  rec: {datasource: app, store: local, prefix: r, encryption: {recipients: [%s]}}
                  pass: {datasource: app, store: local, prefix: p, encryption: {passphrase_env: BPASS, scrypt_work_factor: 10}}
                """.formatted(key.recipient()));
        Cli cli = new Cli().workingDir(dir).clock(new SteppingClock(Instant.parse("2026-03-01T02:00:00Z"), Duration.ofMinutes(1)))
                .env("BPASS", "a-long-passphrase-of-the-backup-host");
        for (String job : new String[] {"rec", "rec", "pass"}) {
            Cli.Result b = cli.run("-c", "config.yaml", "backup", job, "--no-progress");
            assertThat(b.exit()).as(b.toString()).isZero();
        }
        Cli audit = new Cli().workingDir(dir).clock(new SteppingClock(Instant.parse("2026-03-01T03:00:00Z"), Duration.ofMinutes(1)));

        Cli.Result rec = audit.run("-c", "config.yaml", "verify", "rec", "--all-backups", "--no-progress");
        assertThat(rec.exit()).as(rec.toString()).isZero();
        assertThat(rec.err()).contains("(give an identity file of their recipients with --identity FILE for that)")
                .doesNotContain("--passphrase-env");

        Cli.Result one = audit.run("-c", "config.yaml", "verify", "rec", "--no-progress");
        assertThat(one.exit()).as(one.toString()).isZero();
        assertThat(one.err()).contains("(give an identity file of its recipients with --identity FILE for that)")
                .doesNotContain("--passphrase-env");

        Cli.Result pass = audit.run("-c", "config.yaml", "verify", "pass", "--no-progress");
        assertThat(pass.exit()).as(pass.toString()).isZero();
        assertThat(pass.err()).contains("(give its passphrase with --passphrase-env VAR for that)")
                .doesNotContain("--identity");

        Cli.Result both = audit.run("-c", "config.yaml", "verify", "--all", "--no-progress");
        assertThat(both.exit()).as(both.toString()).isZero();
        assertThat(both.err()).containsPattern("no key here to decrypt 2 backups of 2 jobs: .*\\(give --identity FILE for "
                + "r/app/app-\\S+\\.age; --passphrase-env VAR for p/app/app-\\S+\\.age for that\\)");

        for (Cli.Result r : new Cli.Result[] {rec, one, pass, both}) {
            KeyOutput.assertNoSecret(r, key.identity(), "a-long-passphrase-of-the-backup-host");
        }
    }
}
