package io.dbbackup.store.sftp;

import io.dbbackup.config.Config;
import io.dbbackup.spi.Store;
import io.dbbackup.store.StoreConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SftpStoreProviderTest {
    @TempDir
    Path dir;

    static final String FP = "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU";

    @Test
    void aliasSftpAndEveryKey() throws Exception {
        Files.writeString(dir.resolve("id_ed25519"), "not parsed before connecting");
        Files.setPosixFilePermissions(dir.resolve("id_ed25519"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Config c = StoreConfigs.load(dir, """
                    type: sftp
                    host: backup.example.com
                    port: 2222
                    user: dbbackup
                    path: /srv/backups
                    key_file: id_ed25519
                    key_passphrase_env: KP
                    host_key_fingerprint: "%s="
                    file_mode: "0640"
                    keepalive_interval: 30s
                """.formatted(FP), Map.of("KP", "pass-phrase-123"));
        Store store = c.stores().get("main").store();
        assertThat(c.stores().get("main").type()).isEqualTo("ssh");
        SftpSettings s = ((SftpStore) store).settingsForTest();
        assertThat(s.port()).isEqualTo(2222);
        assertThat(s.keyFile()).isEqualTo(dir.resolve("id_ed25519"));
        assertThat(s.fingerprints()).containsExactly(FP);
        assertThat(s.acceptNew()).isFalse();
        assertThat(s.mode().file()).isEqualTo(0640);
        assertThat(s.mode().folder()).isEqualTo(0750);
        assertThat(s.keepalive()).hasSeconds(30);
        assertThat(store.describe()).isEqualTo("sftp dbbackup@backup.example.com:2222:/srv/backups");
        assertThat(c.warnings()).isEmpty();
    }

    @Test
    void passwordAndKnownHostsDefaults() throws Exception {
        Config c = StoreConfigs.load(dir, """
                    type: ssh
                    host: h
                    user: u
                    path: backups
                    password_env: PW
                    host_key_policy: accept-new
                """, Map.of("PW", "hunter22"));
        SftpSettings s = ((SftpStore) c.stores().get("main").store()).settingsForTest();
        assertThat(s.port()).isEqualTo(22);
        assertThat(s.password().reveal()).isEqualTo("hunter22");
        assertThat(s.knownHosts()).isEqualTo(Path.of(System.getProperty("user.home"), ".ssh", "known_hosts"));
        assertThat(s.acceptNew()).isTrue();
        assertThat(s.mode()).as("owner-only by default").isEqualTo(io.dbbackup.core.FilePermissions.OWNER_ONLY);
    }

    /**
     * The default known_hosts and a {@code ~/} path follow $HOME: a container under a random UID (OpenShift) has no
     * passwd entry, so the JVM's user.home is "?" and the default was "?/.ssh/known_hosts", relative to the working folder.
     */
    @Test
    void theHomeFolderIsHomeFromTheEnvironment() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.writeString(home.resolve("id_ed25519"), "not parsed before connecting");
        Files.setPosixFilePermissions(home.resolve("id_ed25519"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Config c = StoreConfigs.load(dir, """
                    type: ssh
                    host: h
                    user: u
                    path: backups
                    password_env: PW
                    key_file: ~/id_ed25519
                """, Map.of("PW", "hunter22", "HOME", home.toString()));
        SftpSettings s = ((SftpStore) c.stores().get("main").store()).settingsForTest();
        assertThat(s.knownHosts()).isEqualTo(home.resolve(".ssh/known_hosts"));
        assertThat(s.keyFile()).isEqualTo(home.resolve("id_ed25519"));
    }

    /** No HOME and no account entry (user.home "?"): known_hosts must be given, and '~/' says why it cannot be read. */
    @Test
    void withoutAHomeFolderKnownHostsMustBeGiven() throws Exception {
        String before = System.getProperty("user.home");
        System.setProperty("user.home", "?");
        try {
            String base = "    type: ssh\n    host: h\n    user: u\n    path: p\n    password_env: PW\n";
            Map<String, String> env = Map.of("PW", "pw-123", "HOME", "");
            assertThat(StoreConfigs.problems(dir, base, env)).contains("known_hosts").contains("give known_hosts or host_key_fingerprint");
            assertThat(StoreConfigs.problems(dir, base + "    known_hosts: ~/kh\n", env)).contains("'~/' needs a home folder");
            assertThat(StoreConfigs.problems(dir, base + "    host_key_fingerprint: \"" + FP + "=\"\n", env)).isEmpty();
        } finally {
            System.setProperty("user.home", before);
        }
    }

    /**
     * {@code ~} at the start of the path is the login folder, as sftp, scp and rsync read it: the SFTP server does not
     * expand it, and {@code ~/backups} sent as written made a folder named {@code ~} in the login folder (fails without).
     * {@code ~user} only the server could resolve: a config error naming the key.
     */
    @Test
    void aTildePathIsTheLoginFolder() throws Exception {
        for (String[] p : new String[][] {{"\"~/backups\"", "backups"}, {"\"~/\"", "."}, {"\"~\"", "."},
                {"\"~//db/prod/\"", "db/prod/"}}) {
            Config c = StoreConfigs.load(dir, """
                        type: ssh
                        host: h
                        user: u
                        path: %s
                        password_env: PW
                        host_key_fingerprint: "%s="
                    """.formatted(p[0], FP), Map.of("PW", "hunter22"));
            SftpStore store = (SftpStore) c.stores().get("main").store();
            assertThat(store.settingsForTest().path()).as(p[0]).isEqualTo(p[1]);
            assertThat(store.location("app/")).as(p[0]).startsWith("sftp h:22 ~u/").doesNotContain("~/");
        }
        assertThat(StoreConfigs.problems(dir, "    type: ssh\n    host: h\n    user: u\n    path: \"~backup/db\"\n"
                + "    password_env: PW\n", Map.of("PW", "pw-123")))
                .contains("path ~backup/db: an SFTP server expands no ~user; give that folder's absolute path");
    }

    @Test
    void problems() throws Exception {
        assertThat(StoreConfigs.problems(dir, "    type: ssh\n", Map.of())).contains("host").contains("user").contains("path");
        assertThat(StoreConfigs.problems(dir, "    type: ssh\n    host: h\n    user: u\n    path: p\n", Map.of()))
                .contains("give key_file");
        assertThat(StoreConfigs.problems(dir, "    type: ssh\n    host: h\n    user: u\n    path: p\n    password: x\n", Map.of()))
                .contains("secrets are not read from the config file");
        String base = "    type: ssh\n    host: h\n    user: u\n    path: p\n    password_env: PW\n";
        Map<String, String> env = Map.of("PW", "pw-123");
        assertThat(StoreConfigs.problems(dir, base + "    host_key_fingerprint: MD5:aa:bb\n", env))
                .contains("host_key_fingerprint must look like SHA256:");
        assertThat(StoreConfigs.problems(dir, base + "    host_key_fingerprint: " + FP + "\n    known_hosts: kh\n", env))
                .contains("either known_hosts or host_key_fingerprint");
        assertThat(StoreConfigs.problems(dir, base + "    host_key_policy: yolo\n", env)).contains("host_key_policy");
        assertThat(StoreConfigs.problems(dir, base + "    key_file: missing\n", env)).contains("key_file: cannot read");
        assertThat(StoreConfigs.problems(dir, base + "    port: 70000\n", env)).contains("port");
        assertThat(StoreConfigs.problems(dir, base + "    file_mode: \"0700\"\n", env))
                .contains("stores.main.file_mode: '0700' gives an execute bit");
        assertThat(StoreConfigs.problems(dir, base + "    keepalive_interval: 500ms\n", env))
                .contains("keepalive_interval is at least 1s (or 0 to send no keepalives), got 500ms");
        assertThat(StoreConfigs.problems(dir, base + "    keepalive_interval: 0\n", env)).isEmpty();
        // timeout: 0 failed every connection at once (the start's watchdog), connect_timeout: 0 waited for ever
        assertThat(StoreConfigs.problems(dir, base + "    timeout: 0\n", env).strip().lines().toList()).singleElement().asString()
                .endsWith("stores.main.timeout: timeout is at least 1s (the default is 60s), got 0ms");
        assertThat(StoreConfigs.problems(dir, base + "    connect_timeout: 500ms\n", env).strip().lines().toList()).singleElement().asString()
                .endsWith("stores.main.connect_timeout: connect_timeout is at least 1s (the default is 15s), got 500ms");
        assertThat(StoreConfigs.problems(dir, base + "    timeout: -1s\n", env).strip().lines().toList()).singleElement().asString()
                .endsWith("stores.main.timeout: '-1s' is negative: a duration cannot be negative");
        assertThat(StoreConfigs.problems(dir, base + "    timeout: 1s\n    connect_timeout: 2\n", env)).isEmpty();
        assertThat(StoreConfigs.problems(dir, base, env)).isEmpty();
    }

    @Test
    void fingerprintsNormalize() {
        assertThat(Fingerprints.normalize(FP + "=")).isEqualTo(FP);
        assertThat(Fingerprints.normalize(FP)).isEqualTo(FP);
        assertThat(Fingerprints.normalize("SHA256:short")).isNull();
        assertThat(Fingerprints.normalize("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU")).isNull();
    }

    /** key_file on a Kubernetes secret volume without defaultMode (0644, {@code id -> ..data/id}): chmod cannot be run there. */
    @Test
    void aSharedKeyFileOnAKubernetesSecretVolumeNamesDefaultMode() throws Exception {
        Path volume = Files.createDirectory(dir.resolve("secrets"));
        Path stamped = Files.createDirectory(volume.resolve("..2026_12_03_21_04_11.123456789"));
        Path real = Files.writeString(stamped.resolve("id_ed25519"), "not parsed before connecting");
        Files.setPosixFilePermissions(real, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Files.createSymbolicLink(volume.resolve("..data"), stamped.getFileName());
        Files.createSymbolicLink(volume.resolve("id_ed25519"), Path.of("..data/id_ed25519"));
        Config c = StoreConfigs.load(dir, """
                    type: sftp
                    host: h
                    user: u
                    path: backups
                    key_file: secrets/id_ed25519
                    host_key_fingerprint: "%s="
                """.formatted(FP), Map.of());
        assertThat(c.warnings()).singleElement().extracting(io.dbbackup.config.Problem::format).asString()
                .contains("key_file").contains("Kubernetes secret volume").contains("defaultMode: 0400").doesNotContain("chmod 600");
    }
}
