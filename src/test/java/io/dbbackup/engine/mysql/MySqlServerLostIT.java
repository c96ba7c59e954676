package io.dbbackup.engine.mysql;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server lost while mariadb-dump streams rows, or while a restore loads them: the connection killed by a DBA
 * ({@code KILL id}), or mariadbd itself killed. The backup must fail as a failure (never a short dump stored as a success),
 * leave nothing under a final key and no sidecar, say {@code 2013 Lost connection} in one line with the likely causes, and
 * be retried per the job's policy; the restore must fail, not say "restored".
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MySqlServerLostIT extends MySqlCliFixture {
    /** A table whose dump takes a few seconds: long enough to be caught while it streams. */
    private static final String BIG = "CREATE TABLE big(id int primary key auto_increment, v varchar(200));"
            + "INSERT INTO big(v) SELECT REPEAT(MD5(seq), 5) FROM seq_1_to_400000;";

    @Test
    @Order(1)
    void aDumpWhoseConnectionIsKilledFailsIsRetriedAndOnlyTheRetrysObjectIsStored() throws Exception {
        freshShop(BIG);
        cli = configure("", "", "  big: {datasource: shop, store: local, prefix: big, retry: {max_attempts: 2, delay: 1s}}\n");
        CompletableFuture<Cli.Result> run = CompletableFuture.supplyAsync(() -> cli.run("-c", "config.yaml", "backup", "big"));

        killOnce("KILL " + dumpConnection());

        Cli.Result r = run.get(120, TimeUnit.SECONDS);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out() + r.err()).as(r.toString()).contains("Lost connection to server during query when dumping table `big`")
                .contains("the connection was killed (KILL)").contains("attempt=1/2 retry=true");
        List<Path> stored = stored("big");
        assertThat(stored).as(r.toString()).hasSize(3) // one dump, its .sha256 and .manifest.json: the retry's
                .allMatch(p -> p.getFileName().toString().startsWith(stored.get(0).getFileName().toString()));
    }

    /**
     * The restore's connection killed mid-load: a failure naming 2013 or 2006 and the line, never "restored", and the
     * database it created dropped again.
     */
    @Test
    @Order(2)
    void aRestoreWhoseConnectionIsKilledFailsAndDropsTheDatabaseItCreated() throws Exception {
        freshShop(BIG);
        cli = configure("");
        runBackup("shop");
        CompletableFuture<Cli.Result> run = CompletableFuture.supplyAsync(
                () -> cli.run("-c", "config.yaml", "restore", "shop", "--to", "scratch", "--auto-confirm"));

        String id = "";
        for (int i = 0; i < 600 && id.isEmpty(); i++) {
            Thread.sleep(50);
            id = server.rootSql("SELECT ID FROM information_schema.PROCESSLIST WHERE DB = 'scratch' AND INFO LIKE 'INSERT%'")
                    .strip();
        }
        assertThat(id).as("the restore's load was seen").isNotEmpty();
        killOnce("KILL " + id);

        Cli.Result r = run.get(120, TimeUnit.SECONDS);
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).as(r.toString()) // killed mid-statement: 2013 Lost connection; between two: 2006 gone away
                .containsPattern("ERROR 2013 \\(HY000\\) at line \\d+: Lost connection"
                        + "|ERROR 2006 \\(HY000\\) at line \\d+: Server has gone away")
                .contains("database `scratch`, which this restore created, was dropped again").doesNotContain("restored ");
        assertThat(rows(null, "SHOW DATABASES LIKE 'scratch'")).isEmpty();
    }

    @Test
    @Order(3) // last: the server is gone after it
    void aDumpWhoseServerIsKilledFailsWithExit2AndStoresNothing() throws Exception {
        freshShop(BIG);
        cli = configure("", "", "  big: {datasource: shop, store: local, prefix: gone, retry: {max_attempts: 1}}\n");
        CompletableFuture<Cli.Result> run = CompletableFuture.supplyAsync(() -> cli.run("-c", "config.yaml", "backup", "big"));

        dumpConnection();
        Thread.sleep(300);
        new ProcessBuilder("kill", "-9", Long.toString(server.pid())).start().waitFor(10, TimeUnit.SECONDS);

        Cli.Result r = run.get(120, TimeUnit.SECONDS);
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).as(r.toString()).contains("Lost connection to server during query")
                .contains("it was stopped or restarted");
        assertThat(stored("gone")).as(r.toString()).isEmpty();
    }

    /** The id of the dump's connection once it streams the rows of {@code big}. */
    private String dumpConnection() throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            String id = server.rootSql("SELECT ID FROM information_schema.PROCESSLIST "
                    + "WHERE INFO LIKE 'SELECT /*!40001 SQL_NO_CACHE */%big%'").strip();
            if (!id.isEmpty()) {
                return id;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the dump of big was not seen streaming");
    }

    private void killOnce(String sql) throws InterruptedException {
        Thread.sleep(300); // some rows are out
        server.rootSql(sql);
    }

    /** The files under the store's folder {@code prefix}, sorted (temporary names included). */
    private List<Path> stored(String prefix) throws Exception {
        Path p = dir.resolve("store").resolve(prefix);
        if (!Files.isDirectory(p)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(p)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
