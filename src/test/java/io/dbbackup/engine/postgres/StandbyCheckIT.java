package io.dbbackup.engine.postgres;

import io.dbbackup.spi.Engine;
import io.dbbackup.testkit.PostgresServer;
import io.dbbackup.testkit.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code check} against a real PostgreSQL 15 hot standby whose lc_messages is German: its refusals ("kann ... nicht
 * während der Wiederherstellung ausführen") match no English text, and the standby was told "not checked: ... (FEHLER:
 * ...)" with no word of its primary. It is asked {@code pg_is_in_recovery()} now.
 */
class StandbyCheckIT {
    @TempDir
    Path dir;

    @Test
    void aGermanSpeakingStandbyIsSaidToBeAStandby() throws Exception {
        assertThat(Path.of("/usr/share/i18n/locales/de_DE")).as("glibc locale sources (Debian package locales; bin/test installs it)")
                .isRegularFile();
        // the server (postgres) reads the compiled locale: a folder it may enter
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path locales = Files.createDirectories(dir.resolve("locales"));
        Shell.ok(dir, "localedef", "-i", "de_DE", "-f", "UTF-8", locales.resolve("de_DE.UTF-8").toString());
        Map<String, String> env = Map.of("LOCPATH", locales.toString());
        try (PostgresServer primary = PostgresServer.start();
             PostgresServer standby = PostgresServer.startStandby(primary,
                     Map.of("lc_messages", "de_DE.UTF-8", "archive_mode", "on", "archive_command", "/bin/true"), env)) {
            assertThat(standby.queryOne("postgres", "select pg_is_in_recovery()")).isIn("t", "true");
            assertThatThrownBy(() -> standby.runTool("postgres", "psql", "-X", "-c", "select txid_current()"))
                    .as("the standby speaks German").hasMessageContaining("FEHLER");

            PgTestEngines.passwordFile(standby, dir);
            Engine engine = PgTestEngines.fromYaml(dir, Map.of(), "datasources:\n" + PhysicalCluster.datasource(standby)
                    .replace("pg.password", dir.resolve("pg.password").toString()));
            Engine.WalSwitch sw = engine.switchWal(PgTestEngines.context(dir));
            assertThat(sw.segment()).isEmpty();
            assertThat(sw.note()).contains("the server is a standby").contains("primary").contains("pg_stat_archiver")
                    .doesNotContain("GRANT");
        }
    }
}
