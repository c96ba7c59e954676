package io.dbbackup.engine.mysql;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A MariaDB server WITHOUT TLS and a datasource with {@code ssl_mode: required}: MariaDB's clients take that as
 * {@code --ssl}, which falls back to an unencrypted connection when the server offers no TLS (exit 0, empty
 * {@code Ssl_cipher}). dbbackup checks the session is encrypted before it dumps or restores, and stops (exit 2) with one
 * line naming the datasource and the fixes. (The pass case, a server with TLS, is in {@link MySqlSecureTransportIT}.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MariaDbTlsRequiredIT extends MySqlCliFixture {
    private static final String REFUSAL = "the server did not use TLS although ssl_mode: required";

    /** Before: exit 0, the dump stored, every row sent in plaintext. */
    @Test
    void aBackupWithTlsRequiredOfAServerWithoutTlsFailsAndStoresNothing() throws Exception {
        freshShop("CREATE TABLE t(id int primary key, secret varchar(20)); INSERT INTO t VALUES (1, 'card-4111');");
        cli = configure("    ssl_mode: required\n", "", "");

        Cli.Result r = cli.run("-c", "config.yaml", "backup", "shop");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.out() + r.err()).as(r.toString()).contains("datasource shop").contains(REFUSAL)
                .contains("ssl_cert").contains("ssl_key").contains("verify_ca");
        assertThat(r.err().lines().filter(l -> l.contains(REFUSAL)).toList()).as("not retried: " + r)
                .hasSize(1).allSatisfy(l -> assertThat(l).contains("retry=false"));
        assertThat(storedFiles()).as("nothing stored").isEmpty();
    }

    /** Before: exit 0, the dump loaded over an unencrypted connection into {@code guarded}. */
    @Test
    void aRestoreIntoADatasourceWithTlsRequiredOfAServerWithoutTlsFailsBeforeItCreatesAnything() throws Exception {
        freshShop("CREATE TABLE t(id int primary key); INSERT INTO t VALUES (1);");
        server.rootSql("DROP DATABASE IF EXISTS guarded");
        cli = configure("", "  guarded:\n    <<: *db\n    database: guarded\n    ssl_mode: required\n", "");
        runBackup("shop");

        Cli.Result r = cli.run("-c", "config.yaml", "restore", "shop", "--to", "guarded", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.out() + r.err()).as(r.toString()).contains("datasource guarded").contains(REFUSAL);
        assertThat(rows(null, "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'guarded'"))
                .as("nothing created").isEqualTo("0");
    }

    /** Before: exit 0 each, the data read or loaded over unencrypted connections. */
    @Test
    void aSyncAndADrillWithTlsRequiredOnEitherSideOfAServerWithoutTlsFail() throws Exception {
        freshShop("CREATE TABLE t(id int primary key); INSERT INTO t VALUES (1);");
        server.rootSql("DROP DATABASE IF EXISTS guarded");
        cli = configure("", "  guarded:\n    <<: *db\n    database: guarded\n    ssl_mode: required\n"
                + "  strict_src:\n    <<: *db\n    ssl_mode: required\n", "");
        runBackup("shop");

        Cli.Result syncInto = cli.run("-c", "config.yaml", "sync", "shop", "guarded", "--auto-confirm");
        Cli.Result syncFrom = cli.run("-c", "config.yaml", "sync", "strict_src", "scratch", "--auto-confirm");
        Cli.Result drill = cli.run("-c", "config.yaml", "drill", "shop", "--to", "guarded");

        assertThat(syncInto.exit()).as(syncInto.toString()).isEqualTo(2);
        assertThat(syncInto.out() + syncInto.err()).as(syncInto.toString()).contains("datasource guarded").contains(REFUSAL);
        assertThat(syncFrom.exit()).as(syncFrom.toString()).isEqualTo(2);
        assertThat(syncFrom.out() + syncFrom.err()).as(syncFrom.toString()).contains("datasource strict_src").contains(REFUSAL);
        assertThat(drill.exit()).as(drill.toString()).isEqualTo(2);
        assertThat(drill.out() + drill.err()).as(drill.toString()).contains("datasource guarded").contains(REFUSAL);
        assertThat(rows(null, "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN ('guarded', 'scratch')"))
                .as("nothing created").isEqualTo("0");
    }

    private List<Path> storedFiles() throws IOException {
        Path store = dir.resolve("store");
        if (!Files.isDirectory(store)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(store)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
