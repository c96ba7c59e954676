package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.Reseal;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code drill} on SQLite: the newest backup restored into an empty scratch file as restore does it, the result
 * said, the file removed again; it never writes into anything that exists, and a corrupt backup fails it (exit 3).
 */
class DrillCliTest {
    @TempDir
    Path dir;
    Cli cli;

    @BeforeEach
    void setUp() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 300);
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db, compression: zstd}
                  scratch: {engine: sqlite, path: scratch/drill.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                  app:
                    datasource: app
                    store: local
                    drill_checks: ["select count(*) from customers", "select count(*) > 0 from orders"]
                """);
        Files.createDirectories(dir.resolve("scratch"));
        cli = new Cli().workingDir(dir);
        assertThat(cli.run("-c", "config.yaml", "backup", "app").exit()).isZero();
    }

    private Path artifact() throws Exception {
        try (Stream<Path> s = Files.walk(dir.resolve("store"))) {
            return s.filter(p -> p.toString().endsWith(".sqlite.zst")).findFirst().orElseThrow();
        }
    }

    @Test
    void theBackupIsRestoredIntoTheScratchFileTimedDescribedAndRemoved() throws Exception {
        Cli.Result r = cli.run("-c", "config.yaml", "drill", "app", "--to", "scratch");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).containsPattern("ok drill of job app: restored app/app-\\d{8}-\\d{6}\\.sqlite\\.zst \\(.+ decoded\\) into sqlite "
                + ".*scratch/drill\\.db in \\d").contains("   then " + dir.resolve("scratch/drill.db") + " holds ", "   removed again");
        assertThat(r.out()).contains("   check ok: select count(*) from customers -> 300\n",
                "   check ok: select count(*) > 0 from orders -> 1\n");
        assertThat(r.err()).contains("checking backup before restore", "drill finished");
        try (Stream<Path> s = Files.list(dir.resolve("scratch"))) {
            assertThat(s).as("nothing left in the scratch folder").isEmpty();
        }

        Cli.Result kept = cli.run("-c", "config.yaml", "drill", "app", "--to", "scratch", "--keep");
        assertThat(kept.exit()).as(kept.toString()).isZero();
        assertThat(SqliteFixture.fingerprint(dir.resolve("scratch/drill.db"))).isEqualTo(SqliteFixture.fingerprint(dir.resolve("app.db")));
    }

    @Test
    void aTargetThatHoldsAnythingOrTheJobsOwnDatasourceIsRefusedBeforeAnythingIsRead() throws Exception {
        SqliteFixture.create(dir.resolve("scratch/drill.db"), 5);
        byte[] before = Files.readAllBytes(dir.resolve("scratch/drill.db"));
        Cli.Result r = cli.run("-c", "config.yaml", "drill", "app", "--to", "scratch");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("error: drill: the target sqlite " + dir.resolve("scratch/drill.db") + " is not empty")
                .doesNotContain("checking backup");
        assertThat(Files.readAllBytes(dir.resolve("scratch/drill.db"))).isEqualTo(before);

        Cli.Result own = cli.run("-c", "config.yaml", "drill", "app", "--to", "app");
        assertThat(own.exit()).isEqualTo(1);
        assertThat(own.err()).contains("--to app is job app's own datasource");
        assertThat(cli.run("-c", "config.yaml", "drill", "app").err()).contains("Missing required option: '--to=DATASOURCE'");
    }

    /**
     * A scratch datasource that is the job's own file under another name (a symlink to it) is refused before anything
     * is read or removed: were the job's file empty of tables, the drill would restore into it and then delete it.
     */
    @Test
    void aScratchDatasourceThatIsTheJobsOwnDatabaseUnderAnotherNameIsRefused() throws Exception {
        Files.createSymbolicLink(dir.resolve("scratch/drill.db"), dir.resolve("app.db"));
        Cli.Result r = cli.run("-c", "config.yaml", "drill", "app", "--to", "scratch");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("error: drill: --to scratch is the database of job app (datasource app, sqlite:"
                + dir.resolve("app.db").toRealPath() + ")").doesNotContain("checking backup");

        // the job's file holding no table (yet, or any more): not empty by the scratch rule, and still never touched
        dropEverything(dir.resolve("app.db"));
        byte[] emptied = Files.readAllBytes(dir.resolve("app.db"));
        Cli.Result empty = cli.run("-c", "config.yaml", "drill", "app", "--to", "scratch");
        assertThat(empty.exit()).as(empty.toString()).isEqualTo(1);
        assertThat(empty.err()).contains("is the database of job app").doesNotContain("checking backup");
        assertThat(dir.resolve("app.db")).as("the job's own file").exists();
        assertThat(Files.readAllBytes(dir.resolve("app.db"))).isEqualTo(emptied);
        Cli.Result all = cli.run("-c", "config.yaml", "drill", "--all", "--to", "scratch");
        assertThat(all.exit()).as(all.toString()).isEqualTo(1);
        assertThat(all.err()).contains("is the database of job app");
        assertThat(Files.readAllBytes(dir.resolve("app.db"))).isEqualTo(emptied);
    }

    /**
     * A hard link to the job's file is another path to the same inode: compared by real path (symlinks resolved) it was
     * another file; the job's file holding no table, the drill restored into it and then deleted the link's name. Now
     * refused before anything is read, by file identity (device and inode).
     */
    @Test
    void aHardLinkToTheJobsFileIsTheJobsDatabase() throws Exception {
        dropEverything(dir.resolve("app.db"));
        byte[] emptied = Files.readAllBytes(dir.resolve("app.db"));
        Files.createLink(dir.resolve("scratch/drill.db"), dir.resolve("app.db"));
        Cli.Result r = cli.run("-c", "config.yaml", "drill", "app", "--to", "scratch");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("error: drill: --to scratch is the database of job app (datasource app, sqlite:"
                + dir.resolve("app.db").toRealPath() + "; --to names it sqlite:" + dir.resolve("scratch/drill.db").toRealPath() + ")")
                .doesNotContain("checking backup");
        Cli.Result all = cli.run("-c", "config.yaml", "drill", "--all", "--to", "scratch");
        assertThat(all.exit()).as(all.toString()).isEqualTo(1);
        assertThat(all.err()).contains("is the database of job app").doesNotContain("checking backup");
        assertThat(dir.resolve("scratch/drill.db")).exists();
        assertThat(Files.readAllBytes(dir.resolve("app.db"))).isEqualTo(emptied);
    }

    /** Drops every table and view of a SQLite file: it exists, holding nothing a drill's emptiness rule would see. */
    private static void dropEverything(Path file) throws Exception {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
             java.sql.Statement st = c.createStatement()) {
            java.util.List<String> drops = new java.util.ArrayList<>();
            try (java.sql.ResultSet rs = st.executeQuery("select type, name from sqlite_master where type in ('view', 'table') "
                    + "and name not like 'sqlite_%' order by type desc")) {
                while (rs.next()) {
                    drops.add("drop " + rs.getString(1) + " \"" + rs.getString(2) + "\"");
                }
            }
            st.execute("pragma foreign_keys = off");
            for (String d : drops) {
                st.execute(d);
            }
        }
    }

    /** --all: each job of the scratch's kind in turn, a failing one reported and the next still drilled. */
    @Test
    void allDrillsEveryJobOfTheScratchsKindOneAfterTheOther() throws Exception {
        SqliteFixture.create(dir.resolve("other.db"), 40);
        Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml"))
                .replace("  scratch:", "  other: {engine: sqlite, path: other.db}\n  scratch:")
                + "  other: {datasource: other, store: local}\n");
        assertThat(cli.run("-c", "config.yaml", "backup", "other").exit()).isZero();
        Cli.Result r = cli.run("-c", "config.yaml", "drill", "--all", "--to", "scratch");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("ok drill of job app: ", "ok drill of job other: ", "2 of 2 jobs drilled (exit 0)");

        Path a = artifact();
        byte[] b = Files.readAllBytes(a);
        b[b.length / 2] ^= 0x01;
        Files.write(a, b);
        Cli.Result partly = cli.run("-c", "config.yaml", "drill", "--all", "--to", "scratch", "--json");
        assertThat(partly.exit()).as(partly.toString()).isEqualTo(3); // a corrupt backup outranks "some failed" (4)
        assertThat(partly.out()).containsPattern("\"job\" *: *\"app\",\\s*\"ok\" *: *false,\\s*\"exit\" *: *3")
                .containsPattern("\"job\" *: *\"other\",\\s*\"ok\" *: *true");
        assertThat(dir.resolve("scratch/drill.db")).doesNotExist();
        assertThat(cli.run("-c", "config.yaml", "drill", "app", "--all", "--to", "scratch").err())
                .contains("--all drills every job of the scratch's kind: name no JOB or KEY with it");
    }

    /** --all --keep would keep the first job's copy and then find the scratch not empty for every other: refused up front. */
    @Test
    void allWithKeepIsRefusedBeforeAnythingIsRestored() throws Exception {
        SqliteFixture.create(dir.resolve("other.db"), 40);
        Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml"))
                .replace("  scratch:", "  other: {engine: sqlite, path: other.db}\n  scratch:")
                + "  other: {datasource: other, store: local}\n");
        assertThat(cli.run("-c", "config.yaml", "backup", "other").exit()).isZero();
        Cli.Result r = cli.run("-c", "config.yaml", "drill", "--all", "--to", "scratch", "--keep");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("error: --keep leaves one job's restored copy in the scratch target")
                .doesNotContain("checking backup");
        assertThat(r.out()).isEmpty();
        assertThat(dir.resolve("scratch/drill.db")).doesNotExist();
    }

    /** drill --json: a failure is a JSON row (as drill --all's), and the exit code is the failure's. */
    @Test
    void aFailedDrillWithJsonPrintsItsFailureAsJsonAndExitsWithItsCode() throws Exception {
        Path a = artifact();
        byte[] b = Files.readAllBytes(a);
        b[b.length / 2] ^= 0x01;
        Files.write(a, b);
        Cli.Result r = cli.run("-c", "config.yaml", "drill", "app", "--to", "scratch", "--json");
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        java.util.Map<?, ?> row = (java.util.Map<?, ?>) io.dbbackup.core.Json.parse(r.out());
        assertThat(row.get("job")).isEqualTo("app");
        assertThat(row.get("ok")).isEqualTo(false);
        assertThat(((Number) row.get("exit")).intValue()).isEqualTo(3);
        assertThat((String) row.get("error")).contains("checksum mismatch");
        assertThat(r.err()).contains("checksum mismatch");
        assertThat(dir.resolve("scratch/drill.db")).doesNotExist();

        SqliteFixture.create(dir.resolve("scratch/drill.db"), 5);
        Cli.Result full = cli.run("-c", "config.yaml", "drill", "app", "--to", "scratch", "--json");
        assertThat(full.exit()).as(full.toString()).isEqualTo(1);
        java.util.Map<?, ?> refused = (java.util.Map<?, ?>) io.dbbackup.core.Json.parse(full.out());
        assertThat(refused.get("ok")).isEqualTo(false);
        assertThat(((Number) refused.get("exit")).intValue()).isEqualTo(1);
        assertThat((String) refused.get("error")).contains("is not empty");
    }

    /** A check the restored copy does not meet fails the drill as an integrity failure, and the copy is removed. */
    @Test
    void aCheckTheRestoredCopyDoesNotMeetFailsTheDrill() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml"))
                .replace("\"select count(*) > 0 from orders\"", "\"select count(*) from orders where total < 0\""));
        Cli.Result r = cli.run("-c", "config.yaml", "drill", "app", "--to", "scratch");
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.err()).contains("error: drill of job app: the check 'select count(*) from orders where total < 0' "
                + "returned '0' on the restored copy of app/app-").contains("(expected true or a positive number)");
        assertThat(dir.resolve("scratch/drill.db")).doesNotExist();

        Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml"))
                .replace("\"select count(*) from orders where total < 0\"", "\"select count(*) from no_such_table\""));
        Cli.Result broken = cli.run("-c", "config.yaml", "drill", "app", "--to", "scratch");
        assertThat(broken.exit()).isEqualTo(3);
        assertThat(broken.err()).contains("the check 'select count(*) from no_such_table' failed on the restored copy", "no such table");
        assertThat(dir.resolve("scratch/drill.db")).doesNotExist();
    }

    @Test
    void aCorruptBackupFailsTheDrillAsAnIntegrityFailureAndLeavesNothing() throws Exception {
        Path a = artifact();
        byte[] original = Files.readAllBytes(a);
        byte[] b = original.clone();
        b[b.length / 2] ^= 0x01;
        Files.write(a, b);
        Cli.Result r = cli.run("-c", "config.yaml", "drill", "app", "--to", "scratch", "--json");
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.err()).contains("checksum mismatch");
        assertThat(r.out()).containsPattern("\"ok\" *: *false");
        assertThat(dir.resolve("scratch/drill.db")).doesNotExist();

        Files.write(a, original);
        Reseal.rewrite(a, bytes -> java.util.Arrays.copyOf(bytes, bytes.length / 2)); // cut short, its checksum matching
        Cli.Result cut = cli.run("-c", "config.yaml", "drill", "app", "--to", "scratch");
        assertThat(cut.exit()).as(cut.toString()).isEqualTo(3);
        assertThat(dir.resolve("scratch/drill.db")).doesNotExist();
    }
}
