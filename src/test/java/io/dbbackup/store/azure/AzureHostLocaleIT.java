package io.dbbackup.store.azure;

import io.dbbackup.testkit.AzuriteServer;
import io.dbbackup.testkit.DbbackupJar;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A backup of several blocks to Azure from a JVM whose locale writes digits of its own (ar-EG, fa-IR, th-TH-TH): the
 * block ids hold numbers, and are sent as ASCII.
 */
class AzureHostLocaleIT {
    static AzuriteServer azurite;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        azurite = new AzuriteServer();
    }

    @AfterAll
    static void stop() {
        if (azurite != null) {
            azurite.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ar-EG", "fa-IR", "th-TH-TH"})
    void aBackupOfManyBlocksIsStoredWhole(String locale) throws Exception {
        String container = "loc-" + UUID.randomUUID().toString().substring(0, 8);
        AzureFixture.createContainer(azurite, container);
        Path db = dir.resolve("app.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("create table blobs(id integer primary key, data blob)");
            Random random = new Random(7);
            try (PreparedStatement ps = c.prepareStatement("insert into blobs(data) values(?)")) {
                for (int i = 0; i < 35; i++) { // ~3.5 MiB that does not compress: four 1 MiB blocks
                    byte[] b = new byte[100_000];
                    random.nextBytes(b);
                    ps.setBytes(1, b);
                    ps.executeUpdate();
                }
            }
        }
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app:
                    engine: sqlite
                    path: app.db
                    compression: none
                stores:
                  azure:
                    type: azure
                    account: %s
                    container: %s
                    endpoint: %s
                    account_key_env: AZ_KEY
                    block_size: 1MiB
                jobs:
                  app:
                    datasource: app
                    store: azure
                """.formatted(AzuriteServer.ACCOUNT, container, azurite.endpoint()));
        String[] parts = locale.split("-");
        List<String> jvm = new java.util.ArrayList<>(List.of("-Duser.language=" + parts[0], "-Duser.country=" + parts[1]));
        if (parts.length > 2) {
            jvm.add("-Duser.variant=" + parts[2]);
        }
        Map<String, String> env = Map.of("AZ_KEY", azurite.accountKey());
        DbbackupJar.Run backup = DbbackupJar.run(dir, jvm, n -> n.startsWith("AZURE_") || n.startsWith("JAVA_"), env, "backup", "app");
        assertThat(backup.exit()).as(backup.toString()).isZero();

        DbbackupJar.Run download = DbbackupJar.run(dir, List.of(), n -> n.startsWith("AZURE_") || n.startsWith("JAVA_"), env,
                "download", "app", "-o", dir.resolve("copy.sqlite").toString());
        assertThat(download.exit()).as(download.toString()).isZero();
        assertThat(rows(dir.resolve("copy.sqlite"))).as("the stored backup holds every row").isEqualTo(rows(db));
    }

    /** The SHA-256 of every row's bytes, in order. */
    private static String rows(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement();
             var rs = st.executeQuery("select id, data from blobs order by id")) {
            while (rs.next()) {
                md.update(Integer.toString(rs.getInt(1)).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                md.update(rs.getBytes(2));
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
