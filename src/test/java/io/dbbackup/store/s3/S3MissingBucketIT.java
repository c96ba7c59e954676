package io.dbbackup.store.s3;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.S3ProxyServer;
import io.dbbackup.testkit.SqliteFixture;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A store whose bucket does not exist (a typo in {@code bucket}), against real s3proxy: every verb that reads or writes
 * the store says so in one line naming the bucket, the endpoint and the config key to fix, with exit 2 (a store that
 * refuses, as bad credentials; not retried), and creates nothing. {@code restore}/{@code verify}/{@code pin} of a named
 * backup used to say "no backup KEY in …" (exit 1): a HEAD's 404 carries no error code.
 */
class S3MissingBucketIT {
    private static final String KEY = "app-20261120-020000.sqlite.gz";
    static S3ProxyServer s3;
    static S3Client admin;
    @TempDir
    Path dir;
    Cli cli;

    @BeforeAll
    static void start() throws Exception {
        s3 = new S3ProxyServer();
        admin = S3Fixture.admin(s3);
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @BeforeEach
    void config() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 30);
        cli = new Cli().workingDir(dir).env("S3_ACCESS", s3.accessKey()).env("S3_SECRET", s3.secretKey());
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app:
                    engine: sqlite
                    path: app.db
                  restored:
                    engine: sqlite
                    path: restored.db
                stores:
                  offsite:
                    type: s3
                    endpoint: %s
                    bucket: wrong-bucket
                    prefix: team/db
                    path_style: true
                    access_key_env: S3_ACCESS
                    secret_key_env: S3_SECRET
                jobs:
                  app:
                    datasource: app
                    store: offsite
                    prefix: prod
                    retention:
                      keep_last: 2
                """.formatted(s3.endpoint()));
    }

    @Test
    void everyVerbSaysTheBucketDoesNotExistInOneLine() {
        String said = "s3 bucket 'wrong-bucket' does not exist at " + s3.endpoint();
        SoftAssertions soft = new SoftAssertions();
        for (List<String> verb : List.of(List.of("backup", "app"), List.of("restore", "app", "--to", "restored"),
                List.of("restore", "app", KEY, "--to", "restored"), List.of("verify", "app"), List.of("verify", "app", KEY),
                List.of("list", "app"), List.of("prune", "app"), List.of("prune", "app", "--dry-run"), List.of("check", "app"),
                List.of("download", "app", KEY, "-o", "copy.sqlite.gz"), List.of("pin", "app", KEY))) {
            List<String> args = new ArrayList<>(List.of("-c", "config.yaml"));
            args.addAll(verb);
            Cli.Result r = cli.run(args.toArray(String[]::new));
            soft.assertThat(r.exit()).as(verb + "\n" + r).isEqualTo(2);
            // check reports on stdout, the other verbs on stderr
            soft.assertThat((r.out() + r.err()).lines().filter(l -> l.contains(said)).findFirst()).as(verb + "\n" + r)
                    .hasValueSatisfying(line -> assertThat(line).contains("fix stores.offsite.bucket"));
            soft.assertThat(r.err()).as(verb + "\n" + r).doesNotContain("no backup");
        }
        soft.assertAll();
        assertThat(admin.listBuckets().buckets()).extracting(Bucket::name).doesNotContain("wrong-bucket");
        assertThat(dir.resolve("restored.db")).doesNotExist();
        assertThat(dir.resolve("copy.sqlite.gz")).doesNotExist();
    }
}
