package io.dbbackup.config;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.ConfigText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code stall_timeout}: a datasource key of every engine, how long a dump may write nothing (not held back by the upload)
 * before its backup fails. 30 min when absent (SQLite: off), {@code 0} turns it off, validated as every duration is (file:line:col,
 * exit 1), and below a second refused.
 */
class StallTimeoutConfigTest {
    @TempDir
    Path dir;

    private static String withStallTimeout(String value) {
        return ConfigText.APP_AND_LOCAL_STORE.replace("path: app.db", "path: app.db\n    stall_timeout: " + value)
                + ConfigText.appJob("");
    }

    private Duration stallTimeout(String yaml) throws Exception {
        return ConfigFiles.load(dir, yaml).datasources().get("app").stallTimeout();
    }

    /** A server's dump: 30 min when absent. SQLite's: off, as its snapshot is taken whole before its first byte is written. */
    @Test
    void theDefaultIsThirtyMinutesForAServerAndOffForSqlite() throws Exception {
        for (String engine : new String[] {"postgres", "mysql", "mariadb"}) {
            String yaml = ConfigText.withAppJob("").replace("engine: sqlite\n    path: app.db",
                    "engine: " + engine + "\n    database: app");
            assertThat(stallTimeout(yaml)).as(engine).isEqualTo(Duration.ofMinutes(30));
        }
        assertThat(stallTimeout(ConfigText.withAppJob(""))).as("sqlite").isNull();
    }

    @Test
    void aValueIsTakenAndZeroTurnsItOff() throws Exception {
        assertThat(stallTimeout(withStallTimeout("3s"))).isEqualTo(Duration.ofSeconds(3));
        assertThat(stallTimeout(withStallTimeout("1h30m"))).isEqualTo(Duration.ofMinutes(90));
        assertThat(stallTimeout(withStallTimeout("0"))).isNull();
        assertThat(stallTimeout(withStallTimeout("0s"))).isNull();
    }

    @Test
    void aBadValueIsRefusedAtItsKey() throws Exception {
        for (String bad : new String[] {"soon", "5M", "-5s", "0.1ms", "500ms"}) {
            List<String> p = ConfigFiles.problems(dir, withStallTimeout(bad));
            assertThat(p).as(bad).hasSize(1);
            assertThat(p.get(0)).as(bad).contains("config.yaml:5:").contains("datasources.app.stall_timeout");
        }
        assertThat(ConfigFiles.failure(dir, withStallTimeout("500ms")))
                .contains("config.yaml:5:5: error: datasources.app.stall_timeout: must be 0 (off) or at least 1s");
    }

    @Test
    void aBadValueFailsConfigValidateWithExitOne() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), withStallTimeout("soon"));
        Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "config", "validate");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).as(r.toString()).contains("config.yaml:5:").contains("datasources.app.stall_timeout");
    }
}
