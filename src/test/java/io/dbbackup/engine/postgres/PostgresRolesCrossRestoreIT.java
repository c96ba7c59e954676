package io.dbbackup.engine.postgres;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database's backup and a cluster's roles backup are both PostgreSQL {@code .sql} scripts whose manifests say
 * {@code engine: postgres}: neither the format nor the engine tells them apart. A database dump restored {@code --to} a
 * roles datasource ran into the maintenance database {@code postgres} (the roles datasource's connection) and created
 * the backup's tables there, exit 0; it is refused before anything is read, as a roles backup {@code --to} a database is.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresRolesCrossRestoreIT {
    PostgresServer pg;
    Path dir;
    Cli cli;

    @BeforeAll
    void start() throws Exception {
        pg = PostgresServer.start();
        dir = Files.createTempDirectory("roles-cross");
        pg.writePasswordFile(dir.resolve("pg.pw"));
        pg.execute("postgres", "create database shop");
        pg.execute("shop", "create table orders_from_shop(id int primary key)");
        pg.execute("shop", "insert into orders_from_shop select generate_series(1, 10)");
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  shop: {engine: postgres, host: 127.0.0.1, port: %1$d, user: postgres, password_file: pg.pw, database: shop}
                  roles: {engine: postgres, method: roles, cluster: main, host: 127.0.0.1, port: %1$d, user: postgres, password_file: pg.pw}
                  copy: {engine: postgres, host: 127.0.0.1, port: %1$d, user: postgres, password_file: pg.pw, database: shop_copy}
                stores:
                  local: {type: local, path: store}
                jobs:
                  shop: {datasource: shop, store: local}
                  roles: {datasource: roles, store: local}
                """.formatted(pg.port()));
        cli = new Cli().workingDir(dir);
        Cli.Result backup = cli.run("-c", "config.yaml", "backup", "shop", "roles");
        assertThat(backup.exit()).as(backup.toString()).isZero();
    }

    @AfterAll
    void stop() throws Exception {
        if (pg != null) {
            pg.close();
        }
        if (dir != null) {
            try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void aDatabaseDumpIsNotLoadedIntoTheMaintenanceDatabaseOfARolesDatasource() {
        for (String[] args : new String[][]{{"--auto-confirm"}, {"--dry-run"}}) {
            String[] full = new String[]{"-c", "config.yaml", "restore", "shop", "--to", "roles", args[0]};
            Cli.Result r = cli.run(full);
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).contains("error: cannot restore the backups of job shop (postgres", "into roles (postgres roles of ",
                    "a roles datasource takes a roles backup (method: roles) alone").doesNotContain("checking backup");
            assertThat(pg.queryOne("postgres", "select count(*) from pg_class where relname = 'orders_from_shop'"))
                    .as("nothing created in the maintenance database").isEqualTo("0");
        }
    }

    @Test
    void aRolesBackupIsNotLoadedIntoADatabaseAndTheRefusalSaysWhy() {
        Cli.Result r = cli.run("-c", "config.yaml", "restore", "roles", "--to", "copy", "--auto-confirm");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("error: cannot restore the backups of job roles (postgres roles of ",
                "a roles backup (method: roles) goes into a roles datasource alone").doesNotContain("checking backup")
                .doesNotContain("switch to them by name");
        assertThat(pg.databaseExists("shop_copy")).isFalse();
    }
}
