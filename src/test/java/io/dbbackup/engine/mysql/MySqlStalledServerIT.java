package io.dbbackup.engine.mysql;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.WebhookServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server that stops answering while mariadb-dump streams rows (SIGSTOP: a frozen VM, a path that drops packets): the
 * dump has no read timeout and TCP keepalive does not notice a stopped process, so without {@code stall_timeout} the
 * backup waited for ever. With it, the backup fails soon after the stall_timeout (exit 2, one line saying so) by the usual
 * failure path: nothing stored, no retention applied, the failure notified.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MySqlStalledServerIT extends MySqlCliFixture {
    /** A table whose dump takes a few seconds: long enough to be caught while it streams. */
    private static final String BIG = "CREATE TABLE big(id int primary key auto_increment, v varchar(200));"
            + "INSERT INTO big(v) SELECT REPEAT(MD5(seq), 5) FROM seq_1_to_400000;";

    @Test
    void aDumpWhoseServerStopsAnsweringFailsAfterTheStallTimeoutAndStoresNothing() throws Exception {
        freshShop(BIG);
        String job = "  big: {datasource: shop, store: local, prefix: stalled, retry: {max_attempts: 1}%s}\n";
        // two backups first, kept: a retention that ran after the failed run would delete one of them
        cli = configure("", "", job.formatted(""));
        runBackup("big");
        Thread.sleep(1100); // the next key names another second
        runBackup("big");
        assertThat(stored("stalled")).hasSize(6);

        try (WebhookServer hook = new WebhookServer()) {
            cli = configure("    stall_timeout: 3s\n", "",
                    job.formatted(", retention: {keep_last: 1}, notify: [{notifier: hook, on: always}]"))
                    .env("HOOK_URL", hook.url() + "/hook");
            Path config = dir.resolve("config.yaml");
            Files.writeString(config, Files.readString(config).replace("stores:",
                    "notifications:\n  hook: {type: webhook, url_env: HOOK_URL}\nstores:"));
            CompletableFuture<Cli.Result> run = CompletableFuture.supplyAsync(
                    () -> cli.run("-c", "config.yaml", "backup", "big", "--prune"));
            dumpConnection();
            Thread.sleep(300); // some rows are out
            signal("STOP");
            long stopped = System.nanoTime();
            String said = "the dump of mariadb shop on 127.0.0.1:" + server.port() + " wrote nothing for 3 s (stall_timeout): "
                    + "the database server stopped answering, or a lock held the dump back; nothing was stored";
            try {
                Cli.Result r = run.get(60, TimeUnit.SECONDS);
                long ms = (System.nanoTime() - stopped) / 1_000_000;
                assertThat(r.exit()).as(r.toString()).isEqualTo(2);
                assertThat(r.err()).as(r.toString()).contains(said);
                assertThat(ms).as("failed %d ms after the server was stopped", ms).isBetween(2_000L, 20_000L);
                // no final key, no sidecar, no temporary file; the earlier backups kept (no retention after a failure)
                assertThat(stored("stalled")).as(r.toString()).hasSize(6);
                List<WebhookServer.Request> sent = hook.drain();
                assertThat(sent).as(r.toString()).hasSize(1);
                assertThat(sent.get(0).body()).contains("wrote nothing for 3 s (stall_timeout)");
            } finally {
                signal("CONT");
            }
            // the server answers again: the next backup is whole, and its retention keeps it alone
            Cli.Result again = cli.run("-c", "config.yaml", "backup", "big", "--prune");
            assertThat(again.exit()).as(again.toString()).isZero();
            assertThat(stored("stalled")).hasSize(3);
        }
    }

    private void signal(String name) throws Exception {
        Process p = new ProcessBuilder("kill", "-" + name, Long.toString(server.pid())).inheritIO().start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("kill -" + name).isZero();
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
