package io.dbbackup.store.sftp;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SshServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A copy job's archived WAL file cut short in an SFTP store whose server has no {@code posix-rename@openssh.com} (plain
 * SFTP version 3: a rename never replaces): the re-copy replaces it as on a local store (old renamed aside, new renamed
 * in, aside deleted), the whole file under its key and nothing left beside it. Against Apache MINA SSHD.
 */
class CopyWalCutShortSftpIT {
    private static final Instant NOW = Instant.parse("2026-03-01T02:00:00Z");
    static SshServer ssh;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        ssh = SshServer.withoutPosixRename();
    }

    @AfterAll
    static void stop() {
        if (ssh != null) {
            ssh.close();
        }
    }

    private Cli cli() {
        return new Cli().workingDir(dir).clock(Clock.fixed(NOW, ZoneOffset.UTC)).env("SFTP_PASSWORD", ssh.password());
    }

    @Test
    void aWalCopyCutShortIsCopiedAgainWhereRenamesNeverReplace() throws Exception {
        String root = "/walcut-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  cluster: {engine: fake, physical: true, size: 2000, start_wal_file: 000000010000000000000002}
                stores:
                  local: {type: local, path: store}
                  offsite:
                    type: sftp
                    host: %s
                    port: %d
                    user: %s
                    path: %s
                    password_env: SFTP_PASSWORD
                    host_key_fingerprint: "%s"
                jobs:
                  phys: {datasource: cluster, store: local}
                  phys-offsite: {copy_of: phys, store: offsite}
                """.formatted(ssh.host(), ssh.port(), ssh.user(), root, ssh.hostKeyFingerprint()));
        Cli.Result b = cli().run("-c", "config.yaml", "backup", "phys");
        assertThat(b.exit()).as(b.toString()).isZero();
        byte[] content = "segment 2 ".repeat(100).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String seg2 = "cluster/wal/0000000100000000/000000010000000000000002-"
                + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        Files.write(Files.createDirectories(dir.resolve("store/" + seg2).getParent()).resolve(dir.resolve("store/" + seg2)
                .getFileName()), content);
        Cli.Result first = cli().run("-c", "config.yaml", "backup", "phys-offsite");
        assertThat(first.exit()).as(first.toString()).isZero();
        Path copy = ssh.root().resolve(root.substring(1)).resolve(seg2);
        assertThat(Files.readAllBytes(copy)).isEqualTo(content);
        Files.write(copy, java.util.Arrays.copyOf(content, 10));
        int before = ssh.requests().size();

        Cli.Result r = cli().run("-c", "config.yaml", "backup", "phys-offsite");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).contains("archived WAL copy does not match its source: " + seg2 + " is 10 bytes");
        assertThat(Files.readAllBytes(copy)).as(r.toString()).isEqualTo(content);
        String name = copy.getFileName().toString();
        assertThat(ssh.requests().subList(before, ssh.requests().size())).as("the cut copy renamed aside, then removed")
                .anyMatch(q -> q.startsWith("rename " + name + " ." + name + SftpStore.PART) && q.contains(SftpStore.REPLACED))
                .anyMatch(q -> q.startsWith("remove ." + name + SftpStore.PART) && q.endsWith(SftpStore.REPLACED));
        try (var s = Files.list(copy.getParent())) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("."))).as("nothing left beside it")
                    .isEmpty();
        }
    }
}
