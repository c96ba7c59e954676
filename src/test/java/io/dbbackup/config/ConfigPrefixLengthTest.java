package io.dbbackup.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job's prefix is refused when the longest key the job writes under it would pass 1024 bytes (S3's limit): counted with
 * the job's database (a copy job's: its source's) and format (a base backup's folder also holds WAL, whose keys are longer).
 */
class ConfigPrefixLengthTest {
    @TempDir
    Path dir;

    private static final String STORES = """
            stores:
              local: {type: local, path: store}
              offsite: {type: local, path: offsite}
            """;

    @Test
    void aCopyJobsPrefixIsCountedWithItsSourcesDatabase() throws Exception {
        String yaml = """
                datasources:
                  app: {engine: sqlite, path: app.db}
                """ + STORES + """
                jobs:
                  app: {datasource: app, store: local}
                  app-copy:
                    copy_of: app
                    store: offsite
                    prefix: %s
                """.formatted("abcdefghi/".repeat(97) + "abcdefg");
        List<String> problems = ConfigFiles.problems(dir, yaml);
        assertThat(problems).containsExactly("config.yaml:11:13: error: jobs.app-copy.prefix: is 977 bytes (of UTF-8), too "
                + "long: the longest key dbbackup writes under it, PREFIX/app/app-YYYYMMDD-HHMMSS.sqlite.zst.age.manifest.json, "
                + "would be 1030 bytes, over the 1024 that S3 and Azure allow; keep the prefix within 971 bytes");
    }

    @Test
    void aBaseBackupsPrefixLeavesRoomForItsWal() throws Exception {
        String yaml = """
                datasources:
                  pg:
                    engine: postgres
                    method: physical
                    cluster: main
                    host: localhost
                    user: replicator
                """ + STORES + """
                jobs:
                  main:
                    datasource: pg
                    store: local
                    prefix: %s
                """.formatted("abcdefghi/".repeat(90));
        List<String> problems = ConfigFiles.problems(dir, yaml);
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0)).startsWith("config.yaml:15:13: error: jobs.main.prefix: is 899 bytes (of UTF-8), too long: "
                + "the longest key dbbackup writes under it, PREFIX/main/wal/0000000100000000/000000010000000000000001.00000028"
                + ".backup-").endsWith(".zst.age, would be 1039 bytes, over the 1024 that S3 and Azure allow; keep the prefix "
                + "within 884 bytes");
        // the same prefix for a logical dump of that database fits: its longest key is its manifest
        assertThat(ConfigFiles.load(dir, yaml.replace("method: physical", "method: logical").replace("cluster: main",
                "database: main")).jobs()).containsKey("main");
    }
}
