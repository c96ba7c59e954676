package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.MariaDbServer;
import io.dbbackup.testkit.PostgresServer;
import io.dbbackup.testkit.Shell;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The night the disk fills up, on a real full file system: a small tmpfs mounted in a private mount
 * namespace ({@code unshare -rm}: as root, or as any user where user namespaces are on), with the
 * shaded jar run inside it. The backup fails with exit 2, says which folder is full, leaves nothing
 * partial, and retention does not run.
 */
class FullDiskIT {
    @TempDir
    Path dir;
    private Path jar;

    @BeforeEach
    void databases() throws Exception {
        jar = Path.of(System.getProperty("dbbackup.jar", "target/dbbackup.jar")).toAbsolutePath();
        assertThat(jar).as("the shaded jar (mvn package)").exists();
        Files.createDirectories(dir.resolve("small"));
        Files.createDirectories(dir.resolve("large"));
        blobs(dir.resolve("small/shop.db"), 4);
        blobs(dir.resolve("large/shop.db"), 2_000); // ~8 MiB that does not compress
        Files.createDirectories(dir.resolve("store"));
        Files.createDirectories(dir.resolve("scratch"));
    }

    @Test
    void aFullStoreFailsTheBackupNamingTheStoreAndKeepsWhatWasThere() throws Exception {
        // an earlier backup of the job, made where there was room; retention (keep_last: 1, backup --prune)
        // would delete it if it ran after the failed one
        Files.writeString(dir.resolve("earlier.yaml"), config("small/shop.db", "earlier-store"));
        Cli.Result earlier = new Cli().workingDir(dir)
                .clock(Clock.fixed(Instant.parse("2026-01-01T03:00:00Z"), ZoneOffset.UTC))
                .run("-q", "-c", "earlier.yaml", "backup", "shop");
        assertThat(earlier.exit()).as(earlier.toString()).isZero();
        Files.writeString(dir.resolve("config.yaml"), config("large/shop.db", "store"));

        String out = inFullNamespace("store", "2m", "cp -a earlier-store/. store/ && " + dbbackup("backup --prune shop")
                + "; echo \"exit=$?\"; echo '-- store:'; cd store && find . -type f | sort");

        assertThat(out).contains("exit=2")
                .containsPattern("local store \\S+/store: cannot write \\S+/store/shop/shop-\\d{8}-\\d{6}\\.sqlite\\.zst: "
                        + "No space left on device");
        String listing = out.substring(out.indexOf("-- store:"));
        try (Stream<Path> files = Files.walk(dir.resolve("earlier-store"))) {
            String[] before = files.filter(Files::isRegularFile)
                    .map(p -> "./" + dir.resolve("earlier-store").relativize(p)).sorted().toArray(String[]::new);
            assertThat(before).as("artifact, .sha256 and manifest of the earlier backup").hasSize(3);
            assertThat(listing.lines().skip(1).toList()).as("nothing partial, and retention did not run")
                    .containsExactly(before);
        }
    }

    /**
     * A backup small enough to sit in the store's write buffer fills the disk only on the last flush, at commit. That
     * failure used to hang the run for ever (the stage below had already taken its end marker), deaf to its timeout and
     * to SIGTERM, with no notification: it must fail like any other full disk, at once.
     */
    @Test
    void aDiskThatFillsOnTheLastFlushFailsTheBackupInsteadOfHangingIt() throws Exception {
        Files.createDirectories(dir.resolve("medium"));
        blobs(dir.resolve("medium/shop.db"), 12); // ~50 KiB stored: more than the tmpfs, less than the write buffer
        Files.writeString(dir.resolve("config.yaml"), config("medium/shop.db", "store"));

        String out = inFullNamespace("store", "32k", "timeout -s KILL 60 " + dbbackup("backup shop")
                + "; echo \"exit=$?\"; echo '-- store:'; find store -type f | sort");

        assertThat(out).as("failed, not killed by the timeout").contains("exit=2").contains("No space left on device");
        assertThat(out.substring(out.indexOf("-- store:")).lines().skip(1)).as("nothing partial left").isEmpty();
    }

