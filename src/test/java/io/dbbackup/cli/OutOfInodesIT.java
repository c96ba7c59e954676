package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.FakeWal;
import io.dbbackup.testkit.Shell;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A file system out of inodes (many small files: WAL segments, sidecars, a busy /tmp) fails a new file with the same
 * "No space left on device" as a full disk, which sent on-call to free gigabytes that were there. On a real one — a tmpfs
 * of 64 MiB with 50 inodes, all used, in a mount namespace of its own ({@code unshare -rm}) — each place dbbackup writes
 * says "no inodes left on MOUNT (… MiB free): too many files", exits 2 and leaves nothing under a final name. A full
 * disk keeps its words ({@link FullDiskIT}), compared here once.
 */
class OutOfInodesIT {
    /** What each error says instead of the bare ENOSPC, with the mount point it names. */
    private static final String NO_INODES = "no inodes left on %s \\(6\\d\\.\\d MiB free\\): too many files; remove files there "
            + "\\(old WAL segments, stale temporary files\\) or move them to another file system — freeing bytes does not help";

    private static final String SEGMENT = "000000010000000000000001";

    @TempDir
    Path dir;
    private Path jar;

    @BeforeEach
    void setUp() throws Exception {
        jar = Path.of(System.getProperty("dbbackup.jar", "target/dbbackup.jar")).toAbsolutePath();
        assertThat(jar).as("the shaded jar (mvn package)").exists();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("shop.db")); Statement st = c.createStatement()) {
            st.execute("create table t(v text)");
            st.execute("insert into t values ('a row')");
        }
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  shop: {engine: sqlite, path: shop.db, compression: zstd}
                  live: {engine: sqlite, path: live/shop.db, database: shop}
                  pg: {engine: postgres, method: physical, cluster: main}
                stores:
                  local: {type: local, path: store}
                jobs:
                  shop: {datasource: shop, store: local}
                  phys: {datasource: pg, store: local, prefix: p, compression: zstd}
                """);
        for (String folder : new String[] {"full", "store", "scratch", "live", "restore", "pg_wal"}) {
            Files.createDirectories(dir.resolve(folder));
        }
    }

    @Test
    void aStoreOutOfInodesIsSaidAsSuchNotAsAFullDisk() throws Exception {
        String out = withoutInodes("store", "", dbbackup("backup shop") + "; echo \"exit=$?\"; echo '-- left:'; "
                + "find store -type f -not -name '.fill*'");

        assertThat(out).contains("exit=2").doesNotContain("No space left on device").containsPattern("local store \\S+/store: "
                + "cannot create \\S+/store/shop/shop-\\d{8}-\\d{6}\\.sqlite\\.zst: " + noInodes("store"));
        assertThat(left(out)).as("nothing stored").isEmpty();
    }

    @Test
    void aScratchFolderOutOfInodesIsSaidAsSuch() throws Exception {
        String out = withoutInodes("scratch", "", "DBBACKUP_TMPDIR=$PWD/scratch " + dbbackup("backup shop")
                + "; echo \"exit=$?\"; echo '-- left:'; find store scratch -type f -not -name '.fill*'");

        assertThat(out).contains("exit=2").doesNotContain("No space left on device").doesNotContain("cannot be written")
                .contains("cannot make a scratch folder for temporary files in " + dir.resolve("scratch") + " ("
                        .concat("no inodes left on ") + dir.resolve("scratch") + " (")
                .contains("freeing bytes does not help): set DBBACKUP_TMPDIR to a folder on a file system with free inodes")
                .doesNotContain("a folder this user can write")
                .containsPattern("backup of sqlite \\S+/shop\\.db failed: \\S+/scratch/dbbackup-\\S+: " + noInodes("scratch"));
        assertThat(left(out)).as("nothing stored, nothing in the scratch folder").isEmpty();
    }

    @Test
    void aSqliteRestoreOntoAFileSystemOutOfInodesSaysSoAndLeavesTheDatabase() throws Exception {
        backup();
        String out = withoutInodes("live", "cp shop.db live/shop.db && ", "before=$(sha256sum < live/shop.db); "
                + dbbackup("restore shop --to live --auto-confirm --no-progress") + "; echo \"exit=$?\"; "
                + "[ \"$before\" = \"$(sha256sum < live/shop.db)\" ] && echo unchanged; echo '-- left:'; "
                + "find live -type f -not -name '.fill*'");

        assertThat(out).contains("exit=2").contains("unchanged").doesNotContain("No space left on device")
                .containsPattern("restore of \\S+ into sqlite \\S+/live/shop\\.db failed: cannot create the restore's lock file "
                        + "\\S+/live/\\.dbbackup-restore-shop\\.db\\.\\S+\\.lock: " + noInodes("live") + "; nothing was restored: "
                        + "SQLite database " + Pattern.quote(dir.resolve("live/shop.db").toString()) + " is unchanged");
        assertThat(left(out)).as("the database alone").containsExactly("live/shop.db");
    }

    @Test
    void aDownloadIntoAFileSystemOutOfInodesSaysSo() throws Exception {
        backup();
        String out = withoutInodes("restore", "", dbbackup("download shop -o restore/ --no-progress")
                + "; echo \"exit=$?\"; echo '-- left:'; find restore -type f -not -name '.fill*'");

        assertThat(out).contains("exit=2").doesNotContain("No space left on device")
                .containsPattern("error: download of \\S+ failed: \\S+/restore/\\.shop-\\S+\\.dbbackup-tmp-\\S+: " + noInodes("restore"));
        assertThat(left(out)).as("no file left, not even the temporary one").isEmpty();
    }

    @Test
    void aWalFetchIntoAPgWalOutOfInodesSaysSo() throws Exception {
        String out = withoutInodes("pg_wal", "", dbbackup("wal-fetch --job phys " + archived() + " pg_wal/RECOVERYXLOG")
                + "; echo \"exit=$?\"; echo '-- left:'; find pg_wal -type f -not -name '.fill*'");

        assertThat(out).contains("exit=2").doesNotContain("No space left on device").containsPattern("cannot fetch "
                + SEGMENT + " from local \\S+: \\S+/pg_wal/\\.RECOVERYXLOG\\.dbbackup-\\S+: " + noInodes("pg_wal"));
        assertThat(left(out)).as("no RECOVERYXLOG, whole or partial").isEmpty();
    }

    /**
     * For comparison, a pg_wal whose bytes run out during a fetch: a full disk, exit 2. The failed write used to be taken
     * for the archived file not decoding: "… is corrupt: it does not decode as zstd: No space left on device", exit 3,
     * which says the archive is damaged.
     */
    @Test
    void aWalFetchIntoAFullPgWalIsAFullDiskNotADamagedArchive() throws Exception {
        Shell.Result r = Shell.run(dir, "unshare", "-rm", "bash", "-c", "set -u; mount -t tmpfs -o size=256k tmpfs pg_wal && "
                + dbbackup("wal-fetch --job phys " + archived() + " pg_wal/RECOVERYXLOG") + "; echo \"exit=$?\"; "
                + "echo '-- left:'; find pg_wal -type f");

        assertThat(r.output()).contains("exit=2").doesNotContain("corrupt").doesNotContain("no inodes")
                .containsPattern("cannot fetch " + SEGMENT + " from local \\S+: cannot write \\S+/pg_wal/\\.RECOVERYXLOG"
                        + "\\.dbbackup-\\S+: No space left on device");
        assertThat(left(r.output())).as("no RECOVERYXLOG, whole or partial").isEmpty();
    }

    /** Archives a 1 MiB WAL segment with the physical job; returns its name. */
    private String archived() throws Exception {
        Path wal = Files.createDirectories(dir.resolve("wal")).resolve(SEGMENT);
        Files.write(wal, FakeWal.segment(SEGMENT, 1 << 20, 1));
        Cli.Result push = new Cli().workingDir(dir).run("-q", "-c", "config.yaml", "wal-push", "--job", "phys", "wal/" + SEGMENT,
                SEGMENT);
        assertThat(push.exit()).as(push.toString()).isZero();
        return SEGMENT;
    }

    /**
     * A {@code java -jar} run unpacks the zstd library into java.io.tmpdir; with that out of inodes it said "which is full
     * (65536 KiB free); free space there": a full folder with 64 MiB free.
     */
    @Test
    void aJavaTempFolderOutOfInodesIsSaidAsSuchWhenANativeLibraryDoesNotLoad() throws Exception {
        Path alone = Files.createDirectories(dir.resolve("jar")).resolve("dbbackup.jar");
        Files.copy(jar, alone); // no dbbackup.native beside it: the libraries unpack into java.io.tmpdir
        String out = withoutInodes("full", "", "DBBACKUP_TMPDIR=$PWD/scratch " + Path.of(System.getProperty("java.home"), "bin",
                "java") + " -XX:+UseSerialGC -Djava.io.tmpdir=$PWD/full -jar " + alone + " -q -c config.yaml backup shop; "
                + "echo \"exit=$?\"; echo '-- left:'; find store -type f");

        assertThat(out).contains("exit=2").doesNotContain("which is full").containsPattern("cannot load the zstd native "
                + "library: it is unpacked into java.io.tmpdir \\S+/full: " + noInodes("full") + "; or run dbbackup through "
                + "bin/dbbackup or the container image");
        assertThat(left(out)).as("nothing stored").isEmpty();
    }

    /** For comparison: a disk whose bytes are used up keeps the system's words, and names no inodes. */
    @Test
    void aFullDiskIsStillSaidAsAFullDisk() throws Exception {
        Shell.Result r = Shell.run(dir, "unshare", "-rm", "bash", "-c", "set -u; mount -t tmpfs -o size=64k tmpfs store && "
                + "head -c 65536 /dev/zero > store/.fill 2> /dev/null; " + dbbackup("backup shop") + "; echo \"exit=$?\"");

        assertThat(r.output()).contains("exit=2").doesNotContain("no inodes")
                .containsPattern("local store \\S+/store: cannot write \\S+/store/shop/\\S+: No space left on device");
    }

    private void backup() {
        Cli.Result backup = new Cli().workingDir(dir).run("-q", "-c", "config.yaml", "backup", "shop");
        assertThat(backup.exit()).as(backup.toString()).isZero();
    }

    /**
     * Runs {@code script} in {@code dir} with {@code folder} replaced by a tmpfs of 64 MiB and 50 inodes, in a mount
     * namespace of its own: {@code before} runs first, then files are made there until no inode is left.
     */
    private String withoutInodes(String folder, String before, String script) {
        Shell.Result r = Shell.run(dir, "unshare", "-rm", "bash", "-c", "set -u; mount -t tmpfs -o size=64m,nr_inodes=50 tmpfs "
                + folder + " && " + before + "i=0; while touch " + folder + "/.fill$i 2> /dev/null; do i=$((i+1)); done; "
                + "[ \"$(df -P -i " + folder + " | awk 'NR==2 {print $4}')\" = 0 ] && echo 'no inode left' && " + script);
        assertThat(r.output()).as("unshare and mount (user namespaces must be on for a non-root user)")
                .doesNotContain("unshare:").doesNotContain("mount:").contains("no inode left");
        return r.output();
    }

    private String noInodes(String folder) {
        return NO_INODES.formatted(Pattern.quote(dir.resolve(folder).toString()));
    }

    private static java.util.List<String> left(String out) {
        return out.substring(out.indexOf("-- left:")).lines().skip(1).toList();
    }

    private String dbbackup(String args) {
        return Path.of(System.getProperty("java.home"), "bin", "java") + " -XX:+UseSerialGC -jar " + jar + " -q -c config.yaml " + args;
    }
}
