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

    @BeforeAll
    void start() throws Exception {
        Path work = PhysicalCluster.workDir();
        Path store = Files.createDirectories(work.resolve("store/pitr/" + PhysicalCluster.CLUSTER + "/wal"));
        Shell.ok(work, "chown", "postgres:postgres", store.toString());
        String archive = PhysicalCluster.dbbackupCommand() + " -c '" + work.resolve("config.yaml") + "' wal-push --job "
                + PhysicalCluster.JOB + " %p %f";
        c = PhysicalCluster.start(work, archive, Map.of(), pg -> "datasources:\n" + PhysicalCluster.datasource(pg) + """
                stores:
                  local: {type: local, path: store}
                jobs:
                  phys:
                    datasource: pg
                    store: local
                    prefix: pitr
                    compression: zstd
                """);
        cli = new Cli().workingDir(work);
        c.pg.execute("postgres", "create table t(id serial primary key, batch text not null)");
    }

    @AfterAll
    void stop() {
        if (c != null) {
            c.close();
        }
    }

    private Cli.Result run(String... args) {
        String[] full = new String[args.length + 2];
        full[0] = "-c";
        full[1] = c.config.toString();
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
        assertThat(missing.err()).contains("00000001000000FF00000001 is not in the archive");
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
        assertThat(Files.readString(data.resolve("postgresql.auto.conf"))).doesNotContain("restore_command");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
        try (PostgresServer restored = c.startRestored(dir)) {
            assertThat(c.rows(restored)).isEmpty();
            assertThat(restored.queryOne("postgres", "select to_regclass('t') is not null")).isEqualTo("t");
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
}
