package io.dbbackup.engine.postgres;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code restore --clean} against a real PostgreSQL: publications live outside every schema, so dropping the schemas
 * left them — the backup's own {@code CREATE PUBLICATION} then collided with the one in place (a database with a
 * publication could not be restored into itself), and one the backup did not hold stayed. An extension installed in
 * {@code pg_catalog} is still left as it is (README).
 */
class PostgresCleanIT {
    static PostgresServer pg;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() {
        pg = PostgresServer.start();
    }

    @AfterAll
    static void stopServer() {
        if (pg != null) {
            pg.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "custom"})
    void cleanReplacesThePublicationsWithTheBackups(String format) throws Exception {
        String db = "pub_" + format;
        pg.createDatabase(db);
        pg.execute(db, "create table t (id int primary key); insert into t values (1);"
                + " create table u (id int primary key); create publication pub_t for table t");
        pg.writePasswordFile(dir.resolve("pg.password"));
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app:
                    engine: postgres
                    host: 127.0.0.1
                    port: %d
                    user: postgres
                    password_file: pg.password
                    database: %s
                    format: %s
                stores:
                  local: {type: local, path: store}
                jobs:
                  app: {datasource: app, store: local}
                """.formatted(pg.port(), db, format));
        Files.setPosixFilePermissions(dir.resolve("config.yaml"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Cli cli = new Cli().workingDir(dir);
        Cli.Result b = cli.run("-c", "config.yaml", "backup", "app");
        assertThat(b.exit()).as(b.toString()).isZero();
        pg.execute(db, "insert into t values (2); alter publication pub_t add table u; create publication pub_all for all tables;"
                + " create extension citext schema pg_catalog");

        Cli.Result r = cli.run("-c", "config.yaml", "restore", "app", "--clean", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(pg.queryOne(db, "select string_agg(id::text, ',') from t")).isEqualTo("1");
        assertThat(pg.queryOne(db, "select string_agg(pubname, ',' order by pubname) from pg_publication")).isEqualTo("pub_t");
        assertThat(pg.queryOne(db, "select string_agg(tablename, ',' order by tablename) from pg_publication_tables"))
                .as("the backup's publication, as it was").isEqualTo("t");
        // the documented limit: an extension installed outside the user schemas (pg_catalog) is left as it was
        assertThat(pg.queryOne(db, "select count(*) from pg_extension where extname = 'citext'")).isEqualTo("1");
    }
}
