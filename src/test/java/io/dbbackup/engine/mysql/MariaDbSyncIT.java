package io.dbbackup.engine.mysql;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.Descendants;
import io.dbbackup.testkit.MariaDbServer;
import io.dbbackup.testkit.WriteWatch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code dbbackup sync} between MariaDB databases: the stream loads into a scratch database and is
 * swapped in only when complete, so a killed mariadb-dump leaves the target exactly as it was.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MariaDbSyncIT extends MySqlCliFixture {
    String schema;
    Map<String, String> source;
    Path scratch;
    int serial;

    @BeforeAll
    void start() throws Exception {
        schema = new String(MariaDbSyncIT.class.getResourceAsStream("/mysql/rich-schema.sql").readAllBytes(), StandardCharsets.UTF_8);
        freshShop(schema);
        // ~11 MB of INSERTs more: the dump is still running long after the load has begun
        server.load("shop", "CREATE TABLE bulk (id INT PRIMARY KEY, payload VARCHAR(200) NOT NULL) ENGINE=InnoDB;\n"
                + "INSERT INTO bulk SELECT seq, REPEAT(MD5(seq), 4) FROM seq_1_to_80000;");
        source = Fingerprint.of(server, "shop");
    }

    @BeforeEach
    void config() throws Exception {
        scratch = Files.createDirectories(dir.resolve("scratch"));
        cli = newCli().env("DBBACKUP_TMPDIR", scratch.toString());
    }

    /** A config with datasource {@code src} (shop) and {@code target} (database {@code target}); returns the config file name. */
    private String config(String target, String sourceExtra) throws Exception {
        configureSocketCopy("mariadb", sourceExtra, "target", "database: " + target, "src", "");
        return "config.yaml";
    }

    private String fresh(String name) {
        return name + "_" + (++serial);
    }

    private List<String> scratchDatabases() {
        return server.rootSql("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'dbbackup\\\\_%'")
                .lines().filter(l -> !l.isBlank()).toList();
    }

    /**
     * A source whose dump switches databases (-B from an option file, here a wrapper) would load into the source's own
     * database, not the scratch one, and a sync would overwrite it: stopped before the switch, exit 1, neither side changed.
     */
    @Test
    void aSourceWhoseDumpSwitchesDatabasesIsNotSyncedIntoItself() throws Exception {
        String src = fresh("usesrc");
        String target = fresh("usetarget");
        server.rootSql("CREATE DATABASE " + src + "; CREATE TABLE " + src + ".t (id INT PRIMARY KEY); INSERT INTO " + src
                + ".t VALUES (1);");
        config(target, "database: " + src + "\nbin_dir: " + binAddingDatabases());
        Cli.Result sync = cli.run("-c", "config.yaml", "sync", "src", "target", "--auto-confirm");
        assertThat(sync.exit()).as(sync.toString()).isEqualTo(1);
        assertThat(sync.err()).contains("switches to another database (CREATE DATABASE `" + src + "`)");
        assertThat(rows(src, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '" + src + "'")).isEqualTo("1");
        assertThat(server.rootSql("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '" + target + "'").strip())
                .isEqualTo("0");
        assertThat(scratchDatabases()).isEmpty();
    }

    /**
     * A drill check whose connection the server kills says nothing about the backup: exit 2, a retry may pass; a check the
     * server ran and refused (a table the restored copy lacks) stays an integrity failure (exit 3).
     */
    @Test
    void aDrillCheckWhoseConnectionIsLostIsNotCountedAgainstTheBackup() throws Exception {
        String drill = fresh("drill");
        config(drill, "database: shop");
        Cli.Result backup = cli.run("-c", "config.yaml", "backup", "src");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        String base = Files.readString(dir.resolve("config.yaml"));
        Files.writeString(dir.resolve("config.yaml"), base + "    drill_checks: [\"SELECT SLEEP(45) = 0\"]\n");
        CompletableFuture<Cli.Result> run = CompletableFuture.supplyAsync(() -> cli.run("-c", "config.yaml", "drill", "src", "--to", "target"));
        String id = "";
        for (int i = 0; i < 600 && id.isEmpty(); i++) {
            Thread.sleep(100);
            id = server.rootSql("SELECT ID FROM information_schema.PROCESSLIST WHERE INFO = 'SELECT SLEEP(45) = 0'").strip();
        }
        assertThat(id).as("the check's connection was found").isNotEmpty();
        server.rootSql("KILL " + id);
        Cli.Result lost = run.get(60, TimeUnit.SECONDS);
        assertThat(lost.exit()).as(lost.toString()).isEqualTo(2);
        assertThat(lost.err()).contains("the check 'SELECT SLEEP(45) = 0' could not finish", "not the backup's fault");
        assertThat(server.rootSql("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '" + drill + "'").strip())
                .as("dropped after the drill").isEqualTo("0");

        Files.writeString(dir.resolve("config.yaml"), base + "    drill_checks: [\"SELECT COUNT(*) FROM no_such_table\"]\n");
        Cli.Result missing = cli.run("-c", "config.yaml", "drill", "src", "--to", "target");
        assertThat(missing.exit()).as(missing.toString()).isEqualTo(3);
        assertThat(missing.err()).contains("the check 'SELECT COUNT(*) FROM no_such_table' failed on the restored copy",
                "no_such_table' doesn't exist");
    }

    /**
     * A check the scratch datasource's account may not run (ERROR 1142 SELECT command denied: a table outside the copy)
     * says nothing about the backup: the drill's set-up. It failed the drill as an integrity failure (exit 3, a bad
     * backup); now exit 2, naming the privilege error. A check the copy fails stays exit 3.
     */
    @Test
    void aDrillCheckTheScratchAccountMayNotRunIsTheDrillsSetUpNotTheBackup() throws Exception {
        String src = fresh("privsrc");
        String drill = fresh("privdrill");
        server.rootSql("CREATE USER IF NOT EXISTS 'drillchk'@'127.0.0.1' IDENTIFIED BY 'chk#pw';"
                + " GRANT ALL ON `privdrill\\_%`.* TO 'drillchk'@'127.0.0.1';"
                + " CREATE DATABASE " + src + "; CREATE TABLE " + src + ".t (id INT PRIMARY KEY); INSERT INTO " + src + ".t VALUES (1), (2);");
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  src: {engine: mariadb, host: 127.0.0.1, port: %1$d, user: backup, password_env: DB_PW, database: %2$s}
                  scratch: {engine: mariadb, host: 127.0.0.1, port: %1$d, user: drillchk, password_env: CHK_PW, database: %3$s}
                stores:
                  local: {type: local, path: store}
                jobs:
                  src:
                    datasource: src
                    store: local
                    drill_checks: ["SELECT COUNT(*) FROM t", "SELECT COUNT(*) FROM shop.bulk"]
                """.formatted(server.port(), src, drill));
        Cli chk = cli.env("CHK_PW", "chk#pw");
        Cli.Result backup = chk.run("-c", "config.yaml", "backup", "src");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        Cli.Result r = chk.run("-c", "config.yaml", "drill", "src", "--to", "scratch");
        System.out.println("a check the scratch account may not run: " + r);
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("error: drill of job src: the check 'SELECT COUNT(*) FROM shop.bulk' was refused for want of "
                + "a privilege of the scratch datasource's account (the drill's set-up, not the backup's fault): ERROR 1142 (42000)",
                "SELECT command denied to user 'drillchk'@'");
        assertThat(server.rootSql("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '" + drill + "'").strip())
                .as("dropped after the drill").isEqualTo("0");

        Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml"))
                .replace("shop.bulk", "no_such_table"));
        Cli.Result missing = chk.run("-c", "config.yaml", "drill", "src", "--to", "scratch");
        assertThat(missing.exit()).as(missing.toString()).isEqualTo(3);
        assertThat(missing.err()).contains("the check 'SELECT COUNT(*) FROM no_such_table' failed on the restored copy");
    }

    /** The restore drill into a scratch database the server does not have yet: identical with --keep, dropped without. */
    @Test
    void aDrillRestoresTheNewestBackupIntoAScratchDatabaseAndDropsIt() throws Exception {
        String drill = fresh("drill");
        config(drill, "database: shop");
        Cli.Result backup = cli.run("-c", "config.yaml", "backup", "src");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        Cli.Result kept = cli.run("-c", "config.yaml", "drill", "src", "--to", "target", "--keep", "--json");
        assertThat(kept.exit()).as(kept.toString()).isZero();
        assertThat(kept.out()).containsPattern("\"removed\" *: *false");
        assertThat(Fingerprint.of(server, drill)).isEqualTo(source);
        server.rootSql("DROP DATABASE " + drill);

        Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml"))
                + "    drill_checks: [\"SELECT COUNT(*) FROM bulk\"]\n");
        Cli.Result r = cli.run("-c", "config.yaml", "drill", "src", "--to", "target");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("   check ok: SELECT COUNT(*) FROM bulk -> 80000", "   removed again");
        assertThat(server.rootSql("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '" + drill + "'").strip())
                .as("dropped after the drill").isEqualTo("0");

        // a dump of several databases USEs their names: restored, it would write into shop itself on this server
        config(fresh("drill"), "databases: [shop, mysql]");
        Cli.Result several = cli.run("-c", "config.yaml", "drill", "src", "--to", "target");
        assertThat(several.exit()).as(several.toString()).isEqualTo(1);
        assertThat(several.err()).contains("restores into what the dump itself names").doesNotContain("checking backup");
        Cli.Result restore = cli.run("-c", "config.yaml", "restore", "src", "--to", "target", "--auto-confirm");
        assertThat(restore.exit()).as("restore: the same refusal " + restore).isEqualTo(1);
        assertThat(restore.err()).contains("name the databases they restore into and switch to them by name")
                .contains("they would write into databases mysql, shop on its server").doesNotContain("checking backup");
        // a target naming other databases than the dump's is refused the same way; the same names are the intent
        Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml"))
                .replaceFirst("database: drill_\\d+", "databases: [shop_stage, mysql_stage]"));
        Cli.Result otherNames = cli.run("-c", "config.yaml", "restore", "src", "--to", "target", "--auto-confirm");
        assertThat(otherNames.exit()).as(otherNames.toString()).isEqualTo(1);
        assertThat(otherNames.err()).contains("not into what target names");
        assertThat(Fingerprint.of(server, "shop")).isEqualTo(source);
    }

    /**
     * A job backing up several databases ({@code databases: [shop, X]}, X empty so far) and a scratch datasource naming X
     * on the same server: one of the job's databases, whatever the lists look like as text. Compared as whole strings
     * ("shop,X" vs "X") they were two: a drill of another job into it restored into X and dropped it. Now every drill
     * and sync into it is refused before anything is read, naming both; all_databases overlaps every database there.
     */
    @Test
    void aScratchNamingOneOfAJobsDatabasesIsThatJobsDatabase() throws Exception {
        String x = fresh("part");
        String other = fresh("other");
        server.rootSql("CREATE DATABASE " + x + "; CREATE DATABASE " + other + "; CREATE TABLE " + other + ".t (id INT PRIMARY KEY);"
                + " INSERT INTO " + other + ".t VALUES (1);");
        config(x, "databases: [shop, " + x + "]");
        Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml"))
                .replace("stores:", "  other: {engine: mariadb, host: 127.0.0.1, port: %d, user: backup, password_env: DB_PW, database: %s}\nstores:"
                        .formatted(server.port(), other))
                + "  other:\n    datasource: other\n    store: local\n");
        Cli.Result backup = cli.run("-c", "config.yaml", "backup", "other");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        String exists = "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '" + x + "'";

        Cli.Result drill = cli.run("-c", "config.yaml", "drill", "other", "--to", "target");
        System.out.println("drill of job other into " + x + " (a database of job src): " + drill);
        assertThat(drill.exit()).as(drill.toString()).isEqualTo(1);
        assertThat(drill.err()).contains("error: drill: --to target is the database of job src (datasource src, mysql://127.0.0.1:"
                + server.port() + "/shop," + x + "; --to names it mysql://" + server.socket() + "/" + x + ")")
                .doesNotContain("checking backup");
        assertThat(server.rootSql(exists).strip()).as("job src's database " + x + " is still there").isEqualTo("1");
        Cli.Result all = cli.run("-c", "config.yaml", "drill", "--all", "--to", "target");
        assertThat(all.exit()).as(all.toString()).isEqualTo(1);
        assertThat(all.err()).contains("is the database of job src");
        assertThat(server.rootSql(exists).strip()).isEqualTo("1");

        Cli.Result own = cli.run("-c", "config.yaml", "drill", "src", "--to", "target");
        assertThat(own.exit()).as(own.toString()).isEqualTo(1);
        assertThat(own.err()).contains("is the database of job src").doesNotContain("checking backup");
        Cli.Result sync = cli.run("-c", "config.yaml", "sync", "src", "target", "--auto-confirm");
        System.out.println("sync of [shop, " + x + "] into " + x + ": " + sync);
        assertThat(sync.exit()).as(sync.toString()).isEqualTo(1);
        assertThat(sync.err()).contains("datasources 'src' and 'target' are the same database").doesNotContain("sync started");

        // every database of the server: a scratch of any name there is one of them
        Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml"))
                .replace("databases: [shop, " + x + "]", "all_databases: true").replace("database: " + x, "database: " + fresh("new")));
        Cli.Result whole = cli.run("-c", "config.yaml", "drill", "other", "--to", "target");
        assertThat(whole.exit()).as(whole.toString()).isEqualTo(1);
        assertThat(whole.err()).contains("is the database of job src (datasource src, mysql://127.0.0.1:" + server.port()
                + "/(all databases)").doesNotContain("checking backup");
        assertThat(server.rootSql(exists).strip()).isEqualTo("1");
        assertThat(Fingerprint.of(server, "shop")).isEqualTo(source);
    }

    /**
     * The job's own database through the server's socket (the job reaches it on 127.0.0.1): the same database, so a drill
     * into it and a sync into it are refused before anything is read or written — compared as written, they were two.
     */
    @Test
    void theSourceDatabaseThroughTheSocketIsTheSameDatabase() throws Exception {
        config("shop", "database: shop");
        Cli.Result drill = cli.run("-c", "config.yaml", "drill", "src", "--to", "target");
        assertThat(drill.exit()).as(drill.toString()).isEqualTo(1);
        assertThat(drill.err()).contains("error: drill: --to target is the database of job src (datasource src, mysql://127.0.0.1:"
                + server.port() + "/shop; --to names it mysql://" + server.socket() + "/shop)").doesNotContain("checking backup");
        Cli.Result sync = cli.run("-c", "config.yaml", "sync", "src", "target", "--auto-confirm", "--clean");
        assertThat(sync.exit()).as(sync.toString()).isEqualTo(1);
        assertThat(sync.err()).contains("datasources 'src' and 'target' are the same database (mysql://127.0.0.1:" + server.port()
                + "/shop = mysql://" + server.socket() + "/shop): refusing to sync a database into itself");
        assertThat(Fingerprint.of(server, "shop")).isEqualTo(source);
    }

    @Test
    void syncIntoANewDatabaseGivesIdenticalFingerprintsWithoutWritingAFile() throws Exception {
        String copy = fresh("copy");
        config(copy, "database: shop");
        Map<String, String> filesBefore = WriteWatch.snapshot(dir);
        Cli.Result r;
        WriteWatch watch = WriteWatch.startIgnoringServers(scratch);
        try (watch) {
            r = cli.run("-c", "config.yaml", "sync", "src", "target");
        }
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err() + r.out()).doesNotContain(server.password());
        assertThat(Fingerprint.of(server, copy)).isEqualTo(source);
        assertThat(scratchDatabases()).as("scratch databases dropped").isEmpty();

        assertThat(watch.programsSeen()).as("the watch saw the tools run").contains("mariadb-dump", "mariadb");
        assertThat(watch.newlyOpenedForWriting()).as("no file opened for writing by dbbackup or its tools").isEmpty();
        assertThat(watch.maxFolderBytes()).as("the scratch folder never held more than the 0600 option file").isLessThan(4096);
        assertThat(WriteWatch.snapshot(dir)).as("working folder, scratch folder and store unchanged").isEqualTo(filesBefore);
        System.out.printf("mariadb sync: %s; %d polls of open files%n", r.out().strip(), watch.polls());

        // the restored objects work: the trigger fires, the routine and the view answer
        server.rootSql(copy, "CALL add_order(1000, 5.00);");
        assertThat(server.rootSql(copy, "SELECT COUNT(*) FROM audit WHERE what LIKE 'order % for 1000'").strip()).isEqualTo("1");
        assertThat(server.rootSql(copy, "SELECT spent(1000) > 0, COUNT(*) > 0 FROM big_spenders").strip()).isEqualTo("1\t1");
    }

    @Test
    void killingTheDumpMidwayLeavesAnEmptyTargetAsItWasWithExit2() throws Exception {
        String empty = fresh("empty");
        server.createDatabase(empty);
        config(empty, "database: shop");
        Map<String, String> before = Fingerprint.of(server, empty);
        Cli.Result r = syncKillingTheDumpMidway();
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("mariadb-dump failed (exit 137)").contains("nothing was changed in `" + empty + "`");
        assertThat(Fingerprint.of(server, empty)).isEqualTo(before);
        assertThat(scratchDatabases()).isEmpty();
    }

    @Test
    void killingTheDumpMidwayLeavesANonEmptyTargetAsItWasEvenWithClean() throws Exception {
        String busy = fresh("busy");
        server.createDatabase(busy);
        server.load(busy, schema);
        server.load(busy, "CREATE TABLE kept_locally (i INT PRIMARY KEY); INSERT INTO kept_locally VALUES (42);\n"
                + "DELETE FROM orders WHERE id < 100; DROP VIEW big_spenders;");
        config(busy, "database: shop");
        Map<String, String> before = Fingerprint.of(server, busy);
        Cli.Result r = syncKillingTheDumpMidway("--clean", "--auto-confirm");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("mariadb-dump failed (exit 137)").contains("nothing was changed in `" + busy + "`");
        assertThat(Fingerprint.of(server, busy)).isEqualTo(before);
        assertThat(scratchDatabases()).isEmpty();

        // not killed, the clean sync swaps everything in and drops what the source does not have
        Cli.Result ok = cli.run("-c", "config.yaml", "sync", "src", "target", "--clean", "--auto-confirm");
        assertThat(ok.exit()).as(ok.toString()).isZero();
        assertThat(Fingerprint.of(server, busy)).isEqualTo(source);
        assertThat(scratchDatabases()).isEmpty();
    }

    @Test
    void withoutCleanTheSyncReplacesWhatTheDumpHoldsAndKeepsTheRest() throws Exception {
        String busy = fresh("merge");
        server.createDatabase(busy);
        server.load(busy, schema);
        server.load(busy, "CREATE TABLE kept_locally (i INT PRIMARY KEY, customer INT UNSIGNED,"
                + " CONSTRAINT fk_kept FOREIGN KEY (customer) REFERENCES customers(id)) ENGINE=InnoDB;"
                + " INSERT INTO kept_locally VALUES (42, 1000);\n"
                + "DROP TABLE audit; CREATE VIEW audit AS SELECT 1 AS x; DELETE FROM orders WHERE id < 500;");
        config(busy, "database: shop");
        Cli.Result r = cli.run("-c", "config.yaml", "sync", "src", "target", "--auto-confirm");
        assertThat(r.exit()).as(r.toString()).isZero();
        Map<String, String> after = new java.util.TreeMap<>(Fingerprint.of(server, busy));
        assertThat(after.get("table kept_locally")).as("the kept table's foreign key points at the new customers table")
                .contains("REFERENCES `customers` (`id`)");
        assertThat(server.rootSql(busy, "SELECT c.name FROM kept_locally k JOIN customers c ON c.id = k.customer").strip())
                .isEqualTo("Zoë 🐘 Müller");
        after.keySet().removeIf(k -> k.endsWith(" kept_locally"));
        assertThat(after).isEqualTo(source);
        assertThat(scratchDatabases()).isEmpty();
    }

    @Test
    void accountGrantsOfTheSourceFollowTheTargetNotTheScratchDatabase() throws Exception {
        String copy = fresh("granted");
        server.rootSql("CREATE USER IF NOT EXISTS 'sync_reader'@'%' IDENTIFIED BY 'r3ad#er';\n"
                + "GRANT SELECT, SHOW VIEW ON `shop`.* TO 'sync_reader'@'%';\n"
                + "GRANT INSERT (note) ON `shop`.customers TO 'sync_reader'@'%';\n"
                + "GRANT EXECUTE ON PROCEDURE `shop`.add_order TO 'sync_reader'@'%';");
        config(copy, "database: shop\ninclude_grants: true\ngrants_for: [\"sync_reader@%\"]");
        Cli.Result r = cli.run("-c", "config.yaml", "sync", "src", "target");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Fingerprint.of(server, copy)).isEqualTo(source);
        List<String> grants = server.rootSql("SHOW GRANTS FOR 'sync_reader'@'%'").lines().toList();
        assertThat(grants).noneMatch(g -> g.contains("dbbackup_"));
        List<String> onShop = grants.stream().filter(g -> g.contains("`shop`")).map(g -> g.replace("`shop`", "`<db>`")).sorted().toList();
        List<String> onCopy = grants.stream().filter(g -> g.contains("`" + copy + "`")).map(g -> g.replace("`" + copy + "`", "`<db>`"))
                .sorted().toList();
        assertThat(onShop).hasSize(3);
        assertThat(onCopy).as("the source's grants, for the target").isEqualTo(onShop);
        assertThat(scratchDatabases()).isEmpty();
    }

    /**
     * The copy an interrupted sync could not drop (killed with SIGKILL: no chance to clean up) is a whole database
     * on the target server: the next sync says so, with its size, and leaves it (it may be a sync running now).
     */
    @Test
    void scratchDatabasesLeftByAnEarlierSyncAreSaidNotDropped() throws Exception {
        String leftover = "dbbackup_stage_0123456789ab";
        server.createDatabase(leftover);
        try {
            server.load(leftover, "CREATE TABLE t (id INT PRIMARY KEY, payload VARCHAR(200)) ENGINE=InnoDB;\n"
                    + "INSERT INTO t SELECT seq, REPEAT(MD5(seq), 4) FROM seq_1_to_20000;");
            String copy = fresh("copy");
            config(copy, "database: shop");
            Cli.Result r = cli.run("-c", "config.yaml", "sync", "src", "target");
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.err()).containsPattern("WARN .*scratch databases of earlier syncs are on the server.*"
                    + "drop them \\(DROP DATABASE\\) to free their space: " + leftover + " \\([0-9.]+ (KiB|MiB)\\)");
            assertThat(scratchDatabases()).as("said, not dropped").containsExactly(leftover);
            assertThat(Fingerprint.of(server, copy)).isEqualTo(source);
        } finally {
            server.rootSql("DROP DATABASE IF EXISTS " + leftover);
        }
        config(fresh("copy"), "database: shop");
        Cli.Result clean = cli.run("-c", "config.yaml", "sync", "src", "target");
        assertThat(clean.exit()).as(clean.toString()).isZero();
        assertThat(clean.err()).doesNotContain("scratch databases of earlier syncs");
    }

    /**
     * A dump of several databases names them and switches to them: loaded on the source's own server it would write into
     * the source's databases, whatever the target names — refused before anything is read (before, the dump ran until
     * the loader saw its header).
     */
    @Test
    void aSourceOfSeveralDatabasesIsRefused() throws Exception {
        String target = fresh("multi");
        config(target, "databases: [shop, mysql]");
        Cli.Result r = cli.run("-c", "config.yaml", "sync", "src", "target");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("error: sync: a dump of mariadb shop,mysql on 127.0.0.1:" + server.port()
                + " names databases mysql, shop and switches to them by name: loaded on the server of 'target' (mysql://"
                + server.socket() + "/" + target + ") it would write into those of 'src' themselves: refusing to sync a "
                + "database into itself");
        assertThat(server.rootSql("SHOW DATABASES LIKE '" + target + "'")).isBlank();
        assertThat(scratchDatabases()).isEmpty();
    }

    /**
     * A source of several databases ({@code databases:} or {@code all_databases}) into a one-database target on another
     * server: the staged load takes one database only (such a dump {@code USE}s the source's names), so it is refused
     * before anything runs — no connection to either server (their general logs show none from dbbackup's account), no
     * "sync started". Before, the loader refused it on reading the dump's header: the dump had already started.
     */
    @Test
    void aSourceOfSeveralDatabasesIntoAnotherServerIsRefusedBeforeTheDumpStarts() throws Exception {
        try (MariaDbServer other = MariaDbServer.start()) {
            Files.writeString(dir.resolve("config.yaml"), """
                    datasources:
                      some: {engine: mariadb, host: 127.0.0.1, port: %1$d, user: backup, password_env: DB_PW, databases: [shop, mysql]}
                      every: {engine: mariadb, host: 127.0.0.1, port: %1$d, user: backup, password_env: DB_PW, all_databases: true}
                      target: {engine: mariadb, host: 127.0.0.1, port: %2$d, user: backup, password_env: OTHER_PW, database: copy}
                    stores:
                      local: {type: local, path: store}
                    """.formatted(server.port(), other.port()));
            Cli withOther = cli.env("OTHER_PW", other.password());
            for (MariaDbServer s : List.of(server, other)) {
                s.rootSql("SET GLOBAL log_output = 'TABLE'; TRUNCATE mysql.general_log; SET GLOBAL general_log = 1;");
            }
            try {
                for (String source : List.of("some", "every")) {
                    String described = source.equals("some") ? "mariadb shop,mysql" : "mariadb (all databases)";
                    Cli.Result r = withOther.run("-c", "config.yaml", "sync", source, "target", "--auto-confirm");

                    assertThat(r.exit()).as(r.toString()).isEqualTo(1);
                    assertThat(r.err().strip()).as(source).isEqualTo("error: sync into mariadb copy on 127.0.0.1:"
                            + other.port() + " needs a one-database source (database: ...): " + described + " on 127.0.0.1:"
                            + server.port() + " is several databases, whose dump switches to their own names (USE) and"
                            + " cannot be loaded into a scratch database and swapped in; sync each database through a"
                            + " datasource naming it");
                    assertThat(r.err()).doesNotContain("sync started");
                }
                for (MariaDbServer s : List.of(server, other)) {
                    assertThat(s.rootSql("SELECT COUNT(*) FROM mysql.general_log WHERE user_host LIKE 'backup[%'").strip())
                            .as("statements of dbbackup's account on " + (s == server ? "the source" : "the target"))
                            .isEqualTo("0");
                }
            } finally {
                server.rootSql("SET GLOBAL general_log = 0; TRUNCATE mysql.general_log;");
            }
            assertThat(other.rootSql("SHOW DATABASES LIKE 'copy'")).isBlank();
            assertThat(other.rootSql("SHOW DATABASES LIKE 'dbbackup%'")).isBlank();
        }
    }

    /**
     * Starts the sync, waits until the client loading the scratch database has read 1 MiB, stops it (so
     * the dump backs up behind it and mariadb-dump is provably still running), kills mariadb-dump, lets the
     * client go.
     */
    private Cli.Result syncKillingTheDumpMidway(String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("-c", "config.yaml", "sync", "src", "target"));
        args.addAll(List.of(options));
        CompletableFuture<Cli.Result> run = CompletableFuture.supplyAsync(() -> cli.run(args.toArray(String[]::new)));
        Descendants.killProducerMidStream("mariadb", a -> a.stream().anyMatch(x -> x.startsWith("--database=dbbackup_stage_")),
                "mariadb-dump", run, () -> assertThat(scratchDatabases()).as("the scratch database is being loaded").hasSize(1));
        Cli.Result r = run.get(2, TimeUnit.MINUTES);
        System.out.println("mariadb sync, mariadb-dump killed mid-way: exit " + r.exit() + "\n" + r.err().lines()
                .filter(l -> l.startsWith("error:")).reduce("", (a, b) -> a + b + "\n"));
        assertThat(Descendants.find("mariadb", a -> true)).as("the loader is gone").isEmpty();
        try (var s = Files.list(scratch)) {
            assertThat(s.toList()).as("scratch folder cleaned").isEmpty();
        }
        return r;
    }

    /**
     * The audit's F7: a view whose definer has rights on the source database only is shown by the server, in the scratch
     * database, with its columns qualified by that database's name; recreated in the target from that SQL it failed
     * ({@code Unknown column 'dbbackup_stage_….t.id'}) after the target's tables had been swapped out.
     */
    @Test
    void aViewWhoseDefinerHasRightsOnTheSourceOnlyIsSwappedIn() throws Exception {
        String src = fresh("defsrc");
        String dst = fresh("defdst");
        server.rootSql("CREATE USER IF NOT EXISTS 'view_owner'@'%'; CREATE DATABASE " + src + "; USE " + src + ";"
                + " CREATE TABLE t (id int); INSERT INTO t VALUES (1); CREATE VIEW v_root AS SELECT id FROM t;"
                + " CREATE DEFINER='view_owner'@'%' VIEW v_def AS SELECT id FROM t; GRANT ALL ON " + src + ".* TO 'view_owner'@'%';"
                + " CREATE DATABASE " + dst + "; USE " + dst + "; CREATE TABLE keepme (id int); INSERT INTO keepme VALUES (42);"
                + " CREATE VIEW v_root AS SELECT 'old' AS id;");
        config(dst, "database: " + src);

        Cli.Result r = cli.run("-c", "config.yaml", "sync", "src", "target", "--clean", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(server.rootSql(dst, "SHOW FULL TABLES").strip()).isEqualTo("t\tBASE TABLE\nv_def\tVIEW\nv_root\tVIEW");
        assertThat(server.rootSql(dst, "SELECT id FROM v_root").strip()).isEqualTo("1");
        assertThat(server.rootSql("SELECT VIEW_DEFINITION FROM information_schema.VIEWS WHERE TABLE_SCHEMA = '" + dst
                + "' AND TABLE_NAME = 'v_def'").strip()).contains("`" + dst + "`.`t`.`id`").doesNotContain("dbbackup_");
        assertThat(scratchDatabases()).isEmpty();
    }

    /**
     * A view that also reads another database is printed with every table and function named with its database
     * ({@code from (`shop`.`t` join `other`.`o` …)}, {@code `shop`.`f`(…)}): synced under another name, the copy's views
     * read the copy, as a restore's do ({@link ViewNames}) — before, they read the source's tables and called its
     * function, so a change in the source showed in the copy.
     */
    @Test
    void viewsOfACopyUnderAnotherNameReadTheCopyNotTheSource() throws Exception {
        String src = fresh("vshop");
        String copy = fresh("vshop_copy");
        String other = fresh("vother");
        server.rootSql("CREATE DATABASE " + other + "; CREATE TABLE " + other + ".o (id int, n varchar(5));"
                + " INSERT INTO " + other + ".o VALUES (1, 'x'), (2, 'y');"
                + " CREATE DATABASE " + src + "; USE " + src + "; CREATE TABLE t (id int PRIMARY KEY, v varchar(10));"
                + " INSERT INTO t VALUES (1, 'a'), (2, 'b');"
                + " CREATE FUNCTION f(x int) RETURNS varchar(10) READS SQL DATA RETURN (SELECT v FROM t WHERE id = x);"
                + " CREATE VIEW v AS SELECT t.id, t.v, o.n FROM " + src + ".t JOIN " + other + ".o o ON o.id = t.id;"
                + " CREATE VIEW vf AS SELECT " + src + ".f(1) AS v;"
                + " CREATE VIEW vplain AS SELECT id, v FROM " + src + ".t;");
        config(copy, "database: " + src);

        Cli.Result r = cli.run("-c", "config.yaml", "sync", "src", "target");
        server.rootSql(src, "UPDATE t SET v = 'in source' WHERE id = 1");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(server.rootSql(copy, "SELECT GROUP_CONCAT(CONCAT(id, v, n) ORDER BY id) FROM v").strip()).isEqualTo("1ax,2by");
        assertThat(server.rootSql(copy, "SELECT v FROM vf").strip()).isEqualTo("a");
        assertThat(server.rootSql(copy, "SELECT v FROM vplain WHERE id = 1").strip()).isEqualTo("a");
        assertThat(server.rootSql("SELECT GROUP_CONCAT(VIEW_DEFINITION) FROM information_schema.VIEWS WHERE TABLE_SCHEMA = '"
                + copy + "'")).doesNotContain("`" + src + "`").doesNotContain("dbbackup_").contains("`" + other + "`.`o`");
        assertThat(scratchDatabases()).isEmpty();
    }

    /**
     * The same view synced under its own name to another server that does not have that database yet: the scratch database
     * is loaded with the view reading the scratch database, not the (missing) target — before, the load failed with
     * {@code Table '….t' doesn't exist}.
     */
    @Test
    void aViewNamingItsOwnDatabaseSyncsToAnotherServerUnderItsOwnName() throws Exception {
        String src = fresh("oshop");
        String other = fresh("oother");
        String view = "CREATE VIEW v AS SELECT t.id, o.n FROM " + src + ".t JOIN " + other + ".o o ON o.id = t.id;";
        server.rootSql("CREATE DATABASE " + other + "; CREATE TABLE " + other + ".o (id int, n varchar(5));"
                + " INSERT INTO " + other + ".o VALUES (1, 'x'); CREATE DATABASE " + src + "; USE " + src + ";"
                + " CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1); " + view);
        try (MariaDbServer there = MariaDbServer.start()) {
            there.rootSql("CREATE DATABASE " + other + "; CREATE TABLE " + other + ".o (id int, n varchar(5));"
                    + " INSERT INTO " + other + ".o VALUES (1, 'there');");
            Files.writeString(dir.resolve("config.yaml"), """
                    datasources:
                      src: {engine: mariadb, host: 127.0.0.1, port: %1$d, user: backup, password_env: DB_PW, database: %3$s}
                      target: {engine: mariadb, host: 127.0.0.1, port: %2$d, user: backup, password_env: OTHER_PW, database: %3$s}
                    stores:
                      local: {type: local, path: store}
                    """.formatted(server.port(), there.port(), src));

            Cli.Result r = cli.env("OTHER_PW", there.password()).run("-c", "config.yaml", "sync", "src", "target");

            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(there.rootSql(src, "SELECT CONCAT(id, n) FROM v").strip()).isEqualTo("1there");
            assertThat(there.rootSql("SHOW CREATE VIEW " + src + ".v")).contains("`" + src + "`.`t`").doesNotContain("dbbackup_");
            assertThat(there.rootSql("SHOW DATABASES LIKE 'dbbackup%'")).isBlank();
        }
    }

    /**
     * A view whose definer is gone at the source is printed as stored, its columns naming the source database ({@code
     * `shop`.`t`.`id`}): synced under another name it is rewritten as a restore rewrites it, and reads the copy — before,
     * the load into the scratch database failed ({@code Unknown column}) and with it the whole sync.
     */
    @Test
    void aViewWhoseDefinerIsGoneSyncsUnderAnotherNameReadingTheCopy() throws Exception {
        String src = fresh("gshop");
        String copy = fresh("gshop_copy");
        server.rootSql("CREATE USER IF NOT EXISTS gone@'%'; GRANT ALL ON *.* TO gone@'%';"
                + " CREATE DATABASE " + src + "; USE " + src + "; CREATE TABLE t (id int PRIMARY KEY, v varchar(10));"
                + " INSERT INTO t VALUES (1, 'a'); CREATE DEFINER=gone@'%' VIEW vg AS SELECT t.id, t.v FROM t;"
                + " DROP USER gone@'%';");
        try {
            config(copy, "database: " + src);

            Cli.Result r = cli.run("-c", "config.yaml", "sync", "src", "target");
            server.rootSql(src, "UPDATE t SET v = 'in source' WHERE id = 1");

            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(server.rootSql("SHOW CREATE VIEW " + copy + ".vg")).doesNotContain("`" + src + "`").doesNotContain("dbbackup_");
            server.rootSql("CREATE USER gone@'%'; GRANT ALL ON *.* TO gone@'%';");
            assertThat(server.rootSql(copy, "SELECT CONCAT(id, v) FROM vg").strip()).isEqualTo("1a");
            assertThat(scratchDatabases()).isEmpty();
        } finally {
            server.rootSql("DROP USER IF EXISTS gone@'%'");
        }
    }

    /**
     * A swap that fails after the tables were renamed (here: the target's account may not create views there) is undone:
     * the new tables moved out, the target's moved back (all with --clean, the replaced {@code t} without), its own
     * triggers and routines recreated, its character set put back, the scratch databases dropped.
     */
    @Test
    void aSwapThatFailsHalfwayIsUndoneAndTheTargetIsAsItWas() throws Exception {
        String src = fresh("undosrc");
        String dst = fresh("undodst");
        server.rootSql("CREATE USER IF NOT EXISTS 'syncer'@'127.0.0.1' IDENTIFIED BY 'sync#pw';"
                + " GRANT ALL ON `dbbackup\\_%`.* TO 'syncer'@'127.0.0.1';"
                + " CREATE DATABASE " + src + "; CREATE DATABASE " + dst + ";"
                + " GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, TRIGGER, CREATE ROUTINE, ALTER ROUTINE,"
                + " EVENT, SHOW VIEW, LOCK TABLES, EXECUTE ON " + dst + ".* TO 'syncer'@'127.0.0.1'; GRANT SELECT ON " + src + ".* TO 'syncer'@'127.0.0.1';"
                + " USE " + src + "; CREATE TABLE t (id int); INSERT INTO t VALUES (1);"
                + " CREATE DEFINER='syncer'@'127.0.0.1' VIEW v AS SELECT id FROM t;"
                + " USE " + dst + "; CREATE TABLE mine (id int, note varchar(10)); INSERT INTO mine VALUES (7, 'mine');"
                + " CREATE TABLE t (id int, replaced_by_the_dump int); INSERT INTO t VALUES (3, 3);"
                + " CREATE TABLE keepme (id int); INSERT INTO keepme VALUES (42);"
                + " CREATE DEFINER='syncer'@'127.0.0.1' TRIGGER keep_trg BEFORE INSERT ON keepme FOR EACH ROW SET NEW.id = NEW.id + 1;"
                + " CREATE DEFINER='syncer'@'127.0.0.1' PROCEDURE p() SELECT 1;"
                + " ALTER DATABASE " + dst + " CHARACTER SET latin1 COLLATE latin1_swedish_ci;");
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  src: {engine: mariadb, host: 127.0.0.1, port: %1$d, user: backup, password_env: DB_PW, database: %2$s}
                  target: {engine: mariadb, host: 127.0.0.1, port: %1$d, user: syncer, password_env: SYNC_PW, database: %3$s}
                stores:
                  local: {type: local, path: store}
                """.formatted(server.port(), src, dst));
        Map<String, String> before = Fingerprint.of(server, dst);

        for (boolean clean : new boolean[] {true, false}) { // with --clean the target's tables move out, without it they stay
            String mode = clean ? "--clean" : "without --clean";
            List<String> args = new ArrayList<>(List.of("-c", "config.yaml", "sync", "src", "target", "--auto-confirm"));
            if (clean) {
                args.add("--clean");
            }
            Cli.Result r = cli.env("SYNC_PW", "sync#pw").run(args.toArray(String[]::new));

            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).as(mode).contains("CREATE VIEW command denied", "failed and was undone: `" + dst + "` is as it was");
            assertThat(Fingerprint.of(server, dst)).as(mode).isEqualTo(before);
            assertThat(server.rootSql(dst, "SELECT id, note FROM mine").strip()).isEqualTo("7\tmine");
            assertThat(server.rootSql(dst, "SELECT * FROM t").strip()).isEqualTo("3\t3");
            assertThat(server.rootSql("SELECT DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '"
                    + dst + "'").strip()).isEqualTo("latin1");
            assertThat(scratchDatabases()).isEmpty();
        }
    }
}
