package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Restore day on a host whose user may read the store but not write it: the built jar run through setpriv as uid
 * 10001 (no passwd entry, as a pod runs it), the store written by root with {@code file_mode: "0640"} and handed to
 * group 10001 (folders {@code 0750}: the group may read, never create or delete). Every reading verb works and leaves
 * the store exactly as it was; the verbs that write fail with exit 2 and a reason. Before, a file the user could not
 * read (the default {@code 0600} of another user's backup) failed as {@code cannot read KEY.sha256: /path/KEY.sha256}
 * — no reason at all — and a prune as {@code cannot delete KEY from local DIR: /path/KEY}. Needs root (setpriv).
 */
class ReadOnlyLocalStoreIT {
    private static final String UID = "10001";
    private Path dir;
    private Path store;

    @BeforeEach
    void twoBackupsWrittenByRoot() throws Exception {
        assertThat(new com.sun.security.auth.module.UnixSystem().getUid())
                .as("the suite runs as root (bin/test): setpriv starts the jar under another uid").isZero();
        dir = Files.createTempDirectory(Path.of("/tmp"), "rostore");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        SqliteFixture.create(dir.resolve("shop.db"), 50);
        Path work = Files.createDirectory(dir.resolve("work"));
        Files.createDirectory(dir.resolve("scratch"));
        store = dir.resolve("store");
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  shop: {engine: sqlite, path: shop.db}
                  restored: {engine: sqlite, path: work/restored.db}
                  scratch: {engine: sqlite, path: scratch/drill.db}
                stores:
                  nas: {type: local, path: store, file_mode: "0640"}
                jobs:
                  shop:
                    datasource: shop
                    store: nas
                    retention: {keep_last: 1}
                    retry: {max_attempts: 3, delay: 1s}
                """);
        Cli root = new Cli().workingDir(dir);
        for (int i = 0; i < 2; i++) {
            Cli.Result r = root.run("-c", "config.yaml", "backup", "shop");
            assertThat(r.exit()).as(r.toString()).isZero();
            Thread.sleep(1100); // a key per second
        }
        assertThat(root.run("-c", "config.yaml", "pin", "shop").exit()).isZero();
        GroupPrincipal group = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(UID);
        try (Stream<Path> s = Files.walk(store)) {
            for (Path p : s.toList()) {
                Files.getFileAttributeView(p, PosixFileAttributeView.class).setGroup(group);
            }
        }
        for (Path p : List.of(work, dir.resolve("scratch"))) {
            Files.getFileAttributeView(p, PosixFileAttributeView.class).setOwner(
                    dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(UID));
        }
    }

    @AfterEach
    void clean() throws Exception {
        if (dir != null) {
            new ProcessBuilder("rm", "-rf", dir.toString()).start().waitFor();
        }
    }

    @Test
    void everyReadingVerbWorksAndTheStoreIsLeftAsItWas() throws Exception {
        assertThat(Files.getPosixFilePermissions(store.resolve("shop")))
                .as("the group may read and pass, not write").isEqualTo(PosixFilePermissions.fromString("rwxr-x---"));
        List<String> before = snapshot();

        for (String[] verb : List.of(new String[] {"list", "shop"}, new String[] {"list", "--all"},
                new String[] {"show", "shop", "--contents"}, new String[] {"verify", "shop", "--deep"},
                new String[] {"verify", "shop", "--all-backups"}, new String[] {"verify", "--all"},
                new String[] {"download", "shop", "-o", "work/"},
                new String[] {"restore", "shop", "--to", "restored", "--dry-run"},
                new String[] {"restore", "shop", "--to", "restored", "--auto-confirm"},
                new String[] {"drill", "shop", "--to", "scratch"}, new String[] {"prune", "shop", "--dry-run"})) {
            Run r = asUid(verb);
            assertThat(r.exit).as(String.join(" ", verb) + "\n" + r.out).isZero();
        }
        assertThat(Files.exists(dir.resolve("work/restored.db"))).isTrue();
        assertThat(snapshot()).as("no file of the store written, added or removed").isEqualTo(before);

        Run prune = asUid("prune", "shop");
        assertThat(prune.exit).as(prune.out).isEqualTo(2);
        assertThat(prune.out).contains("cannot delete shop/shop-")
                .contains(": permission denied (this process runs as uid " + UID + ")");
        Run pin = asUid("pin", "--remove", "shop", newest());
        assertThat(pin.exit).as(pin.out).isEqualTo(2);
        assertThat(pin.out).contains("cannot unpin").contains("permission denied (this process runs as uid " + UID + ")");
        Run backup = asUid("backup", "shop");
        assertThat(backup.exit).as(backup.out).isEqualTo(2);
        assertThat(backup.out).contains("permission denied")
                .as("a refusal is not retried: each attempt would dump the database again")
                .contains("attempt=1/3 retry=false").doesNotContain("attempt=2/3");
        assertThat(snapshot()).isEqualTo(before);
    }

    /** The default file_mode, 0600: another user's backups. The error says why and what widens them. */
    @Test
    void aBackupThisUserMayNotReadSaysPermissionDenied() throws Exception {
        try (Stream<Path> s = Files.list(store.resolve("shop"))) {
            for (Path p : s.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
            }
        }
        for (String[] verb : List.of(new String[] {"verify", "shop"}, new String[] {"restore", "shop", "--to", "restored",
                "--dry-run"}, new String[] {"download", "shop", "-o", "work/"})) {
            Run r = asUid(verb);
            assertThat(r.exit).as(r.out).isEqualTo(2);
            assertThat(r.out).as(String.join(" ", verb)).contains("permission denied (this process runs as uid " + UID
                    + "); the store's files are readable by the user that wrote them alone unless the store's file_mode "
                    + "gives its group read");
        }
    }

    /**
     * The on-call reading a 3 am mail of a backup the store's folder refused (a volume mounted root's, the pod another
     * uid): before, it said {@code local store DIR: cannot create FILE: permission denied} and nothing of whose the
     * folder is, nor who this process is (a secret file refused so says both), nor what to change. The folder that
     * refused is named, with its mode, owner and group against this process's ids, and the fix.
     */
    @Test
    void aBackupIntoAFolderThisUserMayNotWriteSaysWhoseTheFolderIsAndTheFix() throws Exception {
        Path shop = store.resolve("shop");
        Run backup = asUid("backup", "shop");
        assertThat(backup.exit).as(backup.out).isEqualTo(2);
        assertThat(backup.out).contains("cannot create " + shop + "/shop-")
                .contains("permission denied: the folder " + shop + " is 0750, owner uid 0, group " + UID
                        + "; this process runs as uid " + UID + ", group " + UID + " and may not create files in it: "
                        + "give its group write (chmod g+w " + shop + ")")
                .contains("on a Kubernetes volume, the pod's securityContext.fsGroup");
        Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml"))
                .replace("    store: nas\n", "    store: nas\n    prefix: new\n"));
        backup = asUid("backup", "shop");
        assertThat(backup.exit).as(backup.out).isEqualTo(2);
        assertThat(backup.out).as("the job's folder cannot be made: the store's own folder refused")
                .contains("cannot create " + store.resolve("new/shop") + "/shop-")
                .contains("permission denied: the folder " + store + " is 0750, owner uid 0, group " + UID);
    }

    /**
     * The config is lost too and the new one names the job's folder wrongly, on a disk whose root holds {@code
     * lost+found} (root's, 0700, as mkfs makes it). Before, the hint naming where the backups are went missing for
     * any user but root (the whole-store listing behind it failed on lost+found, and a hint never fails twice):
     * {@code job 'shop' has no backups in local DIR under wrong/shop/} and nothing more.
     */
    @Test
    void aFolderThisUserMayNotOpenHidesNoHintOfWhereTheBackupsAre() throws Exception {
        Path lost = Files.createDirectory(store.resolve("lost+found"));
        Files.setPosixFilePermissions(lost, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml"))
                .replace("    store: nas\n", "    store: nas\n    prefix: wrong\n"));
        Run restore = asUid("restore", "shop", "--to", "restored", "--dry-run");
        assertThat(restore.exit).as(restore.out).isEqualTo(2);
        assertThat(restore.out).contains("has no backups in local ").contains("under wrong/shop/")
                .contains("the store holds backups that no job of this config reaches under shop/ (2 backups");
        Run list = asUid("list", "shop");
        assertThat(list.out).contains("no job of this config reaches under shop/");
    }

    /**
     * The store mounted read-only ({@code mount --bind -o ro} in a mount namespace of its own, as root: root may write
     * anything but a read-only file system). The reading verbs work; a backup fails once with the file system's word
     * for it — before, it was retried as a passing I/O error, the database dumped again for each attempt.
     */
    @Test
    void aReadOnlyMountServesRestoreDayAndFailsABackupOnce() throws Exception {
        List<String> before = snapshot();
        for (String[] verb : List.of(new String[] {"verify", "shop", "--deep"}, new String[] {"restore", "shop", "--to",
                "restored", "--dry-run"}, new String[] {"drill", "shop", "--to", "scratch"},
                new String[] {"prune", "shop", "--dry-run"})) {
            Run r = onReadOnlyMount(verb);
            assertThat(r.exit).as(String.join(" ", verb) + "\n" + r.out).isZero();
        }
        Run backup = onReadOnlyMount("backup", "shop");
        assertThat(backup.exit).as(backup.out).isEqualTo(2);
        assertThat(backup.out).contains("Read-only file system").contains("attempt=1/3 retry=false")
                .doesNotContain("attempt=2/3");
        Run prune = onReadOnlyMount("prune", "shop");
        assertThat(prune.exit).as(prune.out).isEqualTo(2);
        assertThat(prune.out).contains("cannot delete shop/shop-").contains("Read-only file system");
        assertThat(snapshot()).isEqualTo(before);
    }

    private Run onReadOnlyMount(String... args) throws Exception {
        Path jar = Path.of(System.getProperty("dbbackup.jar", "target/dbbackup.jar")).toAbsolutePath();
        List<String> cmd = new ArrayList<>(List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                "mount --bind -o ro \"$0\" \"$0\" && exec \"$@\"", store.toString(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
                "-c", dir.resolve("config.yaml").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    private String newest() throws IOException {
        try (Stream<Path> s = Files.list(store.resolve("shop"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".pin")).findFirst().orElseThrow()
                    .replace(".pin", "");
        }
    }

    /** Every path under the store with its size and modification time. */
    private List<String> snapshot() throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(store)) {
            for (Path p : s.sorted().toList()) {
                out.add(store.relativize(p) + " " + Files.size(p) + " " + Files.getLastModifiedTime(p).toMillis());
            }
        }
        return out;
    }

    private record Run(int exit, String out) {
    }

    private Run asUid(String... args) throws Exception {
        Path jar = Path.of(System.getProperty("dbbackup.jar", "target/dbbackup.jar")).toAbsolutePath();
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + UID, "--regid=" + UID, "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
                "-c", dir.resolve("config.yaml").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("HOME", dir.resolve("work").toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }
}
