package io.dbbackup.store;

import io.dbbackup.store.s3.S3Fixture;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.OpenSshServer;
import io.dbbackup.testkit.ReadOnlyS3Relay;
import io.dbbackup.testkit.S3ProxyServer;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Restore day ({@link RestoreDay}) on S3 with a key that may only read and list (every PUT, POST and DELETE answered
 * 403 AccessDenied, as AWS answers a policy of s3:GetObject and s3:ListBucket alone) and on SFTP with an account that
 * may read the store's folder but not write it (OpenSSH; the folder and its files root's, 0755/0644, the login
 * nobody). The reading verbs send no write at all; the writing ones fail at their first write with one line naming
 * what is missing. Azure's SAS of {@code sp=rl} is in AzureCliIT.
 */
class ReadOnlyCredentialsIT {
    @TempDir
    Path dir;
    Cli cli;

    @BeforeEach
    void database() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 300);
        cli = new Cli().workingDir(dir);
    }

    @Test
    void s3WithAKeyThatMayOnlyReadAndList() throws Exception {
        try (S3ProxyServer s3 = new S3ProxyServer(); ReadOnlyS3Relay relay = new ReadOnlyS3Relay(s3.endpoint());
             S3Client admin = S3Fixture.admin(s3)) {
            String bucket = "ro-" + UUID.randomUUID().toString().substring(0, 8);
            admin.createBucket(b -> b.bucket(bucket));
            cli.env("S3_AK", s3.accessKey()).env("S3_SK", s3.secretKey());
            String store = """
                        type: s3
                        endpoint: %s
                        path_style: true
                        bucket: %s
                        prefix: team
                        access_key_env: S3_AK
                        secret_key_env: S3_SK
                    """;
            RestoreDay.Refusals refusals = RestoreDay.run(dir, cli, store.formatted(s3.endpoint(), bucket),
                    store.formatted(relay.uri(), bucket), () -> {
                        List<String> all = files(s3.dataDir());
                        S3Fixture.multipartUploads(admin, bucket).forEach(u -> all.add("upload " + u.key()));
                        return all;
                    });
            assertThat(relay.refused()).as("the writing verbs' first writes, one each: nothing else was tried")
                    .hasSize(4).allMatch(l -> l.startsWith("PUT ") || l.startsWith("DELETE ") || l.startsWith("POST "));
            assertThat(relay.passed()).as("the reading verbs went through the relay").isNotEmpty();
            assertThat(refusals.results().get(0).err()).contains("HTTP 403 AccessDenied").contains("s3:PutObject");
            assertThat(refusals.results().get(1).err()).contains("HTTP 403 AccessDenied").contains("s3:DeleteObject");
        }
    }

    @Test
    void sftpWithAnAccountThatMayOnlyRead() throws Exception {
        try (OpenSshServer ssh = new OpenSshServer()) {
            Path root = ssh.dataDir().resolve("store");
            String store = sftpStore(ssh, root) + "    file_mode: \"0644\"\n";
            UserPrincipal rootUser = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("root");
            RestoreDay.Refusals refusals = RestoreDay.run(dir, cli, store, store, () -> {
                // the first look (after the backups) hands the tree to root: the login may read it, never write it
                try (Stream<Path> s = Files.walk(root)) {
                    for (Path p : s.toList()) {
                        Files.setOwner(p, rootUser);
                    }
                }
                return files(root);
            });
            for (Cli.Result r : refusals.results()) {
                assertThat(r.out() + r.err()).contains("permission denied");
            }
        }
    }

    /**
     * A folder of the SFTP store the login may not open (root's, 0700) hides no hint: a config that names the job's
     * folder wrongly still hears where the backups are. Before, the whole-store listing behind the hint failed on it
     * and the hint was left out.
     */
    @Test
    void sftpAFolderTheLoginMayNotOpenHidesNoHint() throws Exception {
        try (OpenSshServer ssh = new OpenSshServer()) {
            Path root = ssh.dataDir().resolve("store");
            String store = sftpStore(ssh, root);
            RestoreDay.config(dir, store);
            Cli.Result b = cli.run("-c", "config.yaml", "backup", "app");
            assertThat(b.exit()).as(b.toString()).isZero();
            Path closed = Files.createDirectory(root.resolve("lost+found"));
            Files.setPosixFilePermissions(closed, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml"))
                    .replace("    prefix: prod\n", "    prefix: wrong\n"));
            Cli.Result r = cli.run("-c", "config.yaml", "restore", "app", "--to", "restored", "--dry-run");
            assertThat(r.exit()).as(r.toString()).isEqualTo(2); // a job without backups where one is looked for (README exit codes)
            assertThat(r.err()).contains("under wrong/app/")
                    .contains("the store holds backups that no job of this config reaches under prod/app/ (1 backup");
        }
    }

    /** Every file under {@code top}: its path, size and modification time. */
    private static List<String> files(Path top) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(top)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                out.add(top.relativize(p) + " " + Files.size(p) + " " + Files.getLastModifiedTime(p).toMillis());
            }
        }
        return out;
    }

    /** The store block of an SFTP store at {@code root} on {@code ssh}, logged in with its key. */
    private static String sftpStore(OpenSshServer ssh, Path root) throws java.io.IOException {
        return """
                    type: sftp
                    host: %s
                    port: %d
                    user: %s
                    path: %s
                    key_file: %s
                    known_hosts: %s
                """.formatted(ssh.host(), ssh.port(), ssh.user(), root, ssh.clientKey(), ssh.knownHosts());
    }
}
