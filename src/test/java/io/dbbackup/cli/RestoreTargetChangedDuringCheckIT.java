package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A restore reaches its target before its check read (a wrong password is said at once, not after an hour's read), and
 * looks at it again after that read: what the confirmation is about is what the target holds when the restore starts,
 * not what it held before the read. A target that was absent when the restore began and that someone filled during the
 * read (the slow store's 3 MB take about 4 s) is not overwritten without confirmation: with no terminal to ask, the
 * restore refuses (exit 1) and the table put there is intact. Before the second look, the restore replaced it.
 */
class RestoreTargetChangedDuringCheckIT {
    @TempDir
    Path dir;

    @Test
    void aTargetFilledDuringTheCheckReadIsNotOverwrittenWithoutConfirmation() throws Exception {
        Path db = dir.resolve("app.db");
        sql(db, "create table blobs(b blob)",
                "with recursive c(x) as (select 1 union all select x + 1 from c where x < 3) "
                        + "insert into blobs select randomblob(1000000) from c");
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db, compression: none}
                  restored: {engine: sqlite, path: restored.db}
                stores:
                  slow: {type: faulty, path: store, slow_reads: true}
                jobs:
                  app: {datasource: app, store: slow, verify: false}
                """);
        Cli.Result backup = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "app");
        assertThat(backup.exit()).as(backup.toString()).isZero();

        Path target = dir.resolve("restored.db");
        assertThat(target).doesNotExist();
        CompletableFuture<Cli.Result> restore = CompletableFuture.supplyAsync(() -> {
            try {
                return new Cli().workingDir(dir).run("-c", "config.yaml", "restore", "app", "--to", "restored");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(1500); // the restore has looked at the absent target and is reading the backup
        assertThat(restore).as("the check read is still going on").isNotDone();
        sql(target, "create table precious(x)", "insert into precious values (42)");
        Cli.Result r = restore.get();

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).as(r.toString()).contains("refusing to overwrite sqlite " + target).contains("pass --auto-confirm");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + target);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select x from precious")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).as("the table put there during the read is intact").isEqualTo(42);
        }
    }

    private static void sql(Path db, String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            for (String q : statements) {
                s.execute(q);
            }
        }
    }
}
