package io.dbbackup.store.s3;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.S3ProxyServer;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 2-character bucket name (S3 needs 3 to 63), against real s3proxy: it was reported only as "bucket does not exist".
 * Every command loading the config warns of it in one line naming file, line and key (a warning: legacy us-east-1
 * buckets and some S3-compatibles take such names), and the failure line says the name is not a valid S3 bucket name.
 */
class S3InvalidBucketNameIT {
    static S3ProxyServer s3;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        s3 = new S3ProxyServer();
    }

    @AfterAll
    static void stop() {
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void aTwoCharacterBucketIsWarnedOfAtItsLineAndNamedInvalidInTheFailure() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 10);
        Cli cli = new Cli().workingDir(dir).env("S3_ACCESS", s3.accessKey()).env("S3_SECRET", s3.secretKey());
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app:
                    engine: sqlite
                    path: app.db
                stores:
                  offsite:
                    type: s3
                    endpoint: %s
                    bucket: ab
                    path_style: true
                    access_key_env: S3_ACCESS
                    secret_key_env: S3_SECRET
                jobs:
                  app:
                    datasource: app
                    store: offsite
                    retention:
                      keep_last: 2
                """.formatted(s3.endpoint()));
        String warning = "config.yaml:9:5: warning: stores.offsite.bucket: ";
        Cli.Result validate = cli.run("-c", "config.yaml", "config", "validate");
        assertThat(validate.exit()).as(validate.toString()).isZero();
        assertThat((validate.out() + validate.err()).lines().filter(l -> l.contains(warning)).toList()).as(validate.toString())
                .singleElement().asString().contains("stores.offsite.bucket")
                .contains("'ab' is not a valid S3 bucket name: it is 2 characters long; S3 needs 3 to 63");

        Cli.Result backup = cli.run("-c", "config.yaml", "backup", "app");
        assertThat(backup.exit()).as(backup.toString()).isEqualTo(2);
        assertThat(backup.err()).as(backup.toString()).contains(warning).contains("stores.offsite.bucket")
                .contains("(not a valid S3 bucket name: it is 2 characters long; S3 needs 3 to 63)");
        Cli.Result list = cli.run("-c", "config.yaml", "list", "app");
        assertThat(list.exit()).as(list.toString()).isEqualTo(2);
        assertThat(list.err()).as(list.toString()).contains(warning)
                .contains("(not a valid S3 bucket name: it is 2 characters long; S3 needs 3 to 63)");
    }
}
