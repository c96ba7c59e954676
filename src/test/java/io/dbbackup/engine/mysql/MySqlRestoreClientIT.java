package io.dbbackup.engine.mysql;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The restore host's client ({@code mariadb}) against a real MariaDB: a target datasource whose {@code bin_dir} holds
 * no client stops the restore before the backup is read (a backup of hundreds of GB is not fetched and checked for an
 * hour only to be told then that nothing can load it), and the target is not touched.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MySqlRestoreClientIT extends MySqlCliFixture {

    @Test
    void aTargetWithoutItsClientStopsTheRestoreBeforeTheBackupIsRead() throws Exception {
        freshShop("CREATE TABLE t(id int primary key); INSERT INTO t VALUES (1);");
        Path empty = Files.createDirectories(dir.resolve("bin-empty"));
        cli = configure("", """
                  noclient:
                    <<: *db
                    database: shop_noclient
                    bin_dir: %s
                """.formatted(empty), "");
        runBackup("shop");

        Cli.Result r = cli.run("-c", "config.yaml", "restore", "shop", "--to", "noclient", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("mariadb not found in bin_dir " + empty)
                .as("stopped before the backup's read").doesNotContain("checking backup before restore");
        assertThat(rows(null, "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'shop_noclient'"))
                .isEqualTo("0");

        Cli.Result dry = cli.run("-c", "config.yaml", "restore", "shop", "--to", "noclient", "--dry-run");
        assertThat(dry.exit()).as(dry.toString()).isEqualTo(2);
        assertThat(dry.err()).contains("mariadb not found in bin_dir").doesNotContain("checking backup before restore");
    }
}
