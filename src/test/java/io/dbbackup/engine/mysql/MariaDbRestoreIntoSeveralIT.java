package io.dbbackup.engine.mysql;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A dump of one database names none (no {@code CREATE DATABASE}, no {@code USE}): it goes into the database its target
 * names. Restored {@code --to} a datasource of several databases ({@code databases: [...]}) it had none to go into: the
 * load failed at its first statement ({@code No database selected}) — and with {@code --clean} only after every database
 * the target names was dropped. Refused now before anything is read or touched, exit 1, as a drill and a sync refuse it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MariaDbRestoreIntoSeveralIT extends MySqlCliFixture {

    @BeforeAll
    void setUp() {
        freshShop("CREATE TABLE orders (id INT PRIMARY KEY, note VARCHAR(20));\nINSERT INTO orders VALUES (1, 'one'), (2, 'two');\n");
        server.rootSql("DROP DATABASE IF EXISTS keep_a; DROP DATABASE IF EXISTS keep_b; CREATE DATABASE keep_a; CREATE DATABASE keep_b;"
                + " CREATE TABLE keep_a.precious (id INT PRIMARY KEY); INSERT INTO keep_a.precious VALUES (7);");
    }

    @Test
    void aDumpOfOneDatabaseIsNotRestoredIntoADatasourceOfSeveral() throws Exception {
        cli = configure("", """
                  several:
                    engine: mariadb
                    host: 127.0.0.1
                    port: %d
                    user: %s
                    password_env: DB_PW
                    databases: [keep_a, keep_b]
                """.formatted(server.port(), server.user()), "");
        runBackup("shop");
        for (String option : new String[]{"--clean", "--dry-run", "--data-only"}) {
            Cli.Result r = cli.run("-c", "config.yaml", "restore", "shop", "--to", "several", "--auto-confirm", option);
            assertThat(r.exit()).as(option + ": " + r).isEqualTo(1);
            assertThat(r.err()).as(option).contains("error: cannot restore the backups of job shop (mariadb shop on ",
                    "into several (mariadb keep_a,keep_b on ", "they are dumps of one database",
                    "restore --to a datasource of one database").doesNotContain("checking backup");
            assertThat(server.rootSql("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN ('keep_a', 'keep_b')")
                    .strip()).as(option + ": the target's databases are still there").isEqualTo("2");
            assertThat(server.rootSql("SELECT id FROM keep_a.precious").strip()).isEqualTo("7");
        }
    }
}