    @Test
    void aFullScratchFolderIsSaidAsSuchNotAsAnUnreadableDatabase() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), config("large/shop.db", "store"));

        String out = inFullNamespace("scratch", "1m", "DBBACKUP_TMPDIR=$PWD/scratch " + dbbackup("backup shop")
                + "; echo \"exit=$?\"; echo '-- left:'; find store scratch -type f | sort");

        assertThat(out).contains("exit=2")
                .containsPattern("no room for the snapshot of SQLite database \\S+/large/shop\\.db in the scratch folder "
                        + "\\S+/scratch/\\S+ \\((0\\.9|1\\.0) MiB free there, the database is \\d\\.\\d MiB\\): free space there or point "
                        + "DBBACKUP_TMPDIR at a folder with room for the database")
                .doesNotContain("cannot read SQLite database");
        assertThat(out.substring(out.indexOf("-- left:")).lines().skip(1)).as("no snapshot left, nothing stored").isEmpty();
    }

    /**
     * A copy job whose local store fills up: the job's words name the store ({@code copy of KEY to local PATH failed}),
     * and the store's named it again ({@code local store PATH: cannot write …}). The store is said once: the job's words
     * name it, the store's the file, and so the disk.
     */
    @Test
    void aCopyIntoAFullStoreNamesTheStoreOnce() throws Exception {
        // the copy job after the source job, its store beside the source's
        Files.writeString(dir.resolve("config.yaml"), config("large/shop.db", "store")
                .replace("stores:\n", "stores:\n  full: {type: local, path: full}\n") + "  offsite: {copy_of: shop, store: full}\n");
        Files.createDirectories(dir.resolve("full"));
        Cli.Result backup = new Cli().workingDir(dir).clock(Clock.fixed(Instant.parse("2026-01-01T03:00:00Z"), ZoneOffset.UTC))
                .run("-q", "-c", "config.yaml", "backup", "shop");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        String key;
        try (Stream<Path> s = Files.list(dir.resolve("store/shop"))) {
            key = s.map(p -> "shop/" + p.getFileName()).filter(k -> k.endsWith(".sqlite.zst")).findFirst().orElseThrow();
        }

        String out = inFullNamespace("full", "2m", dbbackup("backup offsite --no-progress") + "; echo \"exit=$?\"");

        String full = java.util.regex.Pattern.quote(dir.resolve("full").toString());
        assertThat(out).contains("exit=2").containsPattern("FAILED +1 +\\S+ +- +copy of " + java.util.regex.Pattern.quote(key) + " to local "
                + full + " failed: cannot write " + full + "/shop/\\S+: No space left on device")
                .doesNotContain("local store " + dir.resolve("full"));
    }

    /**
     * {@code keygen -o key.txt} on a full disk fails (exit 2) and leaves no empty key file behind: one left would make the
     * same command, once there is room, refuse with "already exists; not overwriting a key file".
     */
    @Test
    void aKeyThatDoesNotFitLeavesNoEmptyKeyFileSoTheRetryWorks() throws Exception {
        Files.createDirectories(dir.resolve("keys"));
        String keygen = Path.of(System.getProperty("java.home"), "bin", "java") + " -jar " + jar + " keygen -o keys/key.txt";

        String out = inFullNamespace("keys", "4k", "head -c 4096 /dev/zero > keys/fill 2> /dev/null; " + keygen
                + "; echo \"exit=$?\"; rm keys/fill; " + keygen + "; echo \"retry=$?\"; grep -c AGE-SECRET-KEY-1 keys/key.txt");

        assertThat(out).contains("error: cannot write keys/key.txt: No space left on device").contains("exit=2")
                .doesNotContain("already exists").contains("retry=0").contains("Public key: age1");
        assertThat(out.strip()).as("the retry's key file holds the key").endsWith("\n1");
    }

    /**
     * {@code download} into a folder on a disk that fills up: exit 2, the error names the file it could not write (and so
     * the disk), and nothing is left there, neither under the final name nor the temporary one. It used to say "download of
     * KEY failed: No space left on device" alone, naming neither.
     */
    @Test
    void aDownloadOntoAFullDiskNamesTheFileAndLeavesNothing() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), config("large/shop.db", "store"));
        Cli.Result backup = new Cli().workingDir(dir).run("-q", "-c", "config.yaml", "backup", "shop");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        Files.createDirectories(dir.resolve("restore"));

        String out = inFullNamespace("restore", "1m", dbbackup("download shop -o restore/ --no-progress")
                + "; echo \"exit=$?\"; echo '-- left:'; find restore -type f");

        assertThat(out).contains("exit=2").containsPattern("error: download of \\S+ failed: cannot write "
                + java.util.regex.Pattern.quote(dir.resolve("restore").toString()) + "/\\.shop-\\S+\\.dbbackup-tmp-\\S+: "
                + "No space left on device");
        assertThat(out.substring(out.indexOf("-- left:")).lines().skip(1)).as("no file left, not even the temporary one").isEmpty();
    }

    @Test
    void aSqliteRestoreOntoAFullDiskSaysTheLiveDatabaseIsUnchanged() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), config("large/shop.db", "store").replace("datasources:\n",
                "datasources:\n  live: {engine: sqlite, path: live/shop.db, database: shop}\n"));
        Cli.Result backup = new Cli().workingDir(dir).run("-q", "-c", "config.yaml", "backup", "shop");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        blobs(dir.resolve("small/live.db"), 4); // the live database the restore would replace
        String before = Shell.sh(dir, "sha256sum small/live.db | cut -c1-64").strip();
        Files.createDirectories(dir.resolve("live"));

        String out = inFullNamespace("live", "1m", "cp small/live.db live/shop.db && " + dbbackup("restore shop --to live "
                + "--auto-confirm --no-progress") + "; echo \"exit=$?\"; echo \"sha=$(sha256sum live/shop.db | cut -c1-64)\"; "
                + "echo '-- left:'; ls -A live");

        assertThat(out).contains("exit=2").contains("No space left on device")
                .containsPattern("cannot write " + java.util.regex.Pattern.quote(dir.resolve("live").toString())
                        + "/\\.dbbackup-restore-shop\\.db\\.\\S+")
                .contains("nothing was restored: SQLite database " + dir.resolve("live/shop.db") + " is unchanged")
                .contains("sha=" + before);
        assertThat(out.substring(out.indexOf("-- left:")).lines().skip(1)).as("no temporary copy left").containsExactly("shop.db");
    }

    /**
     * A full scratch folder (DBBACKUP_TMPDIR, else java.io.tmpdir: often a small /tmp) fails a PostgreSQL backup and a
     * MariaDB one at the password file their tools read. Both said "failed: No space left on device" alone, which reads as
     * the backup store being full: the error names the file, what it is for and where its folder comes from.
     */
    @Test
    void aFullScratchFolderFailsAPostgresBackupNamingThePasswordFile() throws Exception {
        try (PostgresServer pg = PostgresServer.start()) {
            pg.writePasswordFile(dir.resolve("pgpass"));
            Files.writeString(dir.resolve("config.yaml"), """
                    datasources:
                      app: {engine: postgres, host: %s, port: %d, user: %s, password_file: %s, database: postgres}
                    stores:
                      local: {type: local, path: store}
                    jobs:
                      app: {datasource: app, store: local}
                    """.formatted(pg.host(), pg.port(), pg.user(), dir.resolve("pgpass")));

            String out = inFullNamespace("scratch", "4k", "head -c 4096 /dev/zero > scratch/fill 2> /dev/null; "
                    + "DBBACKUP_TMPDIR=$PWD/scratch " + dbbackup("backup app") + "; echo \"exit=$?\"; echo '-- left:'; "
                    + "find store scratch -type f | sort");

            assertThat(out).contains("exit=2").containsPattern("backup of postgres \\S+ failed: cannot write the password "
                    + "file for the PostgreSQL tools " + java.util.regex.Pattern.quote(dir.resolve("scratch").toString())
                    + "/dbbackup-\\S+/pgpass-\\S+: No space left on device \\(dbbackup's scratch folder, set by "
                    + "DBBACKUP_TMPDIR, else java\\.io\\.tmpdir\\)");
            assertThat(out.substring(out.indexOf("-- left:")).lines().skip(1)).as("nothing stored, no scratch file left")
                    .containsExactly("scratch/fill");
        }
    }

    @Test
    void aFullScratchFolderFailsAMariaDbBackupNamingTheOptionFile() throws Exception {
        try (MariaDbServer db = MariaDbServer.start()) {
            db.createDatabase("shop");
            Files.writeString(dir.resolve("dbpass"), db.password() + "\n");
            Files.setPosixFilePermissions(dir.resolve("dbpass"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            Files.writeString(dir.resolve("config.yaml"), """
                    datasources:
                      shop: {engine: mariadb, host: 127.0.0.1, port: %d, user: %s, password_file: %s, database: shop}
                    stores:
                      local: {type: local, path: store}
                    jobs:
                      shop: {datasource: shop, store: local}
                    """.formatted(db.port(), db.user(), dir.resolve("dbpass")));

            String out = inFullNamespace("scratch", "4k", "head -c 4096 /dev/zero > scratch/fill 2> /dev/null; "
                    + "DBBACKUP_TMPDIR=$PWD/scratch " + dbbackup("backup shop") + "; echo \"exit=$?\"; echo '-- left:'; "
                    + "find store scratch -type f | sort");

            assertThat(out).contains("exit=2").containsPattern("failed: cannot write the option file for the MySQL/MariaDB "
                    + "tools " + java.util.regex.Pattern.quote(dir.resolve("scratch").toString()) + "/dbbackup-\\S+/my-\\S+\\.cnf: "
                    + "No space left on device \\(dbbackup's scratch folder, set by DBBACKUP_TMPDIR, else java\\.io\\.tmpdir\\)");
            assertThat(out.substring(out.indexOf("-- left:")).lines().skip(1)).as("nothing stored, no scratch file left")
                    .containsExactly("scratch/fill");
        }
    }

    /**
     * {@code verify --deep} of a SQLite backup writes the whole database into the scratch folder; a full one said
     * "verification of KEY failed: No space left on device" alone — the backup's store? the backup itself? It names the
     * copy it could not write, says where that folder comes from, leaves nothing there and keeps the sound backup.
     */
    @Test
    void aDeepVerifyWithAFullScratchFolderNamesItAndKeepsTheBackup() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), config("large/shop.db", "store"));
        Cli.Result backup = new Cli().workingDir(dir).run("-q", "-c", "config.yaml", "backup", "shop");
        assertThat(backup.exit()).as(backup.toString()).isZero();

        String out = inFullNamespace("scratch", "1m", "DBBACKUP_TMPDIR=$PWD/scratch " + dbbackup("verify shop --deep")
                + "; echo \"exit=$?\"; echo '-- left:'; find store scratch -type f | sort");

        assertThat(out).contains("exit=2").containsPattern("cannot write the copy of the backup "
                + java.util.regex.Pattern.quote(dir.resolve("scratch").toString()) + "/dbbackup-\\S+/verify-\\S+\\.sqlite: No "
                + "space left on device \\(dbbackup's scratch folder, set by DBBACKUP_TMPDIR, else java\\.io\\.tmpdir\\)");
        assertThat(out.substring(out.indexOf("-- left:")).lines().skip(1)).as("the backup kept, no copy left")
                .hasSize(3).allMatch(line -> line.startsWith("store/shop/"));
    }

    /**
     * {@code verify: deep} of a base backup extracts the cluster into the scratch folder; one too small for it made the
     * check fail, the read-back's second read fail the same way, and the sound backup was deleted ("removed the backup
     * that failed verification", exit 2): the night left without a backup for a lack of scratch space. A check that
     * cannot run here never removes a backup: a warning names the file it could not write, the read-back checks the
     * stored bytes instead, and the backup stays.
     */
    @Test
    void aDeepCheckWithoutRoomInTheScratchFolderKeepsTheBaseBackup() throws Exception {
        try (PostgresServer pg = PostgresServer.start()) {
            pg.writePasswordFile(dir.resolve("pgpass"));
            Files.writeString(dir.resolve("config.yaml"), """
                    datasources:
                      cl: {engine: postgres, method: physical, cluster: main, host: %s, port: %d, user: %s, password_file: %s}
                    stores:
                      local: {type: local, path: store}
                    jobs:
                      cl: {datasource: cl, store: local, compression: zstd, verify: deep}
                    """.formatted(pg.host(), pg.port(), pg.user(), dir.resolve("pgpass")));

            String out = inFullNamespace("scratch", "4m", "DBBACKUP_TMPDIR=$PWD/scratch " + dbbackup("backup cl")
                    + "; echo \"exit=$?\"; echo '-- left:'; find store scratch -type f | sort");

            assertThat(out).contains("exit=0").doesNotContain("removed the backup")
                    .contains("verify: deep cannot check this backup; reading it back instead")
                    .containsPattern("cannot write " + java.util.regex.Pattern.quote(dir.resolve("scratch").toString())
                            + "/dbbackup-\\S+/verify-main/\\S+: No space left on device \\(dbbackup's scratch folder, set by "
                            + "DBBACKUP_TMPDIR, else java\\.io\\.tmpdir\\)");
            assertThat(out.substring(out.indexOf("-- left:")).lines().skip(1)).as("the backup kept, nothing in the scratch folder")
                    .hasSize(3).allMatch(line -> line.startsWith("store/main/"));
        }
    }

    /**
     * A {@code java -jar} run (no native folder beside the jar) unpacks the zstd and SQLite libraries into java.io.tmpdir
     * at start. With that folder full, a SQLite backup said "cannot read SQLite database …: Error opening connection"
     * (sending the on-call person to the database) and a zstd one "ExceptionInInitializerError: Cannot unpack
     * libzstd-jni-…: No space left on device" (which disk?). Both now name the library, the folder and the fixes.
     */
    @Test
    void aFullJavaTempFolderIsSaidAsTheReasonANativeLibraryDidNotLoad() throws Exception {
        Path alone = Files.createDirectories(dir.resolve("jar")).resolve("dbbackup.jar");
        Files.copy(jar, alone); // no dbbackup.native beside it: the libraries unpack into java.io.tmpdir
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  shop: {engine: sqlite, path: small/shop.db, compression: zstd}
                  plain: {engine: sqlite, path: small/shop.db, compression: gzip}
                stores:
                  local: {type: local, path: store}
                jobs:
                  shop: {datasource: shop, store: local}
                  plain: {datasource: plain, store: local, prefix: plain}
                """);
        Files.createDirectories(dir.resolve("jtmp"));
        String run = Path.of(System.getProperty("java.home"), "bin", "java") + " -XX:+UseSerialGC -Djava.io.tmpdir=$PWD/jtmp -jar "
                + alone + " -q -c config.yaml ";

        String out = inFullNamespace("jtmp", "64k", "head -c 65536 /dev/zero > jtmp/fill 2> /dev/null; "
                + "DBBACKUP_TMPDIR=$PWD/scratch " + run + "backup shop; echo \"zstd=$?\"; "
                + "DBBACKUP_TMPDIR=$PWD/scratch " + run + "backup plain; echo \"sqlite=$?\"; echo '-- left:'; find store -type f");

        String fix = "which is full \\(\\d+ KiB free\\); free space there, or run dbbackup through bin/dbbackup or the container "
                + "image, which load it from " + java.util.regex.Pattern.quote(dir.resolve("jar/dbbackup.native").toString());
        String tmp = java.util.regex.Pattern.quote(dir.resolve("jtmp").toString());
        assertThat(out).contains("zstd=2").contains("sqlite=2").doesNotContain("Error opening connection")
                .containsPattern("cannot load the zstd native library: it is unpacked into java.io.tmpdir " + tmp + ", " + fix)
                .containsPattern("cannot load the SQLite native library: it is unpacked into java.io.tmpdir " + tmp + ", " + fix)
                .contains("or point -Djava.io.tmpdir at a folder with room");
        assertThat(out.substring(out.indexOf("-- left:")).lines().skip(1)).as("nothing stored").isEmpty();
    }

    /** Runs {@code script} in {@code dir} with {@code folder} replaced by a tmpfs of {@code size}, in a mount namespace of its own. */
    private String inFullNamespace(String folder, String size, String script) {
        Shell.Result r = Shell.run(dir, "unshare", "-rm", "bash", "-c",
                "set -u; mount -t tmpfs -o size=" + size + " tmpfs " + folder + " && " + script);
        assertThat(r.output()).as("unshare and mount (user namespaces must be on for a non-root user)")
                .doesNotContain("unshare:").doesNotContain("mount:");
        return r.output();
    }

    private String dbbackup(String args) {
        return Path.of(System.getProperty("java.home"), "bin", "java") + " -XX:+UseSerialGC -jar " + jar + " -q -c config.yaml " + args;
    }

    private static String config(String database, String store) {
        return """
                datasources:
                  shop: {engine: sqlite, path: %s, compression: zstd}
                stores:
                  local: {type: local, path: %s}
                jobs:
                  shop: {datasource: shop, store: local, retention: {keep_last: 1}}
                """.formatted(database, store);
    }

    /** {@code rows} random 4 KiB blobs: SQLite pages that zstd cannot shrink. */
    private static void blobs(Path file, int rows) throws Exception {
        Random random = new Random(42);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            st.execute("create table t(b blob)");
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("insert into t values (?)")) {
                for (int i = 0; i < rows; i++) {
                    byte[] b = new byte[4096]; // one per row: a batch may keep a reference until it runs
                    random.nextBytes(b);
                    ps.setBytes(1, b);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
        }
    }
}
