package io.dbbackup.cli;

import io.dbbackup.codec.age.AgeKeys;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.KeyOutput;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job's identity that cannot be read here, on a recipients backup, said "(or pass --identity FILE)" without naming
 * whom the backup was encrypted for: now it names its recipients, as the no-key error does.
 */
class UnreadableIdentityRecipientsCliTest {
    @TempDir
    Path dir;

    @Test
    void theJobsUnreadableIdentityNamesTheRecipientsTheBackupWasEncryptedFor() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 5);
        AgeKeys.GeneratedKey key = AgeKeys.generate();
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                  rec: {datasource: app, store: local, prefix: r, encryption: {recipients: [%s], identity_file: gone/key.txt}}
                """.formatted(key.recipient()));
        Cli cli = new Cli().workingDir(dir);
        Cli.Result b = cli.run("-c", "config.yaml", "backup", "rec", "--no-progress");
        assertThat(b.exit()).as(b.toString()).isZero();

        Cli.Result r = cli.run("-c", "config.yaml", "verify", "rec", "--deep", "--no-progress");
        assertThat(r.exit()).as(r.toString()).isNotZero();
        assertThat(r.err()).as(r.toString()).contains("the job's identity cannot be read here")
                .contains("; it was encrypted for " + key.recipient() + " (or pass its identity file with --identity FILE)");
        KeyOutput.assertNoSecret(b, key.identity());
        KeyOutput.assertNoSecret(r, key.identity());
    }
}
