package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SqliteFixture;
import io.dbbackup.testkit.SteppingClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A SQLite restore's dry run says what the restore does with a target file that does not exist, and the restore then
 * does it: a whole restore creates it (and its folder); {@code --table} creates it holding that table only, but makes no
 * folder; {@code --data-only} has no tables to load rows into. The two that fail are refused before the backup is read,
 * one line, exit 1. Before, the target line said only {@code PATH does not exist}, and those two failed after the read.
 */
class SqliteRestoreIntoAMissingFileCliTest {
    @TempDir
    Path dir;

    private Cli cli;

    @BeforeEach
    void aBackup() throws Exception {
        SqliteFixture.create(dir.resolve("shop.db"), 50);
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  shop: {engine: sqlite, path: shop.db}
                  here: {engine: sqlite, path: here/new.db}
                  nowhere: {engine: sqlite, path: nowhere/deeper/new.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                  nightly: {datasource: shop, store: local}
                """);
        Files.createDirectories(dir.resolve("here"));
        cli = new Cli().workingDir(dir).env("DBBACKUP_TMPDIR", dir.resolve("tmp").toString())
                .clock(new SteppingClock(Instant.parse("2026-12-03T02:00:00Z"), Duration.ofMinutes(1)));
        assertThat(cli.run("-c", "config.yaml", "backup", "nightly").exit()).isZero();
    }

    private static String targetLine(Cli.Result r) {
        return r.out().lines().filter(l -> l.startsWith("target: ")).findFirst().orElse("(no target line) " + r);
    }

    private static List<String> errors(Cli.Result r) {
        return r.err().lines().filter(l -> l.startsWith("error: ")).toList();
    }

    private static List<String> tables(Path db) throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select name from sqlite_master where type in ('table', 'view') order by name")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    @Test
    void aWholeRestoreCreatesTheFileAndItsFolderAsItsDryRunSays() throws Exception {
        Path here = dir.resolve("here/new.db");
        Path nowhere = dir.resolve("nowhere/deeper/new.db");

        Cli.Result dryHere = cli.run("-c", "config.yaml", "restore", "nightly", "--to", "here", "--dry-run");
        Cli.Result dryNowhere = cli.run("-c", "config.yaml", "restore", "nightly", "--to", "nowhere", "--dry-run");

        assertThat(dryHere.exit()).as(dryHere.toString()).isZero();
        assertThat(targetLine(dryHere)).isEqualTo("target: " + here + " does not exist; the restore creates it");
        assertThat(targetLine(dryNowhere)).isEqualTo("target: " + nowhere + " does not exist; the restore creates it and its "
                + "folder " + nowhere.getParent());
        assertThat(dir.resolve("nowhere")).doesNotExist();

        for (String to : List.of("here", "nowhere")) {
            Cli.Result r = cli.run("-c", "config.yaml", "restore", "nightly", "--to", to, "--auto-confirm");
            assertThat(r.exit()).as(r.toString()).isZero();
        }
        assertThat(tables(here)).containsExactly("big_orders", "customers", "orders");
        assertThat(tables(nowhere)).containsExactly("big_orders", "customers", "orders");
    }

    @Test
    void aTableRestoreCreatesTheFileHoldingThatTableOnlyAsItsDryRunSays() throws Exception {
        Path here = dir.resolve("here/new.db");

        Cli.Result dry = cli.run("-c", "config.yaml", "restore", "nightly", "--to", "here", "--table", "orders", "--dry-run");
        assertThat(dry.exit()).as(dry.toString()).isZero();
        assertThat(targetLine(dry)).isEqualTo("target: " + here + " does not exist; the restore creates it, holding table "
                + "orders only");
        assertThat(here).doesNotExist();

        Cli.Result r = cli.run("-c", "config.yaml", "restore", "nightly", "--to", "here", "--table", "orders", "--auto-confirm");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(tables(here)).containsExactly("orders");
    }

    /** A table restore makes no folder, and --data-only has no table to load into: said by the dry run, refused before the read. */
    @Test
    void aPartialRestoreThatCannotGoIntoTheMissingFileFailsBeforeTheReadAsItsDryRunSays() throws Exception {
        Path nowhere = dir.resolve("nowhere/deeper/new.db");
        Path here = dir.resolve("here/new.db");

        Cli.Result dryTable = cli.run("-c", "config.yaml", "restore", "nightly", "--to", "nowhere", "--table", "orders", "--dry-run");
        Cli.Result table = cli.run("-c", "config.yaml", "restore", "nightly", "--to", "nowhere", "--table", "orders",
                "--auto-confirm");
        Cli.Result dryRows = cli.run("-c", "config.yaml", "restore", "nightly", "--to", "here", "--table", "orders",
                "--data-only", "--dry-run");
        Cli.Result rows = cli.run("-c", "config.yaml", "restore", "nightly", "--to", "here", "--table", "orders", "--data-only",
                "--auto-confirm");

        assertThat(targetLine(dryTable)).isEqualTo("target: " + nowhere + " does not exist; its folder " + nowhere.getParent()
                + " does not exist (a restore in part makes none): the restore of table orders would fail");
        assertThat(table.exit()).as(table.toString()).isEqualTo(1);
        assertThat(errors(table)).as(table.toString()).containsExactly("error: cannot restore into SQLite database " + nowhere
                + ": its folder " + nowhere.getParent() + " does not exist (a restore in part makes none); nothing was "
                + "restored: nothing was made (make the folder, or restore the whole database, which makes it, or check the "
                + "datasource's path)");
        assertThat(table.err()).as("refused before the read").doesNotContain("checking backup before restore");
        assertThat(dir.resolve("nowhere")).doesNotExist();

        assertThat(targetLine(dryRows)).isEqualTo("target: " + here + " does not exist; --data-only "
                + "loads rows into tables that exist: the restore of the rows of table orders would fail");
        assertThat(rows.exit()).as(rows.toString()).isEqualTo(1);
        assertThat(errors(rows)).as(rows.toString()).containsExactly("error: cannot restore into SQLite database " + here
                + ": it does not exist, and --data-only loads rows into tables that exist; nothing was restored: nothing was "
                + "made (restore without --data-only, which creates it, or check the datasource's path)");
        assertThat(rows.err()).as("refused before the read").doesNotContain("checking backup before restore");
        assertThat(here).doesNotExist();
    }
}
