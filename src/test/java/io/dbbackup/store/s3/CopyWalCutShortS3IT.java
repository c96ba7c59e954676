package io.dbbackup.store.s3;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.S3ProxyServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A copy job's archived WAL file cut short in an S3 store: the re-copy replaces it in one PUT, as a local store's (hard
 * links where it cannot rename in one step) and an SFTP store's (a rename aside where renames never replace) do.
 * Against s3proxy.
 */
class CopyWalCutShortS3IT {
    @TempDir
    Path dir;

    @Test
    void aWalCopyCutShortIsCopiedAgainOverIt() throws Exception {
        try (S3ProxyServer s3 = new S3ProxyServer(); S3Client admin = S3Fixture.admin(s3)) {
            admin.createBucket(b -> b.bucket("offsite"));
            Files.writeString(dir.resolve("config.yaml"), """
                    datasources:
                      cluster: {engine: fake, physical: true, size: 2000, start_wal_file: 000000010000000000000002}
                    stores:
                      local: {type: local, path: store}
                      offsite:
                        type: s3
                        endpoint: %s
                        bucket: offsite
                        path_style: true
                        access_key_env: S3_ACCESS
                        secret_key_env: S3_SECRET
                    jobs:
                      phys: {datasource: cluster, store: local}
                      phys-offsite: {copy_of: phys, store: offsite}
                    """.formatted(s3.endpoint()));
            Cli cli = new Cli().workingDir(dir).clock(Clock.fixed(Instant.parse("2026-03-01T02:00:00Z"), ZoneOffset.UTC))
                    .env("S3_ACCESS", s3.accessKey()).env("S3_SECRET", s3.secretKey());
            Cli.Result b = cli.run("-c", "config.yaml", "backup", "phys");
            assertThat(b.exit()).as(b.toString()).isZero();
            byte[] content = "segment 2 ".repeat(100).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            String seg2 = "cluster/wal/0000000100000000/000000010000000000000002-"
                    + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
            Files.createDirectories(dir.resolve("store/" + seg2).getParent());
            Files.write(dir.resolve("store/" + seg2), content);
            Cli.Result first = cli.run("-c", "config.yaml", "backup", "phys-offsite");
            assertThat(first.exit()).as(first.toString()).isZero();
            assertThat(admin.getObjectAsBytes(g -> g.bucket("offsite").key(seg2)).asByteArray()).isEqualTo(content);
            admin.putObject(p -> p.bucket("offsite").key(seg2), RequestBody.fromBytes(java.util.Arrays.copyOf(content, 10)));

            Cli.Result r = cli.run("-c", "config.yaml", "backup", "phys-offsite");

            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.err()).contains("archived WAL copy does not match its source: " + seg2 + " is 10 bytes");
            assertThat(admin.getObjectAsBytes(g -> g.bucket("offsite").key(seg2)).asByteArray()).as(r.toString())
                    .isEqualTo(content);
        }
    }
}
