package io.dbbackup.config;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.ConfigText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code config validate} on a good file said only "ok (1 datasources, ...)": a first config's author could not see
 * which job backs up what where, nor which secret came from where. Now each job and each secret read is a line, the
 * secret by its key and source (variable or file), never its value.
 */
class ConfigValidateSummaryTest {
    @TempDir
    Path dir;

    @Test
    void aGoodConfigSaysItsJobsAndWhereEachSecretCameFrom() throws Exception {
        Files.writeString(dir.resolve("hook-url"), "https://hooks.example.com/T0/SECRET-IN-FILE\n");
        Files.setPosixFilePermissions(dir.resolve("hook-url"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.writeString(dir.resolve("config.yaml"), ConfigText.APP_AND_LOCAL_STORE.replace("datasources:\n", """
                datasources:
                  pg:
                    engine: postgres
                    user: backup
                    password_env: FH_PG_PASSWORD
                    database: app
                """) + """
                notifications:
                  hook:
                    type: webhook
                    url_file: hook-url
                """ + ConfigText.appJob(""));
        Cli.Result r = new Cli().workingDir(dir).env("FH_PG_PASSWORD", "Hunter2-in-env")
                .run("-c", "config.yaml", "config", "validate");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("ok (2 datasources, 1 store, 1 notification, 1 job)")
                .contains("  job app: datasource app -> store local\n")
                .contains("  secret read: datasources.pg.password (env FH_PG_PASSWORD)\n")
                .contains("  secret read: notifications.hook.url (file " + dir.resolve("hook-url") + ")\n")
                .doesNotContain("Hunter2").doesNotContain("SECRET-IN-FILE");
        assertThat(r.err()).doesNotContain("Hunter2").doesNotContain("SECRET-IN-FILE");
    }
}
