package io.dbbackup.cli;

import io.dbbackup.testkit.PrivateFile;
import io.dbbackup.codec.age.AgeKeys;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SqliteFixture;
import io.dbbackup.testkit.SteppingClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A secret is read where it is needed: one job's missing secret fails that job alone (exit 1 when it ran alone,
 * 4 beside others that succeed), before anything is dumped or written; {@code config validate} still requires all.
 */
class SecretsWhereNeededCliTest {
    @TempDir
    Path dir;
    Path db;
    Path store;
    Cli cli;
    AgeKeys.GeneratedKey key;

    @BeforeEach
    void setUp() throws Exception {
        db = SqliteFixture.create(dir.resolve("app.db"), 300);
        store = dir.resolve("store");
        cli = new Cli().workingDir(dir).clock(new SteppingClock(Instant.parse("2026-03-01T02:00:00Z"), Duration.ofMinutes(1)));
        key = AgeKeys.generate();
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app:
                    engine: sqlite
                    path: app.db
                  shop:
                    engine: postgres
                    host: 127.0.0.1
                    port: 1
                    database: shop
                    user: app
                    password_env: SHOP_PASSWORD_NOT_SET
                  restored:
                    engine: sqlite
                    path: restored/app-copy.db
                stores:
                  local:
                    type: local
                    path: store
                  offsite:
                    type: s3
                    bucket: backups
                    endpoint: http://127.0.0.1:1
                    access_key_env: OFFSITE_ACCESS_NOT_SET
                    secret_key_file: /nonexistent/offsite-secret
                notifications:
                  mail:
                    type: email
                    smtp_host: 127.0.0.1
                    smtp_port: 1
                    tls: none
                    username: ops
                    password_env: SMTP_PASSWORD_NOT_SET
                    from: backups@example.com
                    to: ops@example.com
                jobs:
                  app:
                    datasource: app
                    store: local
                    verify: true
                    notify:
                      - notifier: mail
                        on: always
                  shop:
                    datasource: shop
                    store: local
                    retry:
                      max_attempts: 3
                      delay: 1ms
                  app-offsite:
                    datasource: app
                    store: offsite
                  sealed:
                    datasource: app
                    store: local
                    prefix: sealed
                    verify: true
                    encryption:
                      recipients: [%s]
                      identity_file: /nonexistent/backup.key
                  sealed-deep:
                    datasource: app
                    store: local
                    prefix: sealed-deep
                    verify: deep
                    encryption:
                      recipients: [%s]
                      identity_file: /nonexistent/backup.key
                """.formatted(key.recipient(), key.recipient()));
    }

    private List<String> storeFiles() throws IOException {
        if (!Files.exists(store)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(store)) {
            return s.filter(Files::isRegularFile).map(p -> store.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void configValidateStillRequiresEverySecretWithItsLine() {
        Cli.Result r = cli.run("-c", "config.yaml", "config", "validate");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("config.yaml:11:19: error: datasources.shop.password_env: environment variable SHOP_PASSWORD_NOT_SET is not set")
                .contains("stores.offsite.access_key_env: environment variable OFFSITE_ACCESS_NOT_SET is not set")
                .contains("stores.offsite.secret_key_file: cannot read /nonexistent/offsite-secret")
                .contains("notifications.mail.password_env: environment variable SMTP_PASSWORD_NOT_SET is not set")
                .contains("jobs.sealed.encryption.identity_file: cannot read /nonexistent/backup.key");
    }

    @Test
    void configValidateOfSomeJobsRequiresOnlyTheSecretsTheyUse() {
        Cli.Result sealed = cli.run("-c", "config.yaml", "config", "validate", "sealed");
        assertThat(sealed.exit()).as(sealed.toString()).isZero();
        assertThat(sealed.out()).contains("ok (3 datasources, 2 stores, 1 notification, 5 jobs); 5 secret(s) not read here, not used by sealed");
        assertThat(sealed.err()).contains("config.yaml:59:22: warning: jobs.sealed.encryption.identity_file: cannot read /nonexistent/backup.key")
                .contains("a restore needs --identity")
                .doesNotContain("error");

        Cli.Result app = cli.run("-c", "config.yaml", "config", "validate", "app"); // its notifier's password is part of its setup
        assertThat(app.exit()).as(app.toString()).isEqualTo(1);
        assertThat(app.err().strip()).isEqualTo(
                "config.yaml:32:19: error: notifications.mail.password_env: environment variable SMTP_PASSWORD_NOT_SET is not set");

        Cli.Result two = cli.run("-c", "config.yaml", "config", "validate", "shop", "app-offsite");
        assertThat(two.exit()).as(two.toString()).isEqualTo(1);
        assertThat(two.err().lines()).containsExactly(
                "config.yaml:11:19: error: datasources.shop.password_env: environment variable SHOP_PASSWORD_NOT_SET is not set",
                "config.yaml:23:21: error: stores.offsite.access_key_env: environment variable OFFSITE_ACCESS_NOT_SET is not set",
                "config.yaml:24:22: error: stores.offsite.secret_key_file: cannot read /nonexistent/offsite-secret (no such file)");

        Cli.Result unknown = cli.run("-c", "config.yaml", "config", "validate", "nope");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("no job named 'nope'");
    }

    @Test
    void aJobWhoseSecretIsMissingFailsAloneBeforeAnythingIsWrittenAndIsNotRetried() throws Exception {
        Cli.Result r = cli.run("-c", "config.yaml", "backup", "shop");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("config.yaml:11:19: datasources.shop.password_env: environment variable SHOP_PASSWORD_NOT_SET is not set")
                .doesNotContain("retrying");
        assertThat(storeFiles()).isEmpty();

        Cli.Result offsite = cli.run("-c", "config.yaml", "backup", "app-offsite");
        assertThat(offsite.exit()).as(offsite.toString()).isEqualTo(1);
        assertThat(offsite.err()).contains("stores.offsite.access_key_env: environment variable OFFSITE_ACCESS_NOT_SET is not set; ")
                .contains("stores.offsite.secret_key_file: cannot read /nonexistent/offsite-secret");
    }

    @Test
    void theOtherJobsOfTheRunStillBackUpAndTheRunExitsPartial() throws Exception {
        Cli.Result r = cli.run("-c", "config.yaml", "backup", "--all", "--json");
        assertThat(r.exit()).as(r.toString()).isEqualTo(4);
        assertThat(r.out()).containsPattern("\"job\" *: *\"app\",[^}]*\"exit_code\" *: *0")
                .containsPattern("\"job\" *: *\"sealed\",[^}]*\"exit_code\" *: *0")
                .containsPattern("\"job\" *: *\"shop\",[^}]*\"exit_code\" *: *1,[^}]*\"attempts\" *: *1")
                .containsPattern("\"job\" *: *\"app-offsite\",[^}]*\"exit_code\" *: *1")
                .containsPattern("\"job\" *: *\"sealed-deep\",[^}]*\"exit_code\" *: *0");
        List<String> files = storeFiles();
        assertThat(files).anyMatch(f -> f.matches("app/app-\\d{8}-\\d{6}\\.sqlite\\.gz"))
                .anyMatch(f -> f.matches("sealed/app/app-\\d{8}-\\d{6}\\.sqlite\\.gz\\.age")) // no identity needed to encrypt
                .anyMatch(f -> f.matches("sealed-deep/app/app-\\d{8}-\\d{6}\\.sqlite\\.gz\\.age"))
                .noneMatch(f -> f.startsWith("shop/"));
        // without the identity here, the read-back checks the stored bytes and says why
        assertThat(r.err()).contains("the job's age identity cannot be read here: nothing to decrypt with")
                .contains("backup verified (stored bytes only")
                .contains("verify: deep cannot check this backup; reading it back instead");
        // the notifier's own missing secret is a failed notification, never a failed backup
        assertThat(r.err()).contains("notification failed (the backup result is unchanged)")
                .contains("SMTP_PASSWORD_NOT_SET is not set");
    }

    @Test
    void aNotifiersMissingCaFileFailsItsMailNotTheBackup() throws Exception {
        Files.writeString(dir.resolve("ca.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                stores:
                  local: {type: local, path: store}
                notifications:
                  mail:
                    type: email
                    smtp_host: 127.0.0.1
                    smtp_port: 1
                    tls: implicit
                    ca_file: /nonexistent/smtp-ca.pem
                    from: backups@example.com
                    to: ops@example.com
                jobs:
                  app:
                    datasource: app
                    store: local
                    notify: [{notifier: mail, on: always}]
                """);
        Cli.Result validate = cli.run("-c", "ca.yaml", "config", "validate");
        assertThat(validate.exit()).as(validate.toString()).isEqualTo(1);
        assertThat(validate.err()).contains("ca.yaml:11:14: error: notifications.mail.ca_file: cannot read /nonexistent/smtp-ca.pem (no such file)");

