package io.dbbackup.store.sftp;

import io.dbbackup.spi.Store;
import io.dbbackup.store.RemoteStoreCliScenario;
import io.dbbackup.testkit.OpenSshServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;

/**
 * The CLI against Debian's OpenSSH server (internal-sftp), the server most SFTP stores run, with a key and
 * known_hosts, and a database whose backup is 4 MiB that does not compress: the pipeline hands the store blocks
 * of 256 KiB, and OpenSSH ends the whole session on an SFTP message over 256 KiB, which MINA SSHD (the other
 * CLI scenario) accepts.
 */
class SftpOpenSshCliIT extends RemoteStoreCliScenario {
    static OpenSshServer ssh;
    String root;

    @BeforeAll
    static void start() throws Exception {
        ssh = new OpenSshServer();
    }

    @AfterAll
    static void stop() {
        if (ssh != null) {
            ssh.close();
        }
    }

    @BeforeEach
    void rootAndALargerDatabase() throws Exception {
        root = ssh.dataDir().resolve("cli-" + UUID.randomUUID().toString().substring(0, 8)).toString();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.db"));
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE blobs (id INTEGER PRIMARY KEY, b BLOB)");
            s.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 64) "
                    + "INSERT INTO blobs SELECT i, randomblob(65536) FROM n");
        }
    }

    @Override
    protected String storeYaml() throws Exception {
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

    @Override
    protected Store rawStore() throws Exception {
        return new SftpStore(SftpFixture.withKey(ssh.host(), ssh.port(), ssh.user(), root, ssh.clientKey(), ssh.knownHosts()));
    }

    @Override
    protected List<String> secrets() {
        return List.of();
    }

    /** The first backup of a job fails (its SQLite file is gone): the store's and the job's folders, made for it, go too. */
    @org.junit.jupiter.api.Test
    void aFirstBackupThatFailsLeavesNoFolderOnTheServer() throws Exception {
        writeConfig("keep_last: 2");
        java.nio.file.Files.delete(dir.resolve("app.db"));
        io.dbbackup.testkit.Cli.Result r = cli.run("-c", "config.yaml", "backup", "app");
        org.assertj.core.api.Assertions.assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        org.assertj.core.api.Assertions.assertThat(java.nio.file.Path.of(root)).as(r.toString()).doesNotExist();
    }
    /**
     * A host key refused — another key in known_hosts than the server's (CHANGED), or none there under the default
     * {@code host_key_policy: strict} — is a system error, exit 2, as the README's exit codes say.
     */
    @org.junit.jupiter.api.Test
    void aRefusedHostKeyExitsTwo() throws Exception {
        java.nio.file.Path other = dir.resolve("other_key");
        io.dbbackup.testkit.Shell.sh(dir, "ssh-keygen -q -t ed25519 -N '' -f " + other);
        String otherKey = java.nio.file.Files.readString(dir.resolve("other_key.pub")).strip().split("\\s+")[1];
        java.nio.file.Path kh = dir.resolve("changed_known_hosts");
        java.nio.file.Files.writeString(kh, "[" + ssh.host() + "]:" + ssh.port() + " ssh-ed25519 " + otherKey + "\n");
        java.nio.file.Path none = java.nio.file.Files.writeString(dir.resolve("empty_known_hosts"), "");
        for (java.nio.file.Path known : List.of(kh, none)) {
            writeConfig("keep_last: 2", storeYaml().replace("known_hosts: " + ssh.knownHosts(), "known_hosts: " + known));
            io.dbbackup.testkit.Cli.Result r = cli.run("-c", "config.yaml", "backup", "app");
            org.assertj.core.api.Assertions.assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            org.assertj.core.api.Assertions.assertThat(r.err()).as(r.toString())
                    .containsPattern("ssh host key of \\[?" + java.util.regex.Pattern.quote(ssh.host()) + "]?:" + ssh.port()
                            + (known == kh ? " has CHANGED" : " is not known"));
        }
    }

    /**
     * A server on the IPv6 loopback address, its host written as users write it ({@code "::1"}, {@code "[::1]"}), its
     * key in known_hosts as OpenSSH writes it for a port other than 22 ({@code [::1]:PORT ssh-ed25519 ...}): backup
     * and restore work. Without the line, the error names the server {@code [::1]:PORT} and gives the exact line to
     * add. Before, {@code "[::1]"} was looked up in known_hosts as {@code [[::1]]:PORT} and refused.
     */
    @org.junit.jupiter.api.Test
    void aServerOnIpv6LoopbackWithItsKeyInKnownHostsAsOpenSshWritesIt() throws Exception {
        try (OpenSshServer v6 = OpenSshServer.onIpv6Loopback()) {
            String v6root = v6.dataDir().resolve("v6-" + UUID.randomUUID().toString().substring(0, 8)).toString();
            java.nio.file.Path kh = v6.knownHosts();
            String line = java.nio.file.Files.readString(kh).strip();
            org.assertj.core.api.Assertions.assertThat(line).startsWith("[::1]:" + v6.port() + " ssh-ed25519 ");
            for (String host : List.of("\"::1\"", "\"[::1]\"")) {
                writeConfig("keep_last: 5", """
                            type: sftp
                            host: %s
                            port: %d
                            user: %s
                            path: %s
                            key_file: %s
                            known_hosts: %s
                        """.formatted(host, v6.port(), v6.user(), v6root, v6.clientKey(), kh));
                io.dbbackup.testkit.Cli.Result r = cli.run("-c", "config.yaml", "backup", "app");
                org.assertj.core.api.Assertions.assertThat(r.exit()).as(host + ": " + r).isEqualTo(0);
                java.nio.file.Files.writeString(kh, "");
                r = cli.run("-c", "config.yaml", "backup", "app");
                org.assertj.core.api.Assertions.assertThat(r.exit()).as(host + ": " + r).isEqualTo(2);
                org.assertj.core.api.Assertions.assertThat(r.err()).as(host)
                        .contains("ssh host key of [::1]:" + v6.port() + " is not known (ssh-ed25519 ")
                        .contains("add the line " + line + " to " + kh);
                java.nio.file.Files.writeString(kh, line + "\n");
            }
            io.dbbackup.testkit.Cli.Result r = cli.run("-c", "config.yaml", "restore", "app", "--to", "restored", "--auto-confirm");
            org.assertj.core.api.Assertions.assertThat(r.exit()).as(r.toString()).isEqualTo(0);
            org.assertj.core.api.Assertions.assertThat(dir.resolve("restored/app.db")).exists();
        }
    }
}
