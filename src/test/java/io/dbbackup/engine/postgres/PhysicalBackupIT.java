package io.dbbackup.engine.postgres;

import io.dbbackup.core.Json;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.PostgresServer;
import io.dbbackup.testkit.Shell;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11 on one real cluster that archives its WAL through the built CLI: a physical base backup, its
 * facts in {@code list}, a plain restore that starts at the backup's end state.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PhysicalBackupIT {
    PhysicalCluster c;
    Cli cli;
    String backupKey;
    String targetTime;
    String segmentWithAAndB;

    @BeforeAll
    void start() throws Exception {
        c = PhysicalCluster.archivingToLocalStore("pitr");
        cli = new Cli().workingDir(c.work);
        c.pg.execute("postgres", "create table t(id serial primary key, batch text not null)");
    }

    @AfterAll
    void stop() {
        if (c != null) {
            c.close();
        }
    }

    private Cli.Result run(String... args) {
        return runWith(c.config, args);
    }

    private Cli.Result runWith(Path config, String... args) {
        String[] full = new String[args.length + 2];
        full[0] = "-c";
        full[1] = config.toString();
        System.arraycopy(args, 0, full, 2, args.length);
        return cli.run(full);
    }

    @Test
    @Order(1)
    void baseBackupIsOneTarStreamWithItsWalFacts() throws Exception {
        Cli.Result r = run("backup", "phys");
        assertThat(r.exit()).as(r.toString()).isZero();
        Cli.Result list = run("list", "phys", "--json");
        assertThat(list.exit()).as(list.toString()).isZero();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> entries = (List<Map<String, Object>>) Json.parse(list.out());
        assertThat(entries).hasSize(1);
        Map<String, Object> e = entries.get(0);
        backupKey = (String) e.get("key");
        assertThat(backupKey).matches("pitr/main/main-\\d{8}-\\d{6}\\.tar\\.zst");
        String systemId = c.pg.queryOne("postgres", "select system_identifier::text from pg_control_system()");
        assertThat(e).containsEntry("system_identifier", systemId).containsEntry("timeline", "1")
                .containsEntry("server_version", c.pg.queryOne("postgres", "show server_version").split(" ")[0]);
        assertThat((String) e.get("start_lsn")).matches("[0-9A-F]+/[0-9A-F]+");
        assertThat((String) e.get("end_lsn")).matches("[0-9A-F]+/[0-9A-F]+");

        Cli.Result table = run("list", "phys");
        assertThat(table.out()).contains("START_LSN").contains("END_LSN").contains("SYSTEM_IDENTIFIER").contains(systemId)
                .contains(backupKey);

        // the stored artifact is a plain zstd'd tar that standard tools read, holding the manifest and the WAL
        Path artifact = c.work.resolve("store").resolve(backupKey);
        String names = Shell.sh(c.work, "zstd -dc '" + artifact + "' | tar -t");
        assertThat(names).contains("backup_label").contains("backup_manifest").contains("global/pg_control")
                .containsPattern("pg_wal/[0-9A-F]{24}");
        Map<?, ?> manifest = (Map<?, ?>) Json.parse(Files.readString(c.work.resolve("store").resolve(backupKey + ".manifest.json")));
        assertThat(manifest.get("format")).isEqualTo("tar");
        assertThat(((Map<?, ?>) manifest.get("facts")).get("method")).isEqualTo("physical");

        // show's restore command for a base backup names the folder a physical restore needs
        Cli.Result show = run("show", "phys");
        assertThat(show.exit()).as(show.toString()).isZero();
        assertThat(show.out()).containsPattern("\nrestore     dbbackup -c \\S+ restore phys main-\\d{8}-\\d{6}\\.tar\\.zst --pgdata DIR\n");
    }

    @Test
    @Order(2)
    void archiveCommandPushesEverySegmentAndTheBackupHistoryFile() throws Exception {
        c.pg.execute("postgres", "insert into t(batch) select 'warmup' from generate_series(1, 10); truncate t");
        String segment = c.switchWal();
        c.awaitArchived(segment, java.time.Duration.ofSeconds(60));
        Path walRoot = c.work.resolve("store/pitr/main/wal");
        List<Path> archived;
        try (var s = Files.walk(walRoot)) {
            archived = s.filter(Files::isRegularFile).sorted().toList();
        }
        assertThat(archived).extracting(p -> p.getFileName().toString())
                .anyMatch(n -> n.matches(segment + "-[0-9a-f]{64}\\.zst"))
                .anyMatch(n -> n.matches("[0-9A-F]{24}\\.[0-9A-F]{8}\\.backup-[0-9a-f]{64}\\.zst"));
        // the digest in the name is the digest of the segment as PostgreSQL wrote it; zstd reads the object
        Path obj = archived.stream().filter(p -> p.getFileName().toString().startsWith(segment + "-")).findFirst().orElseThrow();
        assertThat(obj.getParent().getFileName().toString()).isEqualTo(segment.substring(0, 16));
        String sha = Shell.sh(c.work, "zstd -dc '" + obj + "' | sha256sum").split(" ")[0];
        assertThat(obj.getFileName().toString()).isEqualTo(segment + "-" + sha + ".zst");
        assertThat(c.pg.serverLog()).contains("wal archived").contains("file=" + segment);

        // fetch: byte-identical, atomically into the destination
        Path fetchDir = Files.createDirectories(c.work.resolve("fetch"));
        Cli.Result f = run("wal-fetch", "--job", "phys", segment, fetchDir.resolve("RECOVERYXLOG").toString());
        assertThat(f.exit()).as(f.toString()).isZero();
        assertThat(Shell.ok(fetchDir, "sha256sum", "RECOVERYXLOG").split(" ")[0]).isEqualTo(sha);
        assertThat(Files.size(fetchDir.resolve("RECOVERYXLOG"))).isEqualTo(16L << 20);

        // push again, same content: ok; different content under the same name: refused, archive untouched
        Cli.Result again = run("wal-push", "--job", "phys", fetchDir.resolve("RECOVERYXLOG").toString(), segment);
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(again.err()).contains("already archived");
        Path other = fetchDir.resolve("other");
        Files.write(other, new byte[16 << 20]);
        long before = Files.size(obj);
        Cli.Result clash = run("wal-push", "--job", "phys", other.toString(), segment);
        assertThat(clash.exit()).as(clash.toString()).isEqualTo(3);
        assertThat(clash.err()).contains(segment + " is already archived with different content").contains("refusing to overwrite");
        assertThat(Files.size(obj)).isEqualTo(before);
        try (var s = Files.walk(walRoot)) {
            assertThat(s.filter(p -> p.getFileName().toString().startsWith(segment + "-")).count()).isEqualTo(1);
        }

        // fetch of something never archived: exit 1, destination not written
        Cli.Result missing = run("wal-fetch", "--job", "phys", "00000001000000FF00000001", fetchDir.resolve("X").toString());
        assertThat(missing.exit()).as(missing.toString()).isEqualTo(1);
        assertThat(missing.err()).contains("wal-fetch: 00000001000000FF00000001 is not in the archive").doesNotContain("error:");
        assertThat(fetchDir.resolve("X")).doesNotExist();
        Cli.Result history = run("wal-fetch", "--job", "phys", "00000002.history", fetchDir.resolve("Y").toString());
        assertThat(history.exit()).as(history.toString()).isEqualTo(1);
        Cli.Result bad = run("wal-push", "--job", "phys", other.toString(), "../../etc/passwd");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("is not a WAL file name");
        try (var s = Files.list(fetchDir)) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly("RECOVERYXLOG", "other");
        }
    }

    @Test
    @Order(3)
    void plainRestoreStartsAtTheBackupsEnd() throws Exception {
        c.pg.execute("postgres", "insert into t(batch) select 'after' from generate_series(1, 10)");
        Path dir = c.restoreDir("plain");
        Cli.Result r = run("restore", "phys", "--pgdata", dir.resolve("data").toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        Path data = dir.resolve("data");
        assertThat(data.resolve("recovery.signal")).doesNotExist();
        assertThat(Files.readString(data.resolve("postgresql.auto.conf"))).doesNotContain("restore_command")
                .doesNotContain("archive_mode");
        // the source archives (archive_mode = 'on' in its postgresql.conf): the copy would too, on the source's timeline
        assertThat(r.err()).contains("the restored cluster will archive WAL (archive_mode = 'on' in postgresql.conf)")
                .contains("--archive-mode off");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
        try (PostgresServer restored = c.startRestored(dir)) {
            assertThat(c.rows(restored)).isEmpty();
            assertThat(restored.queryOne("postgres", "select to_regclass('t') is not null")).isEqualTo("t");
        }
    }

    @Test
    @Order(4)
    void aCloneRestoredWithArchiveModeOffStartsBesideTheSourceWithoutArchiving() throws Exception {
        Path dir = c.restoreDir("clone-no-archiving");
        Cli.Result r = run("restore", "phys", "--pgdata", dir.resolve("data").toString(), "--archive-mode", "off");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).doesNotContain("will archive WAL");
        assertThat(r.out()).contains("archive_mode = 'off' appended to postgresql.auto.conf");
        assertThat(dir.resolve("data/recovery.signal")).doesNotExist();
        assertThat(Files.readString(dir.resolve("data/postgresql.auto.conf")))
                .containsPattern("# added by dbbackup restore --archive-mode off at .*\narchive_mode = 'off'\n$");
        // started with the restored settings alone (nothing on the command line about archiving), beside the source
        try (PostgresServer clone = PostgresServer.startRestored(dir, PostgresServer.DEFAULT_VERSION, c.pg.password(),
                Map.of("hot_standby", "off"))) {
            assertThat(clone.queryOne("postgres", "show archive_mode")).isEqualTo("off");
            clone.execute("postgres", "create table clone_only(i int); insert into clone_only select generate_series(1, 1000)");
            clone.queryOne("postgres", "select pg_walfile_name(pg_switch_wal())");
            c.pg.execute("postgres", "create table if not exists source_side(i int); insert into source_side values (1)");
            c.awaitArchived(c.switchWal(), java.time.Duration.ofSeconds(60));
            assertThat(c.pg.queryOne("postgres", "select failed_count::text from pg_stat_archiver"))
                    .as("the source's archiving never failed").isEqualTo("0");
            assertThat(clone.queryOne("postgres", "select archived_count || '/' || failed_count from pg_stat_archiver"))
                    .isEqualTo("0/0");
        }
    }

    @Test
    @Order(4)
    void restoreRefusesANonEmptyDirectory() throws Exception {
        Path dir = c.restoreDir("busy");
        Files.writeString(dir.resolve("keep.txt"), "mine");
        Cli.Result r = run("restore", "phys", "--pgdata", dir.toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("is not empty");
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("keep.txt");
        }
    }

    @Test
    @Order(4)
    void deepVerificationRunsPgVerifybackupAndCatchesWhatTheChecksumCannot() throws Exception {
        Cli.Result ok = run("verify", "phys", "--deep", "--json");
        assertThat(ok.exit()).as(ok.toString()).isZero();
        Map<?, ?> m = (Map<?, ?>) Json.parse(ok.out());
        assertThat((String) m.get("deep")).startsWith("pg_verifybackup: backup successfully verified");

        // a backup whose bytes match their sidecar but whose pg_control was damaged before it was stored
        Path store = c.work.resolve("store");
        Path artifact = store.resolve(backupKey);
        byte[] tar = decompress(artifact);
        int at = -1;
        for (int off = 0; off + 512 <= tar.length; off += 512) {
            if (new String(tar, off, 17, java.nio.charset.StandardCharsets.US_ASCII).equals("global/pg_control")) {
                at = off + 512 + 200;
                break;
            }
        }
        assertThat(at).as("pg_control in the stream").isPositive();
        tar[at] ^= 0x01;
        String damagedKey = backupKey.replaceFirst("main-(\\d{8})-", "main-20990101-");
        Path damaged = store.resolve(damagedKey);
        Path raw = c.work.resolve("damaged.tar");
        Files.write(raw, tar);
        Shell.ok(c.work, "zstd", "-q", "-3", "-f", raw.toString(), "-o", damaged.toString());
        String sha = Shell.ok(c.work, "sha256sum", damaged.toString()).split(" ")[0];
        Files.writeString(store.resolve(damagedKey + ".sha256"), sha + "  " + damaged.getFileName() + "\n");
        io.dbbackup.testkit.Manifests.describing(artifact.resolveSibling(artifact.getFileName() + ".manifest.json"), damagedKey,
                damaged, sha, store.resolve(damagedKey + ".manifest.json"));
        try {
            Cli.Result shallow = run("verify", "phys", damaged.getFileName().toString());
            assertThat(shallow.exit()).as("the checksum alone cannot tell").isZero();
            Cli.Result deep = run("verify", "phys", damaged.getFileName().toString(), "--deep");
            assertThat(deep.exit()).as(deep.toString()).isEqualTo(3);
            assertThat(deep.err()).contains("pg_verifybackup found the base backup damaged").contains("global/pg_control");
        } finally {
            for (String suffix : List.of("", ".sha256", ".manifest.json")) {
                Files.deleteIfExists(store.resolve(damagedKey + suffix));
            }
            Files.deleteIfExists(raw);
        }
    }

    @Test
    @Order(4)
    void aDamagedOrTruncatedBaseBackupLeavesNothingBehind() throws Exception {
        Path store = c.work.resolve("store");
        Path artifact = store.resolve(backupKey);
        String sha = Files.readString(artifact.resolveSibling(artifact.getFileName() + ".sha256")).split(" ")[0];
        // (1) every file decodes and is written and flushed, then the SHA-256 at the end does not match the sidecar
        byte[] tar = decompress(artifact);
        tar[tar.length / 2] ^= 0x01;
        Path raw = c.work.resolve("flipped.tar");
        Files.write(raw, tar);
        String flippedKey = backupKey.replaceFirst("main-(\\d{8})-", "main-20990102-");
        Shell.ok(c.work, "zstd", "-q", "-3", "-f", raw.toString(), "-o", store.resolve(flippedKey).toString());
        // (2) the object ends half way: decoding fails while files are being written and flushed
        String cutKey = backupKey.replaceFirst("main-(\\d{8})-", "main-20990103-");
        byte[] whole = Files.readAllBytes(artifact);
        Files.write(store.resolve(cutKey), java.util.Arrays.copyOf(whole, whole.length / 2));
        try {
            for (String key : List.of(flippedKey, cutKey)) {
                String name = store.resolve(key).getFileName().toString();
                Files.writeString(store.resolve(key + ".sha256"), sha + "  " + name + "\n");
                Files.copy(artifact.resolveSibling(artifact.getFileName() + ".manifest.json"), store.resolve(key + ".manifest.json"));
                Path dir = c.restoreDir("damaged-" + (key.equals(flippedKey) ? "flipped" : "cut"));
                // the cut one with a recovery target: the older backup suggested is restored to the same one
                List<String> shaping = key.equals(flippedKey) ? List.of()
                        : List.of("--target-time", "2099-01-01T00:00:00Z", "--target-timeline", "current", "--archive-mode", "off");
                List<String> args = new java.util.ArrayList<>(List.of("restore", "phys", name, "--pgdata", dir.resolve("data").toString()));
                args.addAll(shaping);
                Cli.Result r = run(args.toArray(String[]::new));
                assertThat(r.exit()).as("an integrity failure: " + r).isEqualTo(3);
                assertThat(r.err()).as(key).contains("nothing was left in " + dir.resolve("data"))
                        .containsPattern("; the next older backup is (\\S+\\.tar\\.zst) \\(dbbackup -c "
                                + java.util.regex.Pattern.quote(c.config.toString()) + " restore phys \\1 --pgdata "
                                + java.util.regex.Pattern.quote(dir.resolve("data").toString())
                                + java.util.regex.Pattern.quote(shaping.isEmpty() ? "" : " " + String.join(" ", shaping)) + "\\)");
                assertThat(dir.resolve("data")).as("the data directory it created is gone again").doesNotExist();
                if (key.equals(flippedKey)) { // a dry run's suggestion is a dry run too
                    Cli.Result dry = run("restore", "phys", name, "--pgdata", dir.resolve("data").toString(), "--target", "latest",
                            "--dry-run");
                    assertThat(dry.exit()).as("an integrity failure: " + dry).isEqualTo(3);
                    assertThat(dry.err()).containsPattern("; the next older backup is (\\S+\\.tar\\.zst) \\(dbbackup -c "
                            + java.util.regex.Pattern.quote(c.config.toString()) + " restore phys \\1 "
                            + java.util.regex.Pattern.quote("--pgdata " + dir.resolve("data") + " --target latest --dry-run)"));
                }
            }
        } finally {
            for (String key : List.of(flippedKey, cutKey)) {
                for (String suffix : List.of("", ".sha256", ".manifest.json")) {
                    Files.deleteIfExists(store.resolve(key + suffix));
                }
            }
            Files.deleteIfExists(raw);
        }
    }

    private static byte[] decompress(Path zst) throws Exception {
        Process p = new ProcessBuilder("zstd", "-dc", zst.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
        return out;
    }

    private Cli.Result restore(Path dir, String... extra) {
        return restoreWith(dir, PhysicalCluster.dbbackupCommand(), extra);
    }

    private Cli.Result restoreWith(Path dir, String dbbackupCommand, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("restore", "phys", "--pgdata", dir.resolve("data").toString(),
                "--dbbackup-command", dbbackupCommand));
        args.addAll(List.of(extra));
        return run(args.toArray(String[]::new));
    }

    @Test
    @Order(5)
    void pointInTimeRecoveryToANotedTimeShowsAButNotB() throws Exception {
        Thread.sleep(1100); // a second base backup, under a key of its own second
        Cli.Result b = run("backup", "phys");
        assertThat(b.exit()).as(b.toString()).isZero();
        c.pg.execute("postgres", "insert into t(batch) select 'A' from generate_series(1, 100)");
        targetTime = c.pg.queryOne("postgres",
                "select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");
        Thread.sleep(50);
        c.pg.execute("postgres", "insert into t(batch) select 'B' from generate_series(1, 50)");
        segmentWithAAndB = c.switchWal();
        c.awaitArchived(segmentWithAAndB, java.time.Duration.ofSeconds(60));

        Path dir = c.restoreDir("to-time");
        Cli.Result r = restore(dir, "--target-time", targetTime);
        assertThat(r.exit()).as(r.toString()).isZero();
        Path data = dir.resolve("data");
        assertThat(data.resolve("recovery.signal")).exists();
        String auto = Files.readString(data.resolve("postgresql.auto.conf"));
        assertThat(auto).contains("restore_command = '(" + PhysicalCluster.dbbackupCommand().replace("'", "''") + " -c "
                        + c.config + " wal-fetch --job phys --stop-recovery-on-error --not-archived-exit 99 %f %p); "
                        + "case $? in 0) exit 0;; 99) exit 1;; *) exit 255;; esac'")
                .containsPattern("recovery_target_time = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\+00'")
                .contains("recovery_target_action = 'promote'");
        assertThat(r.out()).contains("restored pitr/main/main-");
        assertThat(r.err()).contains("promotes to a new timeline and archives it into the source's archive")
                .contains("--archive-mode off");
        try (PostgresServer restored = c.startRestored(dir)) {
            assertThat(c.rows(restored)).containsExactly("A:100", "after:10");
            assertThat(restored.queryOne("postgres", "select timeline_id::text from pg_control_checkpoint()")).isNotEqualTo("1");
            assertThat(restored.serverLog()).contains("wal fetched").contains("recovery stopping before commit");
            restored.serverLog().lines().filter(l -> l.contains("wal fetched") || l.contains("not in the archive")
                    || l.contains("recovery stopping")).forEach(l -> System.out.println("[to-time] " + l));
        }
    }

    @Test
    @Order(6)
    void pointInTimeRecoveryToLatestShowsAAndB() throws Exception {
        Path dir = c.restoreDir("latest");
        Cli.Result r = restore(dir, "--target", "latest", "--archive-mode", "off");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).doesNotContain("will archive WAL");
        String auto = Files.readString(dir.resolve("data/postgresql.auto.conf"));
        assertThat(auto.indexOf("archive_mode = 'off'")).isGreaterThan(auto.indexOf("recovery_target_timeline"));
        // no archive_mode on the command line: the restored postgresql.auto.conf turns it off
        try (PostgresServer restored = PostgresServer.startRestored(dir, PostgresServer.DEFAULT_VERSION, c.pg.password(),
                Map.of("hot_standby", "off"))) {
            assertThat(c.rows(restored)).containsExactly("A:100", "B:50", "after:10");
            assertThat(restored.queryOne("postgres", "show archive_mode")).isEqualTo("off");
        }
    }

    @Test
    @Order(7)
    void aCorruptSegmentStopsRecovery() throws Exception {
        Path obj = archivedObject(segmentWithAAndB);
        byte[] original = Files.readAllBytes(obj);
        try {
            byte[] bytes = original.clone();
            for (int i = bytes.length / 2; i < bytes.length / 2 + 64; i++) {
                bytes[i] ^= 0x5a;
            }
            Files.write(obj, bytes); // in place: the file keeps its owner (postgres)
            Path fetchDir = Files.createDirectories(c.work.resolve("fetch-corrupt"));
            Cli.Result f = run("wal-fetch", "--job", "phys", segmentWithAAndB, fetchDir.resolve("RECOVERYXLOG").toString());
            assertThat(f.exit()).as(f.toString()).isEqualTo(3);
            assertThat(f.err()).contains("is corrupt");
            try (var s = Files.list(fetchDir)) {
                assertThat(s.toList()).as("destination not written, no temp file left").isEmpty();
            }
            assertRecoveryStops("corrupt-latest", "is corrupt", "--target", "latest");
        } finally {
            Files.write(obj, original);
        }
    }

    /**
     * The segment before it stored under its name (and that content's digest, as a hand copy or a confused archiver would):
     * PostgreSQL would take the wrong first page for the end of the WAL and promote with what it had; wal-fetch refuses it.
     */
    @Test
    @Order(7)
    void aSegmentUnderAnotherSegmentsNameStopsRecovery() throws Exception {
        Path obj = archivedObject(segmentWithAAndB);
        String previous = String.format("%s%08X", segmentWithAAndB.substring(0, 16),
                Long.parseLong(segmentWithAAndB.substring(16), 16) - 1);
        Path other = archivedObject(previous);
        Path misnamed = obj.resolveSibling(other.getFileName().toString().replace(previous, segmentWithAAndB));
        byte[] original = Files.readAllBytes(obj);
        Files.move(obj, misnamed); // renamed and rewritten in place: the file keeps its owner (postgres)
        Files.write(misnamed, Files.readAllBytes(other));
        try {
            assertRecoveryStops("misnamed-latest", "is not WAL file " + segmentWithAAndB, "--target", "latest");
        } finally {
            Files.write(misnamed, original);
            Files.move(misnamed, obj);
        }
    }

    /**
     * A restore_command whose dbbackup cannot start (the jar moved or removed by an upgrade: the JVM exits 1 before any
     * of dbbackup runs) must not read as "not in the archive": PostgreSQL would end recovery at the first fetch and
     * promote a database missing every archived segment.
     */
    @Test
    @Order(7)
    void aRestoreCommandWhoseJarIsGoneStopsRecovery() throws Exception {
        Path dir = c.restoreDir("no-jar-latest");
        String moved = "'" + PhysicalCluster.java() + "' -jar '" + c.work.resolve("moved/dbbackup.jar") + "'";
        Cli.Result r = restoreWith(dir, moved, "--target", "latest");
        assertThat(r.exit()).as(r.toString()).isZero();
        PostgresServer promoted = null;
        try {
            promoted = c.startRestored(dir);
        } catch (IllegalStateException stopped) {
            // recovery stopped: the server did not come up
        }
        if (promoted != null) {
            String excerpt = String.join("\n", promoted.serverLog().lines()
                    .filter(l -> l.contains("jarfile") || l.contains("promot") || l.contains("ready to accept")).toList());
            promoted.close();
            org.assertj.core.api.Assertions.fail("PostgreSQL ended recovery and promoted though dbbackup could not start:\n" + excerpt);
        }
        String log = Files.readString(dir.resolve("server.log"));
        log.lines().filter(l -> l.contains("jarfile") || l.contains("FATAL")).forEach(l -> System.out.println("[no-jar-latest] " + l));
        assertThat(log).contains("Unable to access jarfile " + c.work.resolve("moved/dbbackup.jar"))
                .containsPattern("FATAL:  could not restore file \"[0-9A-F]+(\\.history)?\" from archive: child process exited with exit code 255")
                .doesNotContain("database system is ready to accept connections");
    }

    @Test
    @Order(8)
    void aMissingSegmentStopsRecovery() throws Exception {
        c.pg.execute("postgres", "insert into t(batch) select 'C' from generate_series(1, 5)");
        String later = c.switchWal();
        c.awaitArchived(later, java.time.Duration.ofSeconds(60));
        Path obj = archivedObject(segmentWithAAndB);
        Path saved = c.work.resolve("saved-" + obj.getFileName());
        Files.move(obj, saved);
        try {
            assertRecoveryStops("gap-latest", "the archive has a gap", "--target", "latest");
        } finally {
            Files.move(saved, obj);
        }
    }

    @Test
    @Order(9)
    void pruningBaseBackupsPrunesTheWalOnlyTheyNeeded() throws Exception {
        Cli.Result list = run("list", "phys", "--json");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> backups = (List<Map<String, Object>>) Json.parse(list.out());
        assertThat(backups).hasSize(2);
        String newest = (String) backups.get(0).get("key");
        String oldest = (String) backups.get(1).get("key");
        Map<?, ?> facts = (Map<?, ?>) ((Map<?, ?>) Json.parse(Files.readString(
                c.work.resolve("store").resolve(newest + ".manifest.json")))).get("facts");
        String keepFrom = (String) facts.get("start_wal_file");

        // the same job with a retention of one backup (the job is the config's last section)
        Path last1 = c.work.resolve("config-last1.yaml");
        Files.writeString(last1, Files.readString(c.config) + "    retention: {keep_last: 1}\n");
        Cli.Result dry = runWith(last1, "prune", "phys", "--dry-run", "--json");
        assertThat(dry.exit()).as(dry.toString()).isZero();
        Map<?, ?> decision = (Map<?, ?>) Json.parse(dry.out());
        assertThat(decision.get("delete").toString()).contains(oldest);
        Map<?, ?> wal = (Map<?, ?>) decision.get("wal");
        assertThat(wal.get("keep_from")).isEqualTo(keepFrom);
        List<String> doomed = ((List<?>) wal.get("delete")).stream().map(m -> (String) ((Map<?, ?>) m).get("key")).toList();
        assertThat(doomed).isNotEmpty().allSatisfy(k -> assertThat(k.substring(k.lastIndexOf('/') + 1, k.lastIndexOf('/') + 25))
                .isLessThan(keepFrom));
        assertThat(doomed).anyMatch(k -> k.contains(".backup-"));
        Cli.Result table = runWith(last1, "prune", "phys", "--dry-run");
        assertThat(table.out()).contains("wal: keep").contains("from " + keepFrom).contains("would delete " + doomed.size());
        try (var s = Files.walk(c.work.resolve("store/pitr/main/wal"))) {
            assertThat(s.filter(Files::isRegularFile).map(p -> c.work.resolve("store").relativize(p).toString()).toList())
                    .as("a dry run deletes nothing").containsAll(doomed);
        }

        Cli.Result prune = runWith(last1, "prune", "phys");
        assertThat(prune.exit()).as(prune.toString()).isZero();
        try (var s = Files.walk(c.work.resolve("store/pitr/main"))) {
            List<String> left = s.filter(Files::isRegularFile).map(p -> c.work.resolve("store").relativize(p).toString()).toList();
            assertThat(left).doesNotContainAnyElementsOf(doomed).doesNotContain(oldest).contains(newest)
                    .anyMatch(k -> k.contains("/" + keepFrom + "-"));
        }
        // what is left still recovers to the end
        Path dir = c.restoreDir("after-prune");
        Cli.Result r = restore(dir, "--target", "latest");
        assertThat(r.exit()).as(r.toString()).isZero();
        try (PostgresServer restored = c.startRestored(dir)) {
            assertThat(c.rows(restored)).containsExactly("A:100", "B:50", "C:5", "after:10");
        }
    }

    /**
     * A copy job of the physical job: its kept base backup and the WAL that backup recovers with (none older) land in a
     * second store; a later run copies only the WAL archived since; a WAL file that does not match its name is not
     * copied (exit 3); and the copy alone recovers to the latest archived commit.
     */
    @Test
    @Order(10)
    void aCopyJobCarriesTheBaseBackupAndItsWalToASecondStoreAndRecoversFromIt() throws Exception {
        Path copyConfig = c.work.resolve("config-copy.yaml");
        Files.writeString(copyConfig, Files.readString(c.config)
                .replace("stores:\n", "stores:\n  offsite: {type: local, path: offsite}\n")
                + "    retention: {keep_last: 1}\n"
                + "  phys-offsite:\n    copy_of: phys\n    store: offsite\n    prefix: vault\n    verify: true\n"
                + "    retention: {keep_last: 1}\n");
        Path offsite = c.work.resolve("offsite/vault/main");
        Cli.Result first = runWith(copyConfig, "backup", "phys-offsite");
        assertThat(first.exit()).as(first.toString()).isZero();
        String base = ((String) ((Map<?, ?>) ((List<?>) Json.parse(run("list", "phys", "--json").out())).get(0)).get("key"))
                .replace("pitr/main/", "");
        assertThat(offsite.resolve(base)).exists();
        assertThat(Shell.ok(offsite, "sha256sum", "-c", base + ".sha256")).contains(base + ": OK");
        Map<?, ?> facts = (Map<?, ?>) ((Map<?, ?>) Json.parse(Files.readString(offsite.resolve(base + ".manifest.json")))).get("facts");
        String keepFrom = (String) facts.get("start_wal_file");
        List<String> copied = walFiles(offsite);
        assertThat(copied).isNotEmpty().allSatisfy(n -> assertThat(n.endsWith(".history") || n.substring(0, 24).compareTo(keepFrom) >= 0)
                .as(n + " is needed from " + keepFrom).isTrue());
        assertThat(walFiles(c.work.resolve("store/pitr/main"))).containsAll(copied);

        c.pg.execute("postgres", "insert into t(batch) select 'D' from generate_series(1, 7)");
        String segment = c.switchWal();
        c.awaitArchived(segment, java.time.Duration.ofSeconds(60));
        Cli.Result second = runWith(copyConfig, "backup", "phys-offsite");
        assertThat(second.exit()).as(second.toString()).isZero();
        assertThat(second.err()).contains("copied=0").containsPattern("wal_copied=[1-9]");
        assertThat(walFiles(offsite)).anyMatch(n -> n.startsWith(segment + "-"));

        // a file that does not match the digest in its name is not copied; the run fails as an integrity failure
        Path sourceObj = archivedObject(segment);
        Path copiedObj = walObject(offsite, segment);
        byte[] original = Files.readAllBytes(sourceObj);
        Files.delete(copiedObj);
        byte[] bad = original.clone();
        bad[bad.length / 2] ^= 0x10;
        Files.write(sourceObj, bad);
        try {
            Cli.Result damaged = runWith(copyConfig, "backup", "phys-offsite");
            assertThat(damaged.exit()).as(damaged.toString()).isEqualTo(3);
            assertThat(damaged.err()).contains("not copied").contains(segment);
            assertThat(walFiles(offsite)).noneMatch(n -> n.startsWith(segment + "-"));
        } finally {
            Files.write(sourceObj, original);
        }
        assertThat(runWith(copyConfig, "backup", "phys-offsite").exit()).isZero();

        // the copy was written by this (root) process, owner-only: wal-fetch, run by PostgreSQL as postgres, cannot
        // read it. That is an error that stops recovery, never "not archived" (a listing that came out empty for a
        // folder it could not enter made PostgreSQL end recovery early and come up without the later rows, silently)
        Path denied = c.restoreDir("from-copy-denied");
        Cli.Result early = runWith(copyConfig, "restore", "phys-offsite", "--pgdata", denied.resolve("data").toString(),
                "--dbbackup-command", PhysicalCluster.dbbackupCommand(), "--target", "latest");
        assertThat(early.exit()).as(early.toString()).isZero();
        Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() -> c.startRestored(denied).close());
        assertThat(refused).as("recovery from a copy postgres cannot read must not complete").isNotNull();
        assertThat(Files.readString(denied.resolve("server.log"))).contains("permission denied")
                .contains("FATAL:  could not restore file").doesNotContain("database system is ready to accept connections");

        // the operator opens the copy to postgres (README: file_mode for new files, chmod for those already there)
        Shell.ok(c.work, "chmod", "-R", "go+rX", "offsite");
        Path dir = c.restoreDir("from-copy");
        Cli.Result r = runWith(copyConfig, "restore", "phys-offsite", "--pgdata", dir.resolve("data").toString(),
                "--dbbackup-command", PhysicalCluster.dbbackupCommand(), "--target", "latest");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Files.readString(dir.resolve("data/postgresql.auto.conf"))).contains("wal-fetch --job phys-offsite");
        try (PostgresServer restored = c.startRestored(dir)) {
            assertThat(c.rows(restored)).containsExactly("A:100", "B:50", "C:5", "D:7", "after:10");
        }
    }

    /** The archived WAL object names under a job folder's wal/, sorted. */
    private static List<String> walFiles(Path jobFolder) throws IOException {
        try (var s = Files.walk(jobFolder.resolve("wal"))) {
            return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static Path walObject(Path jobFolder, String segment) throws IOException {
        try (var s = Files.walk(jobFolder.resolve("wal"))) {
            return s.filter(p -> p.getFileName().toString().startsWith(segment + "-")).findFirst().orElseThrow();
        }
    }

    /** Restores with {@code target}, starts PostgreSQL: it must refuse to finish recovery, saying why. */
    private void assertRecoveryStops(String name, String reason, String... target) throws Exception {
        Path dir = c.restoreDir(name);
        Cli.Result r = restore(dir, target);
        assertThat(r.exit()).as(r.toString()).isZero();
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> c.startRestored(dir).close());
        assertThat(failure).as("PostgreSQL must not complete recovery past a bad segment").isNotNull();
        String log = Files.readString(dir.resolve("server.log"));
        log.lines().filter(l -> l.contains("error:") || l.contains("FATAL")).forEach(l -> System.out.println("[" + name + "] " + l));
        assertThat(log).contains(segmentWithAAndB).contains(reason)
                .contains("FATAL:  could not restore file \"" + segmentWithAAndB + "\" from archive")
                .doesNotContain("database system is ready to accept connections");
    }

    private Path archivedObject(String segment) throws Exception {
        try (var s = Files.walk(c.work.resolve("store/pitr/main/wal"))) {
            return s.filter(p -> p.getFileName().toString().startsWith(segment + "-")).findFirst().orElseThrow();
        }
    }

    /**
     * The replication connection to the cluster's IPv6 loopback address, written {@code host: "[::1]"}: the built-in
     * client and pg_basebackup each take a base backup, the log naming the server [::1]:PORT (the old code handed
     * both "[::1]", which neither resolves).
     */
    @Test
    @Order(11)
    void aBaseBackupOverIpv6LoopbackWithTheBuiltInClientAndWithPgBasebackup() throws Exception {
        for (String client : List.of("auto", "pg_basebackup")) {
            Thread.sleep(1100); // a key of its own second
            Path v6 = c.work.resolve("config-v6-" + client + ".yaml");
            Files.writeString(v6, Files.readString(c.config).replace("host: 127.0.0.1",
                    "host: \"[::1]\"\n    base_backup_client: " + client));
            Cli.Result r = runWith(v6, "backup", "phys");
            assertThat(r.exit()).as(client + ": " + r).isZero();
            assertThat(r.out() + r.err()).as(client).contains("[::1]:" + c.pg.port());
        }
    }
}