        Cli.Result r = cli.run("-c", "ca.yaml", "backup", "app");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).contains("notification failed (the backup result is unchanged)")
                .contains("cannot read ca_file /nonexistent/smtp-ca.pem (no such file)");
        assertThat(storeFiles()).anyMatch(f -> f.matches("app/app-\\d{8}-\\d{6}\\.sqlite\\.gz"));
    }

    @Test
    void aRestoreOrSyncIntoADatasourceWhoseSecretIsMissingStopsBeforeReadingTheBackup() throws Exception {
        assertThat(cli.run("-c", "config.yaml", "backup", "app").exit()).isZero();
        Cli.Result restore = cli.run("-c", "config.yaml", "restore", "app", "--to", "shop", "--auto-confirm");
        assertThat(restore.exit()).as(restore.toString()).isEqualTo(1);
        assertThat(restore.err()).contains("config.yaml:11:19: datasources.shop.password_env: environment variable "
                + "SHOP_PASSWORD_NOT_SET is not set").doesNotContain("checking backup before restore");

        Cli.Result sync = cli.run("-c", "config.yaml", "sync", "app", "shop", "--auto-confirm");
        assertThat(sync.exit()).as(sync.toString()).isEqualTo(1);
        assertThat(sync.err()).contains("datasources.shop.password_env: environment variable SHOP_PASSWORD_NOT_SET is not set");

        Cli.Result offsite = cli.run("-c", "config.yaml", "restore", "app-offsite", "--to", "restored");
        assertThat(offsite.exit()).as(offsite.toString()).isEqualTo(1);
        assertThat(offsite.err()).contains("stores.offsite.access_key_env: environment variable OFFSITE_ACCESS_NOT_SET is not set");
    }

    @Test
    void anEncryptedBackupIsRestoredWithAnIdentityGivenHereAndRefusedNamingTheConfigLineWithout() throws Exception {
        assertThat(cli.run("-c", "config.yaml", "backup", "sealed").exit()).isZero();
        Cli.Result refused = cli.run("-c", "config.yaml", "restore", "sealed", "--to", "restored");
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.err()).contains("is encrypted and the job's identity cannot be read here: config.yaml:59:22: "
                + "jobs.sealed.encryption.identity_file: cannot read /nonexistent/backup.key (no such file)");
        assertThat(dir.resolve("restored")).doesNotExist();

        Path identity = PrivateFile.write(dir.resolve("key.txt"), key.identity() + "\n");
        Cli.Result restored = cli.run("-c", "config.yaml", "restore", "sealed", "--to", "restored", "--identity", identity.toString());
        assertThat(restored.exit()).as(restored.toString()).isZero();
        assertThat(SqliteFixture.fingerprint(dir.resolve("restored/app-copy.db"))).isEqualTo(SqliteFixture.fingerprint(db));
    }

    @Test
    void onlyThePassphraseOfTheEncryptionAJobUsesIsRequired() throws Exception {
        Files.writeString(dir.resolve("passphrase.yaml"), """
                datasources:
                  app:
                    engine: sqlite
                    path: app.db
                    encryption:
                      passphrase_env: APP_PASSPHRASE_NOT_SET
                stores:
                  local:
                    type: local
                    path: store
                jobs:
                  inherits:
                    datasource: app
                    store: local
                  replaces:
                    datasource: app
                    store: local
                    prefix: own
                    encryption:
                      recipients: [%s]
                """.formatted(key.recipient()));
        Cli.Result r = cli.run("-c", "passphrase.yaml", "backup", "--all");
        assertThat(r.exit()).as(r.toString()).isEqualTo(4);
        assertThat(r.err()).contains("passphrase.yaml:6:23: datasources.app.encryption.passphrase_env: environment variable "
                + "APP_PASSPHRASE_NOT_SET is not set job=inherits");
        assertThat(storeFiles()).anyMatch(f -> f.matches("own/app/app-\\d{8}-\\d{6}\\.sqlite\\.gz\\.age"))
                .noneMatch(f -> f.startsWith("app/"));
    }

    @Test
    void aPassphraseFromASecretManagersCommandEncryptsAndDecryptsAndItsFailureStopsTheBackupFirst() throws Exception {
        Path vault = Files.writeString(dir.resolve("fake-vault"), """
                #!/bin/sh
                # a secret manager's CLI: prints the secret, or fails with a reason on stderr
                if [ -f vault-sealed ]; then echo "vault: sealed" >&2; exit 2; fi
                echo correct-horse-battery-staple
                """);
        Files.setPosixFilePermissions(vault, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Files.writeString(dir.resolve("command.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                  restored: {engine: sqlite, path: restored/app-copy.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                  app:
                    datasource: app
                    store: local
                    verify: true
                    encryption:
                      passphrase_command: [./fake-vault, kv, get, backup-passphrase]
                      scrypt_work_factor: 10
                """);
        Cli.Result backup = cli.run("-c", "command.yaml", "backup", "app");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        assertThat(backup.err()).doesNotContain("correct-horse-battery-staple");
        assertThat(storeFiles()).anyMatch(f -> f.endsWith(".sqlite.gz.age"));
        Cli.Result restore = cli.run("-c", "command.yaml", "restore", "app", "--to", "restored");
        assertThat(restore.exit()).as(restore.toString()).isZero();
        assertThat(SqliteFixture.fingerprint(dir.resolve("restored/app-copy.db"))).isEqualTo(SqliteFixture.fingerprint(db));
        assertThat(cli.run("-c", "command.yaml", "check", "app").exit()).isZero();

        Files.writeString(dir.resolve("vault-sealed"), "");
        int before = storeFiles().size();
        Cli.Result sealed = cli.run("-c", "command.yaml", "backup", "app");
        assertThat(sealed.exit()).as(sealed.toString()).isEqualTo(1);
        assertThat(sealed.err()).contains("command.yaml:12:27: jobs.app.encryption.passphrase_command: ./fake-vault exited 2: vault: sealed")
                .doesNotContain("retrying");
        assertThat(storeFiles()).hasSize(before);
        Cli.Result check = cli.run("-c", "command.yaml", "check", "app");
        assertThat(check.exit()).as(check.toString()).isEqualTo(1);
        assertThat(check.out()).contains("FAILED app secrets: command.yaml:12:27: jobs.app.encryption.passphrase_command: ./fake-vault exited 2");
    }

    /**
     * A passphrase from passphrase_env/passphrase_file that is short or one word is warned about at validation; one
     * from passphrase_command was never checked. It is now checked when a backup first reads it: the same warning at
     * the same config line, once, never showing it.
     */
    @Test
    void aWeakPassphraseFromACommandIsWarnedAboutWhenTheBackupReadsIt() throws Exception {
        Path vault = Files.writeString(dir.resolve("weak-vault"), "#!/bin/sh\necho okapiherd\n");
        Files.setPosixFilePermissions(vault, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Files.writeString(dir.resolve("weak.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                  app:
                    datasource: app
                    store: local
                    encryption:
                      passphrase_command: [./weak-vault]
                      scrypt_work_factor: 10
                """);
        Cli.Result backup = cli.run("-c", "weak.yaml", "backup", "app");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        String warning = "weak.yaml:10:7: warning: jobs.app.encryption.passphrase_command: the passphrase is weak (9 characters)";
        assertThat(backup.err()).contains(warning).doesNotContain("okapiherd");
        assertThat(backup.err().split(java.util.regex.Pattern.quote(warning), -1)).as("once").hasSize(2);
        Cli.Result check = cli.run("-c", "weak.yaml", "check", "app");
        assertThat(check.exit()).as(check.toString()).isZero();
        assertThat(check.err()).contains(warning);

        Files.writeString(vault, "#!/bin/sh\necho 'Xr8#kL2q-Vd9!pZ4w'\n");
        Cli.Result strong = cli.run("-c", "weak.yaml", "backup", "app");
        assertThat(strong.exit()).as(strong.toString()).isZero();
        assertThat(strong.err()).doesNotContain("the passphrase is weak");
    }

    @Test
    void whenEveryJobOfTheRunLacksItsSecretTheRunIsAUserError() {
        Cli.Result r = cli.run("-c", "config.yaml", "backup", "shop", "app-offsite");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
    }

    @Test
    void aLocalCopyRestoresWithoutTheStoreSecretsAndTheStoreItselfSaysWhichIsMissing() throws Exception {
        assertThat(cli.run("-c", "config.yaml", "backup", "app").exit()).isZero();
        Path artifact = store.resolve(storeFiles().stream().filter(f -> f.endsWith(".sqlite.gz")).findFirst().orElseThrow());
        Path copy = Files.createDirectories(dir.resolve("copy"));
        for (String suffix : new String[] {"", ".sha256"}) {
            Files.copy(artifact.resolveSibling(artifact.getFileName() + suffix), copy.resolve(artifact.getFileName() + suffix));
        }

        Cli.Result restored = cli.run("-c", "config.yaml", "restore", "app-offsite", "--from-file",
                copy.resolve(artifact.getFileName()).toString(), "--to", "restored");
        assertThat(restored.exit()).as(restored.toString()).isZero();
        assertThat(SqliteFixture.fingerprint(dir.resolve("restored/app-copy.db"))).isEqualTo(SqliteFixture.fingerprint(db));

        // the store itself is never tried with other credentials (no fallback to the default AWS chain)
        Cli.Result list = cli.run("-c", "config.yaml", "list", "app-offsite");
        assertThat(list.exit()).as(list.toString()).isEqualTo(1);
        assertThat(list.err()).contains("stores.offsite.access_key_env: environment variable OFFSITE_ACCESS_NOT_SET is not set");
    }
}
