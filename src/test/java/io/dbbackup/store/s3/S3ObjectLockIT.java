package io.dbbackup.store.s3;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.ReadOnlyS3Relay;
import io.dbbackup.testkit.S3ProxyServer;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * prune on a bucket whose Object Lock refuses some deletes (s3proxy has no Object Lock: a relay in front of it answers
 * the DELETE of chosen keys as AWS answers one of a locked version, 403 AccessDenied "Access Denied because object
 * protected by object lock.", or as MinIO does, 400 InvalidRequest "Object is WORM protected …"). The held backup is
 * named, said to be held by the lock (not a missing permission), kept whole and not counted as deleted; the other
 * expired backups are still deleted; the prune ends with exit 2. A sidecar held after its backup was deleted leaves no
 * backup that list or verify take for a good one. {@code prune --dry-run} never deletes and is not affected.
 */
class S3ObjectLockIT {
    private static final String AWS_LOCK = "Access Denied because object protected by object lock.";
    private static final String MINIO_LOCK = "Object is WORM protected and cannot be overwritten";

    @TempDir
    Path dir;

    @Test
    void pruneKeepsWhatTheLockHoldsNamesItAndDeletesTheRest() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 100);
        Cli cli = new Cli().workingDir(dir);
        try (S3ProxyServer s3 = new S3ProxyServer(); S3Client admin = S3Fixture.admin(s3)) {
            String bucket = "lock-" + UUID.randomUUID().toString().substring(0, 8);
            admin.createBucket(b -> b.bucket(bucket));
            cli.env("S3_AK", s3.accessKey()).env("S3_SK", s3.secretKey());
            config(s3.endpoint().toString(), bucket);
            for (int i = 0; i < 4; i++) {
                Cli.Result b = cli.run("-c", "config.yaml", "backup", "app");
                assertThat(b.exit()).as(b.toString()).isZero();
                Thread.sleep(1100); // one backup per second of the key's time
            }
            List<String> backups = backups(admin, bucket);
            assertThat(backups).hasSize(4);
            String newest = backups.get(3);
            String second = backups.get(2); // deleted first (newest first), and held by the lock
            String third = backups.get(1);
            String oldest = backups.get(0); // its .sha256 held once it is deleted

            try (ReadOnlyS3Relay lock = ReadOnlyS3Relay.refusing(s3.endpoint(),
                    l -> l.equals("DELETE /" + bucket + "/team/" + second), "403 Forbidden", "AccessDenied", AWS_LOCK)) {
                config(lock.uri().toString(), bucket);
                Cli.Result dry = cli.run("-c", "config.yaml", "prune", "app", "--dry-run");
                assertThat(dry.exit()).as(dry.toString()).isZero();
                assertThat(lock.refused()).as("a dry run deletes nothing").isEmpty();
                assertThat(backups(admin, bucket)).hasSize(4);

                Cli.Result prune = cli.run("-c", "config.yaml", "prune", "app");
                assertThat(prune.exit()).as(prune.toString()).isEqualTo(2);
                assertThat(prune.err()).contains("1 backup not deleted, held by a lock on the store (Object Lock retention or legal hold, "
                                + "an Azure immutability policy or legal hold, or the service's WORM setting): " + second + "; kept whole")
                        .contains(AWS_LOCK).contains("holds the object").doesNotContain("check the store's credentials");
                assertThat(lock.refused()).containsExactly("DELETE /" + bucket + "/team/" + second);
                assertThat(objects(admin, bucket)).as("the held backup whole, the others past retention deleted")
                        .contains(second, second + ".sha256", second + ".manifest.json")
                        .doesNotContain(third, third + ".sha256", oldest, oldest + ".sha256");
            }

            // a lock that refuses a sidecar once its backup is deleted (the artifact goes first)
            admin.putObject(b -> b.bucket(bucket).key("team/" + oldest), software.amazon.awssdk.core.sync.RequestBody
                    .fromString("stands for the oldest backup"));
            admin.putObject(b -> b.bucket(bucket).key("team/" + oldest + ".sha256"),
                    software.amazon.awssdk.core.sync.RequestBody.fromString("0".repeat(64) + "  x\n"));
            try (ReadOnlyS3Relay lock = ReadOnlyS3Relay.refusing(s3.endpoint(),
                    l -> l.startsWith("DELETE /" + bucket + "/team/" + oldest + ".") || l.equals("DELETE /" + bucket
                            + "/team/" + second), "400 Bad Request", "InvalidRequest", MINIO_LOCK)) {
                config(lock.uri().toString(), bucket);
                Cli.Result prune = cli.run("-c", "config.yaml", "prune", "app");
                assertThat(prune.exit()).as(prune.toString()).isEqualTo(2);
                assertThat(prune.err()).contains("the sidecars (.sha256, manifest) of " + oldest + " are held by a lock after "
                        + "the backup itself was deleted").contains(MINIO_LOCK);
                assertThat(objects(admin, bucket)).doesNotContain(oldest).contains(oldest + ".sha256");

                Cli.Result list = cli.run("-c", "config.yaml", "list", "app");
                assertThat(list.exit()).as(list.toString()).isZero();
                assertThat(list.out()).as("the remnant sidecar is no backup").doesNotContain(oldest).contains(newest)
                        .contains(second);
                Cli.Result verify = cli.run("-c", "config.yaml", "verify", "app", "--all-backups");
                assertThat(verify.exit()).as(verify.toString()).isZero();
                assertThat(verify.out() + verify.err()).as("the remnant sidecar is not verified as a backup")
                        .doesNotContain(oldest.substring(oldest.indexOf('/') + 1) + " ");
            }
        }
    }

    private void config(String endpoint, String bucket) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app:
                    engine: sqlite
                    path: app.db
                    compression: zstd
                stores:
                  remote:
                    type: s3
                    endpoint: %s
                    path_style: true
                    bucket: %s
                    prefix: team
                    access_key_env: S3_AK
                    secret_key_env: S3_SK
                jobs:
                  app:
                    datasource: app
                    store: remote
                    retention: {keep_last: 1}
                """.formatted(endpoint, bucket));
    }

    /** The backups' keys under the store's prefix (without it), oldest first. */
    private static List<String> backups(S3Client admin, String bucket) {
        return objects(admin, bucket).stream().filter(k -> k.endsWith(".sqlite.zst")).sorted().toList();
    }

    private static List<String> objects(S3Client admin, String bucket) {
        return admin.listObjectsV2Paginator(b -> b.bucket(bucket).prefix("team/")).contents().stream().map(S3Object::key)
                .map(k -> k.substring("team/".length())).toList();
    }
}
