package io.dbbackup.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built jar run as a pod runs it, under a uid that has no passwd entry here (through setpriv, so it needs root).
 *
 * <p>The pod of deploy/kubernetes/cronjob.yaml: uid and gid 10001, the Secret's files {@code 0440 root:10001} (defaultMode
 * 0400 with fsGroup 10001) behind the kubelet's {@code ..data} links. No secret file there is "readable by other users":
 * the group is the pod's own. Runs the built jar through setpriv, so it needs root.
 */
class PodUidIT {
    private Path dir;

    @AfterEach
    void clean() throws Exception {
        if (dir != null) {
            new ProcessBuilder("rm", "-rf", dir.toString()).start().waitFor();
        }
    }

    @Test
    void theSecretFilesOfAnFsGroupMountAreNotWarnedAbout() throws Exception {
        assertThat(new com.sun.security.auth.module.UnixSystem().getUid())
                .as("the suite runs as root (bin/test): setpriv starts the jar under another uid").isZero();
        dir = Files.createTempDirectory(Path.of("/tmp"), "fsgroup");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path volume = Files.createDirectory(dir.resolve("secrets"));
        Path stamped = Files.createDirectory(volume.resolve("..2026_12_03_21_04_11.123456789"));
        GroupPrincipal fsGroup = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName("10001");
        for (String name : new String[] {"id_ed25519", "pg-password"}) {
            Path f = Files.writeString(stamped.resolve(name), "not parsed before connecting\n");
            Files.getFileAttributeView(f, PosixFileAttributeView.class).setGroup(fsGroup);
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--r-----"));
            Files.createSymbolicLink(volume.resolve(name), Path.of("..data/" + name));
        }
        Files.createSymbolicLink(volume.resolve("..data"), stamped.getFileName());
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  pg:
                    engine: postgres
                    host: db.example.com
                    database: app
                    user: backup
                    password_file: secrets/pg-password
                stores:
                  offsite:
                    type: sftp
                    host: backup.example.com
                    user: dbbackup
                    path: /srv/backups
                    key_file: secrets/id_ed25519
                    host_key_fingerprint: "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
                jobs:
                  pg:
                    datasource: pg
                    store: offsite
                """);
        Path jar = Path.of(System.getProperty("dbbackup.jar", "target/dbbackup.jar")).toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder("setpriv", "--reuid=10001", "--regid=10001", "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
                "-c", dir.resolve("config.yaml").toString(), "config", "validate")
                .directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("HOME", dir.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).doesNotContain("readable by other users");
    }

    /**
     * The same pod's uid has no passwd entry (OpenShift's arbitrary UID; a runAsUser the image lacks): Java's user.name is
     * then "?", and a postgres datasource without user: connected as the role "?". Said at load instead, naming the key.
     */
    @Test
    void aPostgresDatasourceWithoutUserUnderAUidWithoutAccountIsAConfigError() throws Exception {
        assertThat(new com.sun.security.auth.module.UnixSystem().getUid())
                .as("the suite runs as root (bin/test): setpriv starts the jar under another uid").isZero();
        dir = Files.createTempDirectory(Path.of("/tmp"), "nouser");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  pg:
                    engine: postgres
                    host: db.example.com
                    database: app
                stores:
                  local:
                    type: local
                    path: /tmp
                jobs:
                  pg:
                    datasource: pg
                    store: local
                """);
        Path jar = Path.of(System.getProperty("dbbackup.jar", "target/dbbackup.jar")).toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder("setpriv", "--reuid=1000680000", "--regid=0", "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
                "-c", dir.resolve("config.yaml").toString(), "config", "validate")
                .directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("HOME", "/");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(1);
        assertThat(out).contains("config.yaml:3:5").contains("datasources.pg.user").contains("1000680000");
    }
}
