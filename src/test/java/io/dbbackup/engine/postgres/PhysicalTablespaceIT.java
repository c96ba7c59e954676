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
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cluster with a tablespace outside its data directory, on a real server: the base backup holds the tablespace's
 * files, pg_verifybackup checks them, a restore refuses to write over the live tablespace and puts it where
 * {@code --tablespace-mapping} says, and the restored server reads the table that lives there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PhysicalTablespaceIT {
    PhysicalCluster c;
    Cli cli;
    Path live;
    String oid;
    String backupKey;

    @BeforeAll
    void start() throws Exception {
        c = PhysicalCluster.archivingToLocalStore("ts");
        cli = new Cli().workingDir(c.work);
        live = Files.createDirectories(c.work.resolve("live-space"));
        Shell.ok(c.work, "chown", "postgres:postgres", live.toString());
        c.pg.execute("postgres", "create tablespace space1 location '" + live + "'");
        c.pg.execute("postgres", "create table far(id int primary key, payload text) tablespace space1");
        c.pg.execute("postgres", "insert into far select g, md5(g::text) from generate_series(1, 5000) g");
        c.pg.execute("postgres", "create table near(id int)");
        c.pg.execute("postgres", "insert into near select generate_series(1, 7)");
        oid = c.pg.queryOne("postgres", "select oid::text from pg_tablespace where spcname = 'space1'");
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
    void theBaseBackupHoldsTheTablespaceUnderItsManifestPaths() throws Exception {
        Cli.Result r = run("backup", "phys");
        assertThat(r.exit()).as(r.toString()).isZero();
        Cli.Result list = run("list", "phys", "--json");
        assertThat(list.exit()).as(list.toString()).isZero();
        @SuppressWarnings("unchecked")
        Map<String, Object> e = ((List<Map<String, Object>>) Json.parse(list.out())).get(0);
        backupKey = (String) e.get("key");
        @SuppressWarnings("unchecked")
        Map<String, Object> facts = (Map<String, Object>) ((Map<?, ?>) Json.parse(Files.readString(c.work.resolve("store").resolve(backupKey
                + ".manifest.json")))).get("facts");
        assertThat(facts).containsEntry("tablespaces", "1").containsEntry("tablespace." + oid, live.toString())
                .containsEntry("client", "built-in replication client");

        // one plain tar: the tablespace's files under pg_tblspc/<oid>/, as backup_manifest names them
        Path artifact = c.work.resolve("store").resolve(backupKey);
        List<String> names = Shell.sh(c.work, "zstd -dc '" + artifact + "' | tar -t").lines().toList();
        String relfile = c.pg.queryOne("postgres", "select pg_relation_filepath('far')");
        assertThat(relfile).startsWith("pg_tblspc/" + oid + "/PG_");
        assertThat(names).contains(relfile, "tablespace_map", "backup_label", "backup_manifest");
        String manifest = Shell.sh(c.work, "zstd -dc '" + artifact + "' | tar -xO backup_manifest");
        assertThat(manifest).contains("\"Path\": \"" + relfile + "\"");
        String map = Shell.sh(c.work, "zstd -dc '" + artifact + "' | tar -xO tablespace_map");
        assertThat(map).isEqualTo(oid + " " + live + "\n");
    }

    @Test
    @Order(2)
    void pgVerifybackupChecksTheTablespacesFilesToo() throws Exception {
        Cli.Result ok = run("verify", "phys", "--deep", "--json");
        assertThat(ok.exit()).as(ok.toString()).isZero();
        assertThat((String) ((Map<?, ?>) Json.parse(ok.out())).get("deep")).startsWith("pg_verifybackup: backup successfully verified");

        // the table's file in the tablespace damaged, the backup resealed (sidecar and manifest match): deep finds it
        Path store = c.work.resolve("store");
        Path artifact = store.resolve(backupKey);
        String relfile = c.pg.queryOne("postgres", "select pg_relation_filepath('far')");
        byte[] tar = decompress(artifact);
        int at = -1;
        byte[] want = relfile.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int off = 0; off + 512 <= tar.length && at < 0; off += 512) {
            if (java.util.Arrays.equals(tar, off, off + want.length, want, 0, want.length) && tar[off + want.length] == 0) {
                at = off + 512 + 4000;
            }
        }
        assertThat(at).as(relfile + " in the stream").isPositive();
        tar[at] ^= 0x01;
        String damagedKey = backupKey.replaceFirst("main-(\\d{8})-", "main-20990101-");
        Path raw = c.work.resolve("damaged.tar");
        Files.write(raw, tar);
        Shell.ok(c.work, "zstd", "-q", "-3", "-f", raw.toString(), "-o", store.resolve(damagedKey).toString());
        String sha = Shell.ok(c.work, "sha256sum", store.resolve(damagedKey).toString()).split(" ")[0];
        Files.writeString(store.resolve(damagedKey + ".sha256"), sha + "  " + store.resolve(damagedKey).getFileName() + "\n");
        io.dbbackup.testkit.Manifests.describing(store.resolve(backupKey + ".manifest.json"), damagedKey,
                store.resolve(damagedKey), sha, store.resolve(damagedKey + ".manifest.json"));
        try {
            Cli.Result deep = run("verify", "phys", store.resolve(damagedKey).getFileName().toString(), "--deep");
            assertThat(deep.exit()).as(deep.toString()).isEqualTo(3);
            assertThat(deep.err()).contains("pg_verifybackup found the base backup damaged").contains(relfile);
        } finally {
            for (String suffix : List.of("", ".sha256", ".manifest.json")) {
                Files.deleteIfExists(store.resolve(damagedKey + suffix));
            }
            Files.deleteIfExists(raw);
        }
    }

    @Test
    @Order(3)
    void aRestoreNeverWritesIntoTheLiveTablespaceNorGuessesAMapping() throws Exception {
        List<String> before = tree(live);
        Path dir = c.restoreDir("refused");
        Cli.Result r = run("restore", "phys", "--pgdata", dir.resolve("data").toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("tablespace " + oid + "'s folder " + live + " is not empty")
                .contains("--tablespace-mapping " + live + "=DIR").contains("nothing was written");
        assertThat(dir.resolve("data")).doesNotExist();

        Cli.Result typo = run("restore", "phys", "--pgdata", dir.resolve("data").toString(),
                "--tablespace-mapping", live + "-typo=" + dir.resolve("space"));
        assertThat(typo.exit()).as(typo.toString()).isEqualTo(1);
        assertThat(typo.err()).contains("has no tablespace at " + live + "-typo").contains("it has " + oid + " at " + live);
        Cli.Result inside = run("restore", "phys", "--pgdata", dir.resolve("data").toString(),
                "--tablespace-mapping", live + "=" + dir.resolve("data/space"));
        assertThat(inside.exit()).as(inside.toString()).isEqualTo(1);
        assertThat(inside.err()).contains("overlaps " + dir.resolve("data"));
        Cli.Result bad = run("restore", "phys", "--pgdata", dir.resolve("data").toString(), "-T", "no-equals-sign");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("is not OLDDIR=NEWDIR");
        // a freshly formatted volume's mount point (holds lost+found): the refusal says so and names a folder inside it
        Path volume = Files.createDirectories(dir.resolve("volume/lost+found")).getParent();
        Cli.Result mount = run("restore", "phys", "--pgdata", dir.resolve("data").toString(),
                "--tablespace-mapping", live + "=" + volume);
        assertThat(mount.exit()).as(mount.toString()).isEqualTo(1);
        assertThat(mount.err()).contains("tablespace " + oid + "'s folder " + volume + " is not empty: it holds lost+found, "
                + "the root of a mounted file system; restore the tablespace into a folder inside it, --tablespace-mapping "
                + live + "=" + volume.resolve("tablespace") + " (nothing was written)");
        try (Stream<Path> s = Files.list(volume)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("lost+found");
        }
        Files.delete(volume.resolve("lost+found"));
        Files.delete(volume);
        Cli.Result check = run("check", "phys");
        assertThat(check.exit()).as(check.toString()).isZero();
        assertThat(check.out()).containsPattern("ok     phys datasource: replication connection to PostgreSQL .* accepted: PostgreSQL 15\\.\\d+, "
                + "system identifier \\d+, timeline 1; ")
                .containsPattern("ok     phys wal archiving: the server closed WAL segment 0{7}1[0-9A-F]{16}; archive_command brought it "
                        + "to ts/main/wal/ in \\d+\\.\\d s");
        // a dry run makes the same refusal, and with a good mapping reads the backup through and writes nothing
        Cli.Result dryRefused = run("restore", "phys", "--pgdata", dir.resolve("data").toString(), "--dry-run");
        assertThat(dryRefused.exit()).as(dryRefused.toString()).isEqualTo(1);
        Cli.Result dry = run("restore", "phys", "--pgdata", dir.resolve("data").toString(), "--dry-run",
                "--tablespace-mapping", live + "=" + dir.resolve("space"), "--target", "latest");
        assertThat(dry.exit()).as(dry.toString()).isZero();
        assertThat(dry.out()).contains("dry run: ts/main/main-").contains("checked (SHA-256 and decoding")
                .contains("would be restored into " + dir.resolve("data") + " (empty or missing)")
                .contains("tablespace " + oid + " would be restored into " + dir.resolve("space"))
                .contains("recovery to latest would be set up; restore_command:").contains("wal-fetch")
                .contains("nothing was changed");
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.toList()).isEmpty();
        }
        assertThat(tree(live)).isEqualTo(before);
    }

    @Test
    @Order(4)
    void aMappedRestoreStartsAndReadsTheTableInTheTablespace() throws Exception {
        String rows = c.pg.queryOne("postgres", "select count(*) || ':' || sum(hashtext(payload)) from far");
        c.pg.execute("postgres", "insert into far values (9999, 'after the backup')");
        Path dir = c.restoreDir("mapped");
        Path space = dir.resolve("space");
        Cli.Result r = run("restore", "phys", "--pgdata", dir.resolve("data").toString(),
                "--tablespace-mapping", live + "=" + space);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("tablespace " + oid + " restored into " + space);
        assertThat(Files.readString(dir.resolve("data/tablespace_map"))).isEqualTo(oid + " " + space + "\n");
        try (Stream<Path> s = Files.list(space)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).singleElement().asString().startsWith("PG_");
        }
        assertThat(dir.resolve("data/pg_tblspc/" + oid)).doesNotExist();
        try (PostgresServer restored = c.startRestored(dir)) {
            assertThat(restored.queryOne("postgres", "select count(*) || ':' || sum(hashtext(payload)) from far")).isEqualTo(rows);
            assertThat(restored.queryOne("postgres", "select count(*) from near")).isEqualTo("7");
            assertThat(restored.queryOne("postgres", "select pg_tablespace_location(" + oid + ")")).isEqualTo(space.toString());
            assertThat(Files.readSymbolicLink(dir.resolve("data/pg_tblspc/" + oid))).isEqualTo(space);
        }
        assertThat(c.pg.queryOne("postgres", "select count(*) from far")).isEqualTo("5001");
    }

    @Test
    @Order(5)
    void aMappingByOidRestoresEvenWithoutTheManifest() throws Exception {
        Path store = c.work.resolve("store");
        Path manifest = store.resolve(backupKey + ".manifest.json");
        Path aside = c.work.resolve("manifest.aside");
        Files.move(manifest, aside);
        try {
            Path dir = c.restoreDir("no-manifest");
            Cli.Result unmapped = run("restore", "phys", backupKey, "--pgdata", dir.resolve("data").toString());
            assertThat(unmapped.exit()).as(unmapped.toString()).isEqualTo(1);
            assertThat(unmapped.err()).contains("--tablespace-mapping " + oid + "=DIR").contains("nothing was left in");
            assertThat(dir.resolve("data")).doesNotExist();

            Cli.Result byOid = run("restore", "phys", backupKey, "--pgdata", dir.resolve("data").toString(),
                    "-T", oid + "=" + dir.resolve("space"));
            assertThat(byOid.exit()).as(byOid.toString()).isZero();
            assertThat(Files.readString(dir.resolve("data/tablespace_map"))).isEqualTo(oid + " " + dir.resolve("space") + "\n");
            assertThat(tree(dir.resolve("space"))).isNotEmpty();
        } finally {
            Files.move(aside, manifest);
        }
    }

    @Test
    @Order(6)
    void pgBasebackupCannotStreamATablespaceAndTheFailureSaysWhatCan() throws Exception {
        Path config = c.work.resolve("tool.yaml");
        Files.writeString(config, Files.readString(c.config).replace("    method: physical\n",
                "    method: physical\n    base_backup_client: pg_basebackup\n").replace("prefix: ts", "prefix: tool"));
        Cli.Result r = cli.run("-c", config.toString(), "backup", "phys");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("pg_basebackup cannot stream a cluster with extra tablespaces (can only write single "
                + "tablespace to stdout, database has 2); the built-in replication client can").contains("retry=false");
        assertThat(c.work.resolve("store/tool/main")).satisfiesAnyOf(
                p -> assertThat(p).doesNotExist(), p -> assertThat(tree(p)).containsOnly(":-1"));
    }

    @Test
    @Order(7)
    void pointInTimeRecoveryReplaysTheArchivedWalIntoTheMappedTablespace() throws Exception {
        c.pg.execute("postgres", "insert into far select g, 'replayed' from generate_series(20001, 20500) g");
        c.pg.execute("postgres", "create table far2(id int) tablespace space1");
        c.pg.execute("postgres", "insert into far2 select generate_series(1, 3)");
        String expected = c.pg.queryOne("postgres", "select count(*) || ':' || sum(hashtext(payload)) from far");
        c.awaitArchived(c.switchWal(), java.time.Duration.ofSeconds(60));
        Path dir = c.restoreDir("pitr");
        Path space = dir.resolve("space");
        Cli.Result r = run("restore", "phys", backupKey, "--pgdata", dir.resolve("data").toString(), "--target", "latest",
                "-T", live + "=" + space, "--dbbackup-command", PhysicalCluster.dbbackupCommand());
        assertThat(r.exit()).as(r.toString()).isZero();
        try (PostgresServer restored = c.startRestored(dir)) {
            assertThat(restored.queryOne("postgres", "select count(*) || ':' || sum(hashtext(payload)) from far")).isEqualTo(expected);
            assertThat(restored.queryOne("postgres", "select count(*) from far2")).isEqualTo("3");
            String far2 = restored.queryOne("postgres", "select pg_relation_filepath('far2')");
            assertThat(far2).startsWith("pg_tblspc/" + oid + "/");
            assertThat(space.resolve(far2.substring(("pg_tblspc/" + oid + "/").length())))
                    .as("the table created after the backup was made by replay in the mapped folder").isRegularFile();
        }
    }

    @Test
    @Order(8)
    void aLocalCopyOfTheBaseBackupRestoresWithItsManifestBesideIt() throws Exception {
        Path store = c.work.resolve("store");
        Path copies = Files.createDirectories(c.work.resolve("copies"));
        String name = Path.of(backupKey).getFileName().toString();
        for (String suffix : List.of("", ".sha256", ".manifest.json")) {
            Files.copy(store.resolve(backupKey + suffix), copies.resolve(name + suffix));
        }
        Path dir = c.restoreDir("from-file");
        Cli.Result r = run("restore", "phys", "--from-file", copies.resolve(name).toString(), "--pgdata",
                dir.resolve("data").toString(), "-T", live + "=" + dir.resolve("space"));
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("tablespace " + oid + " restored into " + dir.resolve("space"));
        assertThat(Files.readString(dir.resolve("data/tablespace_map"))).isEqualTo(oid + " " + dir.resolve("space") + "\n");
    }

    @Test
    @Order(9)
    void checkSaysWhenTheServerDoesNotArchiveTheSegmentItClosed() throws Exception {
        // the server idle since a switch whose segment was archived: pg_switch_wal() alone would close nothing and
        // name that archived segment again (the check passed so, now and then, when nothing else wrote WAL)
        String last = c.pg.queryOne("postgres", "select pg_walfile_name(pg_switch_wal())");
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (!last.equals(c.pg.queryOne("postgres", "select coalesce(last_archived_wal, '') from pg_stat_archiver"))) {
            assertThat(System.nanoTime()).as("segment " + last + " archived").isLessThan(deadline);
            Thread.sleep(100);
        }
        c.pg.execute("postgres", "alter system set archive_command = 'false'");
        c.pg.queryOne("postgres", "select pg_reload_conf()");
        try {
            Cli.Result r = run("check", "phys", "--wal-timeout", "3s");
            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.out()).contains("ok     phys datasource: ").contains("ok     phys store: ")
                    .containsPattern("FAILED phys wal archiving: the server closed WAL segment 0{7}1[0-9A-F]{16} but it did not "
                            + "arrive in ts/main/wal/ within 3 s: check the server's archive_command");
        } finally {
            c.pg.execute("postgres", "alter system reset archive_command");
            c.pg.queryOne("postgres", "select pg_reload_conf()");
        }
    }

    private static List<String> tree(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.map(p -> root.relativize(p) + ":" + (Files.isRegularFile(p) ? p.toFile().length() : -1)).sorted().toList();
        }
    }

    private static byte[] decompress(Path zst) throws Exception {
        Process p = new ProcessBuilder("zstd", "-dc", zst.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
        return out;
    }
}
