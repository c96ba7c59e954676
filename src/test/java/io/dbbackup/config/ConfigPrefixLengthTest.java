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

    @Test
    void anS3StoresOwnPrefixIsCountedInTheKey() throws Exception {
        String yaml = """
                datasources:
                  app: {engine: sqlite, path: app.db}
                stores:
                  s3: {type: s3, bucket: bkt, region: us-east-1, prefix: %s}
                jobs:
                  app:
                    datasource: app
                    store: s3
                    prefix: %s
                """.formatted("abcdefghi/".repeat(5), "abcdefghi/".repeat(94) + "abcdefghi");
        List<String> problems = ConfigFiles.problems(dir, yaml);
        assertThat(problems).containsExactly("config.yaml:9:13: error: jobs.app.prefix: is 949 bytes (of UTF-8), too long "
                + "after store 's3''s prefix 'abcdefghi/abcdefghi/abcdefghi/abcdefghi/…' (50 bytes): the longest key dbbackup "
                + "writes under it, STORE-PREFIX/PREFIX/app/app-YYYYMMDD-HHMMSS.sqlite.zst.age.manifest.json, would be 1052 "
                + "bytes, over the 1024 that S3 and Azure allow; keep the prefix within 921 bytes");
        // config validate says it, and only it, on one line (it said nothing and exited 0)
        io.dbbackup.testkit.Cli.Result r = new io.dbbackup.testkit.Cli().workingDir(dir).run("-c", "config.yaml", "config",
                "validate");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo(problems.get(0));
        // without the store's prefix the job's fits
        assertThat(ConfigFiles.load(dir, yaml.replaceFirst("prefix: abcdefghi/abcdefghi/abcdefghi/abcdefghi/abcdefghi/}",
                "}")).jobs()).containsKey("app");
    }

    @Test
    void anAzureStoresPrefixAloneCanLeaveNoRoomForTheJobsKeys() throws Exception {
        String storePrefix = ("x".repeat(199) + "/").repeat(5); // 1000 bytes
        String yaml = """
                datasources:
                  app: {engine: sqlite, path: app.db}
                stores:
                  az: {type: azure, account: acct, container: backups, prefix: %s}
                jobs:
                  app: {datasource: app, store: az}
                """.formatted(storePrefix);
        List<String> problems = ConfigFiles.problems(dir, yaml);
        assertThat(problems).containsExactly("config.yaml:6:33: error: jobs.app.store: store 'az''s prefix '"
                + "x".repeat(40) + "…' (1000 bytes) is too long for this job: the longest key dbbackup writes for this job, "
                + "STORE-PREFIX/app/app-YYYYMMDD-HHMMSS.sqlite.zst.age.manifest.json, would be 1052 bytes, over the 1024 that "
                + "S3 and Azure allow; keep the store's prefix within 972 bytes");
    }

    /**
     * Without any prefix the database name alone can make the keys too long for S3 and Azure, which have no 255-byte name
     * limit to catch it first: a 500-byte name ({@code database:} of a SQLite datasource) passed validation and every
     * backup then failed at its first upload.
     */
    @Test
    void aLongDatabaseNameAloneIsRefusedOnS3AndAzure() throws Exception {
        String yaml = """
                datasources:
                  app: {engine: sqlite, path: app.db, database: %s}
                stores:
                  s3: {type: s3, bucket: bkt, region: us-east-1}
                  az: {type: azure, account: acct, container: backups}
                jobs:
                  app: {datasource: app, store: %s}
                """;
        String db = "d".repeat(500);
        for (String store : List.of("s3", "az")) {
            assertThat(ConfigFiles.problems(dir, yaml.formatted(db, store))).as(store).containsExactly("config.yaml:7:33: "
                    + "error: jobs.app.store: store '" + store + "' would write keys of 1046 bytes for database "
                    + "'dddddddddddddddd…' (500 bytes of UTF-8): the longest, DATABASE/DATABASE-YYYYMMDD-HHMMSS.sqlite.zst"
                    + ".age.manifest.json, is over the 1024 bytes that S3 and Azure allow; a database name of at most 489 "
                    + "bytes fits");
            assertThat(ConfigFiles.load(dir, yaml.formatted("d".repeat(489), store)).jobs()).as(store).containsKey("app");
        }
        // on a local store the 255-byte file name comes first, and says so
        assertThat(ConfigFiles.problems(dir, yaml.formatted(db, "s3").replace("{type: s3, bucket: bkt, region: us-east-1}",
                "{type: local, path: store}"))).singleElement().asString().contains("would write file names of")
                .contains("a database name of at most 159 bytes fits");
    }

    /**
     * An Azure blob name has at most 254 path segments (names between '/'): a prefix of many short folders fits the 1024
     * bytes and passed, and every upload was refused. S3 has no such limit.
     */
    @Test
    void anAzureKeyHasAtMost254PathSegments() throws Exception {
        String yaml = """
                datasources:
                  app: {engine: sqlite, path: app.db}
                stores:
                  az: {type: azure, account: acct, container: backups%s}
                  s3: {type: s3, bucket: bkt, region: us-east-1}
                jobs:
                  app: {datasource: app, store: %s, prefix: %s}
                """;
        String fits = "a/".repeat(251) + "a"; // 252 folders + app/app-….manifest.json = 254 segments
        String over = "a/" + fits;
        assertThat(ConfigFiles.load(dir, yaml.formatted("", "az", fits)).jobs()).containsKey("app");
        assertThat(ConfigFiles.problems(dir, yaml.formatted("", "az", over))).containsExactly("config.yaml:7:45: error: "
                + "jobs.app.prefix: has 253 folders, too many: the longest key dbbackup writes under it, PREFIX/app/"
                + "app-YYYYMMDD-HHMMSS.sqlite.zst.age.manifest.json, would have 255 path segments (names between '/'), over the "
                + "254 that store 'az' (azure) allows; keep the prefix within 252 folders");
        assertThat(ConfigFiles.load(dir, yaml.formatted("", "s3", over)).jobs()).as("S3 has no such limit").containsKey("app");
        // the store's own prefix counts too
        assertThat(ConfigFiles.problems(dir, yaml.formatted(", prefix: x/y/z", "az", fits))).containsExactly("config.yaml:7:45: "
                + "error: jobs.app.prefix: has 252 folders, too many after store 'az''s prefix 'x/y/z/' (3 folders): the longest "
                + "key dbbackup writes under it, STORE-PREFIX/PREFIX/app/app-YYYYMMDD-HHMMSS.sqlite.zst.age.manifest.json, "
                + "would have 257 path segments (names between '/'), over the 254 that store 'az' (azure) allows; keep the "
                + "prefix within 249 folders");
        assertThat(ConfigFiles.problems(dir, yaml.formatted(", prefix: " + over, "az", "p").replace(", prefix: p", "")))
                .containsExactly("config.yaml:7:33: error: jobs.app.store: store 'az''s prefix '" + "a/".repeat(20)
                        + "…' (253 folders) has too many for this job: the longest key dbbackup writes for this job, "
                        + "STORE-PREFIX/app/app-YYYYMMDD-HHMMSS.sqlite.zst.age.manifest.json, would have 255 path segments "
                        + "(names between '/'), over the 254 that store 'az' (azure) allows; keep the store's prefix within 252 "
                        + "folders");
    }

    @Test
    void aLocalStoresTemporaryFileNamesStayWithin255Bytes() throws Exception {
        String yaml = """
                datasources:
                  app: {engine: sqlite, path: %s.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                  app: {datasource: app, store: local}
                """;
        // a 200-byte database: its backups' names (245 bytes) fit, their temporary files' (296) do not
        String db = "d".repeat(200);
        assertThat(ConfigFiles.problems(dir, yaml.formatted(db))).containsExactly("config.yaml:6:33: error: jobs.app.store: "
                + "store 'local' would write file names of 296 bytes for database 'dddddddddddddddd…' (200 bytes of "
                + "UTF-8): the longest, .dbbackup-tmp-DATABASE-YYYYMMDD-HHMMSS.sqlite.zst.age.manifest.json."
                + "00000000-0000-0000-0000-000000000000, is over the 255 bytes a file name can have; a database name of at "
                + "most 159 bytes fits");
        // the longest name accepted uploads its longest file to the real store
        String fits = "d".repeat(159);
        Config config = ConfigFiles.load(dir, yaml.formatted(fits));
        io.dbbackup.spi.Store store = config.stores().get("local").store();
        String key = fits + "/" + fits + "-20261206-030000.sqlite.zst.age.manifest.json";
        try (io.dbbackup.spi.Upload up = store.upload(key, null)) {
            up.stream().write(1);
            up.commit();
        }
        assertThat(store.list(fits + "/")).hasSize(1);
    }

    @Test
    void anSftpStoresSetAsideNamesStayWithin255Bytes() throws Exception {
        Path password = java.nio.file.Files.writeString(dir.resolve("password"), "x");
        java.nio.file.Files.setPosixFilePermissions(password, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        String yaml = """
                datasources:
                  app: {engine: sqlite, path: %s.db}
                stores:
                  nas: {type: sftp, host: nas, user: backup, path: backups, password_file: %s}
                jobs:
                  app: {datasource: app, store: nas}
                """.formatted("d".repeat(200), password);
        assertThat(ConfigFiles.problems(dir, yaml)).containsExactly("config.yaml:6:33: error: jobs.app.store: store 'nas' "
                + "would write file names of 269 bytes for database 'dddddddddddddddd…' (200 bytes of UTF-8): the "
                + "longest, .DATABASE-YYYYMMDD-HHMMSS.sqlite.zst.age.manifest.json.part-00000000.replaced, is over the 255 "
                + "bytes a file name can have; a database name of at most 186 bytes fits");
    }
}
