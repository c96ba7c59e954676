package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every key that names a file to read, given a folder (a Kubernetes Secret or ConfigMap mounted at the file's path
 * without {@code subPath}): one line at the key saying it is a folder and naming the file in it, as {@code password_file}
 * did alone before 2026-12-05. {@code recipients_file} said "(is a directory)" without the fix; {@code key_file} and
 * {@code ca_file} passed {@code config validate} (key_file with a "chmod 600" warning on the folder) and failed the night;
 * {@code sslrootcert} and {@code ssl_ca} said "does not exist or is not a file".
 */
class FileKeyIsAFolderCliTest {
    @TempDir
    Path dir;

    @Test
    void everyFileKeyGivenAFolderIsOneLineNamingTheFileInIt() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 5);
        Path secret = Files.createDirectory(dir.resolve("secret"));
        Files.writeString(secret.resolve("content"), "x\n");
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app:
                    engine: sqlite
                    path: app.db
                    encryption:
                      recipients_file: secret
                  pg:
                    engine: postgres
                    host: localhost
                    database: app
                    sslmode: verify-full
                    sslrootcert: secret
                  my:
                    engine: mysql
                    host: localhost
                    database: app
                    ssl_mode: verify_identity
                    ssl_ca: secret
                stores:
                  local:
                    type: local
                    path: store
                  remote:
                    type: ssh
                    host: backup.internal
                    user: backup
                    path: /srv/backups
                    key_file: secret
                notifications:
                  mail:
                    type: email
                    smtp_host: smtp.example.com
                    smtp_port: 587
                    from: a@example.com
                    to: b@example.com
                    ca_file: secret
                jobs:
                  j1:
                    datasource: app
                    store: remote
                    notify: [{notifier: mail}]
                """);
        String hint = " " + secret + " is a folder, not a file (a Secret volume mounted at this path?): it holds content; "
                + "name the file, e.g. " + secret.resolve("content");
        Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "config", "validate");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip().split("\n")).containsExactly(
                "config.yaml:6:24: error: datasources.app.encryption.recipients_file:" + hint,
                "config.yaml:12:5: error: datasources.pg.sslrootcert:" + hint,
                "config.yaml:18:5: error: datasources.my.ssl_ca:" + hint,
                "config.yaml:28:15: error: stores.remote.key_file:" + hint,
                "config.yaml:36:14: error: notifications.mail.ca_file:" + hint);
        assertThat(dir.resolve("store")).doesNotExist();
    }
}
