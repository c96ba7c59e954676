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
     * The store's folder deleted (or moved, or the path mistyped) on the day of a restore: the restore fails with 2 as a
     * job without backups does, and says that the store's folder itself is gone, not only that the job has no backups.
     */
    @org.junit.jupiter.api.Test
    void aRestoreFromAStoreWhoseFolderWasDeletedSaysTheFolderIsGone() throws Exception {
        writeConfig("keep_last: 2");
        io.dbbackup.testkit.Cli.Result backup = cli.run("-c", "config.yaml", "backup", "app");
        org.assertj.core.api.Assertions.assertThat(backup.exit()).as(backup.toString()).isZero();
        java.nio.file.Files.move(java.nio.file.Path.of(root), java.nio.file.Path.of(root + ".moved"));
        io.dbbackup.testkit.Cli.Result r = cli.run("-c", "config.yaml", "restore", "app", "--to", "restored", "--auto-confirm");
        org.assertj.core.api.Assertions.assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        org.assertj.core.api.Assertions.assertThat(r.err()).as(r.toString()).contains("has no backups in sftp ")
                .contains("; the store's folder " + root + " does not exist (deleted or moved away, its volume not mounted,"
                        + " or a wrong stores.");
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
     * A key the server does not accept (not in its authorized_keys): the refusal names the key offered by its type and
     * SHA256 fingerprint, exactly as {@code ssh-keygen -lf} prints it, to compare with the lines of authorized_keys; no
     * other part of the key (it named the file alone).
     */
    @org.junit.jupiter.api.Test
    void aRefusedKeyIsNamedByItsTypeAndFingerprintAsSshKeygenPrintsIt() throws Exception {
        java.nio.file.Path wrong = dir.resolve("wrong_key");
        io.dbbackup.testkit.Shell.sh(dir, "ssh-keygen -q -t ed25519 -N '' -C wrong@test -f " + wrong);
        java.nio.file.Files.setPosixFilePermissions(wrong, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        // "256 SHA256:… wrong@test (ED25519)"
        String[] keygen = io.dbbackup.testkit.Shell.sh(dir, "ssh-keygen -lf " + wrong + ".pub").strip().split("\\s+");
        String fingerprint = keygen[1];
        org.assertj.core.api.Assertions.assertThat(fingerprint).matches("SHA256:[A-Za-z0-9+/]{43}");
        writeConfig("keep_last: 2", storeYaml().replace("key_file: " + ssh.clientKey(), "key_file: " + wrong));
        io.dbbackup.testkit.Cli.Result r = cli.run("-c", "config.yaml", "backup", "app");
        org.assertj.core.api.Assertions.assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        org.assertj.core.api.Assertions.assertThat(r.err()).as(r.toString())
                .contains("sftp authentication failed for ").contains("(tried publickey " + wrong + " (ssh-ed25519 " + fingerprint + "))");
        String pub = java.nio.file.Files.readString(dir.resolve("wrong_key.pub")).strip().split("\\s+")[1];
        String priv = java.nio.file.Files.readString(wrong);
        org.assertj.core.api.Assertions.assertThat(r.out() + r.err()).as(r.toString()).doesNotContain(pub)
                .doesNotContain(priv.lines().skip(1).findFirst().orElseThrow());
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
    /**
     * A backup deleted on the server (a prune on another host) while {@code verify --all-backups} reads it, read at
     * 1 MiB/s so that the deletion lands mid-read: on Linux a file deleted while open still reads to its end, so over
     * the same connection the check reads all its bytes, finds them the sidecar's (read before) and says ok — its bytes
     * were good — with a warning for its manifest, gone with it. When the connection also drops, the read goes on over
     * a new one, finds the file gone and the backup is skipped as deleted since it was listed (exit 0), as on S3.
     */
    @org.junit.jupiter.api.Test
    void aBackupDeletedWhileItIsReadReadsToItsEndOrIsSkippedWhenTheConnectionDrops() throws Exception {
        writeConfig("keep_last: 10");
        for (int i = 0; i < 4; i++) {
            io.dbbackup.testkit.Cli.Result backup = cli.run("-c", "config.yaml", "backup", "app");
            org.assertj.core.api.Assertions.assertThat(backup.exit()).as(backup.toString()).isZero();
        }
        try (Store raw = rawStore()) {
            List<String> backups = keys(raw, "prod/app/").stream().filter(k -> k.endsWith(".sqlite.zst")).sorted().toList();
            for (boolean drop : new boolean[] {false, true}) {
                String target = backups.get(drop ? 1 : 0); // the oldest left: read last
                java.nio.file.Path file = java.nio.file.Path.of(root, target);
                java.util.concurrent.atomic.AtomicBoolean deleted = new java.util.concurrent.atomic.AtomicBoolean();
                Thread prune = new Thread(() -> {
                    try {
                        awaitOpenOnServer(file);
                        for (String k : List.of(target, target + ".sha256", target + ".manifest.json")) {
                            java.nio.file.Files.delete(java.nio.file.Path.of(root, k));
                        }
                        deleted.set(true);
                        if (drop) {
                            ssh.cutSessions();
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                prune.start();
                io.dbbackup.testkit.Cli.Result r = cli.run("-c", "config.yaml", "--limit-download", "1MiB", "verify", "app",
                        "--all-backups");
                prune.join(30_000);
                org.assertj.core.api.Assertions.assertThat(deleted).as("deleted while it was read: %s", r).isTrue();
                org.assertj.core.api.Assertions.assertThat(file).doesNotExist();
                org.assertj.core.api.Assertions.assertThat(r.exit()).as(r.toString()).isZero();
                int listed = backups.size() - (drop ? 1 : 0);
                if (drop) {
                    org.assertj.core.api.Assertions.assertThat(r.out())
                            .contains("SKIPPED " + target + ": deleted since it was listed (a prune?)",
                                    (listed - 1) + " of " + (listed - 1) + " backups verified, 1 deleted since it was listed (exit 0)")
                            .doesNotContain("FAILED");
                } else {
                    org.assertj.core.api.Assertions.assertThat(r.out()).contains("ok     " + target + " sha256=",
                            listed + " of " + listed + " backups verified").doesNotContain("FAILED", "SKIPPED");
                    org.assertj.core.api.Assertions.assertThat(r.err()).contains("no manifest beside the backup");
                }
            }
        }
    }

    /** Waits (at most 30 s) until a process of the server (its session's internal-sftp) holds {@code file} open. */
    private static void awaitOpenOnServer(java.nio.file.Path given) throws Exception {
        java.nio.file.Path file = given.toRealPath();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (ProcessHandle h : ProcessHandle.current().descendants().toList()) {
                try (java.util.stream.Stream<java.nio.file.Path> fds = java.nio.file.Files.list(
                        java.nio.file.Path.of("/proc", Long.toString(h.pid()), "fd"))) {
                    if (fds.anyMatch(fd -> {
                        try {
                            return java.nio.file.Files.readSymbolicLink(fd).equals(file);
                        } catch (java.io.IOException e) {
                            return false;
                        }
                    })) {
                        return;
                    }
                } catch (java.io.IOException | java.io.UncheckedIOException e) {
                    // gone meanwhile
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError(file + " was not opened on the server within 30 s");
    }
}
