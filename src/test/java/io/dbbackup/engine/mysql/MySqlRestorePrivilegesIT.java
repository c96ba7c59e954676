package io.dbbackup.engine.mysql;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Restores by an account that lacks one privilege the backup needs, on a real MariaDB without binary logging: the
 * account {@code restorer} has every privilege on {@code scratch} but the one a test revokes, and restores with
 * {@code restore_definer: current_user} (no SET USER needed). Each failure is one line naming the privilege, the
 * database, the account's GRANT and the other way out, exit 2, and the target is left as it was.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MySqlRestorePrivilegesIT extends MySqlCliFixture {
    private static final String SCHEMA = """
            CREATE TABLE t(id int primary key);
            INSERT INTO t VALUES (1);
            CREATE VIEW v AS SELECT * FROM t;
            CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW SET @x = 1;
            CREATE PROCEDURE p() SELECT COUNT(*) FROM t;
            CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO SELECT 1;
            """;
    private static final String ACCOUNT = "'restorer'@'127.0.0.1'";

    @BeforeEach
    void backupAndRestorer() throws Exception {
        freshShop(SCHEMA);
        server.rootSql("DROP USER IF EXISTS restorer@'127.0.0.1'; CREATE USER restorer@'127.0.0.1' IDENTIFIED BY 'restorer-pw';\n"
                + "GRANT ALL ON `scratch`.* TO restorer@'127.0.0.1';");
        cli = configure("""
                  restorer:
                    <<: *db
                    user: restorer
                    password_env: R_PW
                    database: scratch
                    restore_definer: current_user
                """).env("R_PW", "restorer-pw");
        runBackup("shop");
    }

    private Cli.Result restoreWithout(String privilege, String... more) {
        server.rootSql("REVOKE " + privilege + " ON `scratch`.* FROM restorer@'127.0.0.1'");
        String[] args = {"-c", "config.yaml", "restore", "shop", "--to", "restorer", "--auto-confirm"};
        String[] all = Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return cli.run(all);
    }

    /** The one line of the error that holds {@code text}. */
    private static String lineWith(Cli.Result r, String text) {
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        return r.err().lines().filter(l -> l.contains(text)).reduce((a, b) -> a + "\n" + b).orElse("");
    }

    private boolean scratchExists() {
        return !rows("mysql", "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'scratch'").isEmpty();
    }

    @Test
    void withoutCreateRoutineTheErrorSaysTheBackupHoldsRoutinesAndTheGrant() {
        Cli.Result r = restoreWithout("CREATE ROUTINE");

        assertThat(lineWith(r, "ERROR 1044")).as(r.toString()).contains("stored procedures or functions")
                .contains("GRANT CREATE ROUTINE, ALTER ROUTINE ON `scratch`.* TO " + ACCOUNT).contains("--table")
                .doesNotContain("\n");
        assertThat(scratchExists()).as("the database the restore created is dropped again").isFalse();
    }

    @Test
    void withoutAlterRoutineTheDumpsDropProcedureIfExistsIsNamedToo() {
        Cli.Result r = restoreWithout("ALTER ROUTINE");

        assertThat(lineWith(r, "ERROR 1370")).as(r.toString())
                .contains("GRANT CREATE ROUTINE, ALTER ROUTINE ON `scratch`.* TO " + ACCOUNT).doesNotContain("\n");
        assertThat(scratchExists()).isFalse();
    }

    @Test
    void withoutCreateViewTheErrorNamesTheGrant() {
        Cli.Result r = restoreWithout("CREATE VIEW");

        assertThat(lineWith(r, "ERROR 1142")).as(r.toString()).contains("views")
                .contains("GRANT CREATE VIEW ON `scratch`.* TO " + ACCOUNT).doesNotContain("\n");
        assertThat(scratchExists()).isFalse();
    }

    @Test
    void withoutEventTheErrorSaysTheBackupHoldsEventsAndTheGrant() {
        Cli.Result r = restoreWithout("EVENT");

        assertThat(lineWith(r, "ERROR 1044")).as(r.toString()).contains("events")
                .contains("GRANT EVENT ON `scratch`.* TO " + ACCOUNT).doesNotContain("\n");
        assertThat(scratchExists()).isFalse();
    }

    @Test
    void withoutTriggerTheErrorNamesTheGrant() {
        Cli.Result r = restoreWithout("TRIGGER");

        assertThat(lineWith(r, "ERROR 1142")).as(r.toString()).contains("triggers")
                .contains("GRANT TRIGGER ON `scratch`.* TO " + ACCOUNT).doesNotContain("\n");
        assertThat(scratchExists()).isFalse();
    }

    @Test
    void cleanWithoutDropSaysSoAndLeavesTheTargetAsItWas() {
        server.rootSql("CREATE DATABASE scratch; CREATE TABLE scratch.kept(id int); INSERT INTO scratch.kept VALUES (7);");

        Cli.Result r = restoreWithout("DROP", "--clean");

        assertThat(lineWith(r, "ERROR 1044")).as(r.toString()).contains("--clean")
                .contains("GRANT DROP ON `scratch`.* TO " + ACCOUNT).doesNotContain("\n");
        assertThat(rows("scratch", "SELECT id FROM kept")).isEqualTo("7");
    }

    @Test
    void cleanByAnAccountThatMayDropButNotCreateDropsNothing() {
        server.rootSql("CREATE DATABASE scratch; CREATE TABLE scratch.kept(id int); INSERT INTO scratch.kept VALUES (7);");

        Cli.Result r = restoreWithout("CREATE", "--clean");

        assertThat(lineWith(r, "ERROR 1044")).as(r.toString()).contains("--clean")
                .contains("GRANT CREATE ON `scratch`.* TO " + ACCOUNT).contains("nothing was dropped").doesNotContain("\n");
        assertThat(rows("scratch", "SELECT id FROM kept")).as("the target --clean could not create again").isEqualTo("7");
    }

    @Test
    void aMissingTargetTheAccountMayNotCreateSaysSo() {
        Cli.Result r = restoreWithout("CREATE");

        assertThat(lineWith(r, "ERROR 1044")).as(r.toString()).contains("does not exist")
                .contains("GRANT CREATE ON `scratch`.* TO " + ACCOUNT).doesNotContain("\n");
        assertThat(scratchExists()).isFalse();
    }

    @Test
    void rowsOnlyIntoAnExistingDatabaseNeedNoCreatePrivilege() {
        server.rootSql("CREATE DATABASE scratch; CREATE TABLE scratch.t(id int primary key);\n"
                + "REVOKE ALL ON `scratch`.* FROM restorer@'127.0.0.1';\n"
                + "GRANT SELECT, INSERT, LOCK TABLES ON `scratch`.* TO restorer@'127.0.0.1';");

        Cli.Result r = cli.run("-c", "config.yaml", "restore", "shop", "--to", "restorer", "--data-only", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(rows("scratch", "SELECT id FROM t")).isEqualTo("1");
    }

    @Test
    void aBackupOfSeveralDatabasesNamesTheOneTheAccountMayNotCreate() throws Exception {
        server.rootSql("CREATE DATABASE scratch; CREATE TABLE scratch.b(id int);");
        java.nio.file.Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  both:
                    engine: mariadb
                    host: 127.0.0.1
                    port: %d
                    user: %s
                    password_env: DB_PW
                    databases: [scratch, shop]
                  restorer:
                    engine: mariadb
                    host: 127.0.0.1
                    port: %d
                    user: restorer
                    password_env: R_PW
                    databases: [scratch, shop]
                    restore_definer: current_user
                stores:
                  local: {type: local, path: store}
                jobs:
                  both: {datasource: both, store: local}
                """.formatted(server.port(), server.user(), server.port()));
        cli = newCli().env("R_PW", "restorer-pw");
        runBackup("both");

        Cli.Result r = cli.run("-c", "config.yaml", "restore", "both", "--to", "restorer", "--auto-confirm");

        assertThat(lineWith(r, "ERROR 1044")).as(r.toString()).contains("creates database `shop`")
                .contains("GRANT CREATE ON `shop`.* TO " + ACCOUNT).doesNotContain("\n")
                .as("shop was there, only not to be seen by the account: not this restore's to drop").doesNotContain("drop it yourself");
        assertThat(rows("shop", "SELECT id FROM t")).as("shop as it was").isEqualTo("1");
    }
}
