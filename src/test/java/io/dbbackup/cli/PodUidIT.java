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
        secretVolume("r--r-----", "10001", "id_ed25519", "pg-password");
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
        Validated v = validateAs("10001", "10001", dir.toString());
        assertThat(v.exit()).as(v.out()).isZero();
        assertThat(v.out()).doesNotContain("readable by other users");
    }

    /**
     * The same Secret with defaultMode 0400 and no fsGroup: the files are 0400 root:root, and uid 10001 may not read them.
     * "cannot read … (permission denied)" named neither whose file it is nor the fix; now both, and on a secret volume the
     * pod's fsGroup.
     */
    @Test
    void aSecretFileTheUidMayNotReadSaysWhoseItIsAndNamesFsGroup() throws Exception {
        assertThat(new com.sun.security.auth.module.UnixSystem().getUid())
                .as("the suite runs as root (bin/test): setpriv starts the jar under another uid").isZero();
        dir = Files.createTempDirectory(Path.of("/tmp"), "nofsgroup");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        secretVolume("r--------", null, "pg-password");
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  pg: {engine: postgres, host: db.example.com, database: app, user: backup, password_file: secrets/pg-password}
                stores:
                  local: {type: local, path: /tmp}
                jobs:
                  pg: {datasource: pg, store: local}
                """);
        Validated v = validateAs("10001", "10001", dir.toString());
        assertThat(v.exit()).as(v.out()).isEqualTo(1);
        assertThat(v.out()).contains("datasources.pg.password_file: cannot read " + dir.resolve("secrets/pg-password")
                + " (permission denied: it is "
                + "0400, owner uid 0, group 0; this process runs as uid 10001, group 10001: on a Kubernetes secret volume, set "
                + "the pod's securityContext.fsGroup");
    }

    /**
     * A Secret volume at {@code dir/secrets} as the kubelet lays it out: each key a link to {@code ..data/KEY}, {@code ..data}
     * a link to the time-stamped folder holding the files, of {@code perms}, in group {@code group} (null: root's).
     */
    private void secretVolume(String perms, String group, String... names) throws Exception {
        Path volume = Files.createDirectory(dir.resolve("secrets"));
        Path stamped = Files.createDirectory(volume.resolve("..2026_12_03_21_04_11.123456789"));
        for (String name : names) {
            Path f = Files.writeString(stamped.resolve(name), "not parsed before connecting\n");
            if (group != null) {
                GroupPrincipal g = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
                Files.getFileAttributeView(f, PosixFileAttributeView.class).setGroup(g);
            }
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(perms));
            Files.createSymbolicLink(volume.resolve(name), Path.of("..data/" + name));
        }
        Files.createSymbolicLink(volume.resolve("..data"), stamped.getFileName());
    }

    record Validated(int exit, String out) {
    }

    /** {@code config validate} of {@code dir/config.yaml} by the built jar under {@code uid}:{@code gid}, no other groups. */
    private Validated validateAs(String uid, String gid, String home) throws Exception {
        Path jar = Path.of(System.getProperty("dbbackup.jar", "target/dbbackup.jar")).toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
                "-c", dir.resolve("config.yaml").toString(), "config", "validate")
                .directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("HOME", home);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Validated(p.exitValue(), out);
    }

    /**
     * A pod with readOnlyRootFilesystem and no emptyDir where DBBACKUP_TMPDIR points (here: that folder bind-mounted
     * read-only in a mount namespace of its own, as the uid without a passwd entry, HOME unset). The scratch folder cannot
     * be made; the warning said "permission denied", which sends on-call to chmod and runAsUser. Now it says the file
     * system is read-only and that a volume (an emptyDir) is the fix.
     */
    @Test
    void aScratchFolderOnAReadOnlyRootSaysSoNotPermissionDenied() throws Exception {
        assertThat(new com.sun.security.auth.module.UnixSystem().getUid())
                .as("the suite runs as root (bin/test): unshare and setpriv start the jar").isZero();
        dir = Files.createTempDirectory(Path.of("/tmp"), "rotmp");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        io.dbbackup.testkit.SqliteFixture.create(dir.resolve("shop.db"), 5);
        Files.setPosixFilePermissions(dir.resolve("shop.db"), PosixFilePermissions.fromString("rw-r--r--"));
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path store = Files.createDirectory(dir.resolve("store"));
        Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  shop: {engine: sqlite, path: shop.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                  shop: {datasource: shop, store: local}
                """);
        Path jar = Path.of(System.getProperty("dbbackup.jar", "target/dbbackup.jar")).toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder("unshare", "-m", "--propagation", "private", "sh", "-c",
                "mount --bind -o ro \"$0\" \"$0\" && exec \"$@\"", tmp.toString(),
                "setpriv", "--reuid=1000680000", "--regid=0", "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
                "-c", dir.resolve("config.yaml").toString(), "backup", "shop")
                .directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().remove("HOME");
        pb.environment().put("DBBACKUP_TMPDIR", tmp.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(2);
        assertThat(out).contains("cannot make a scratch folder for temporary files in " + tmp
                + " (its file system is read-only").contains("in Kubernetes an emptyDir").doesNotContain("permission denied");
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
        Validated v = validateAs("1000680000", "0", "/");
        assertThat(v.exit()).as(v.out()).isEqualTo(1);
        assertThat(v.out()).contains("config.yaml:3:5").contains("datasources.pg.user").contains("1000680000");
    }
}
