package io.dbbackup.engine.sqlite;

import io.dbbackup.config.Config;
import io.dbbackup.config.ConfigException;
import io.dbbackup.config.ConfigLoader;
import io.dbbackup.config.Problem;
import io.dbbackup.plugin.PluginRegistry;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.ConfigText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@code lock_timeout}: how long a SQLite backup (and a partial restore) waits for a lock an application holds. It was
 * a fixed 30 s; it is a datasource key now, 30 s when absent, validated as every duration is (file:line:col, exit 1), and
 * 0 refused: everywhere else in the config 0 reads as "no limit", the opposite of "do not wait".
 */
class SqliteLockTimeoutConfigTest {
    @TempDir
    Path dir;

    private Config load(String yaml) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), yaml);
        return new ConfigLoader(PluginRegistry.load(), Map.of()).load(dir.resolve("config.yaml"));
    }

    private List<String> problems(String yaml) {
        ConfigException e = catchThrowableOfType(() -> load(yaml), ConfigException.class);
        assertThat(e).as("refused: " + yaml).isNotNull();
        return e.problems().stream().map(Problem::format).toList();
    }

    private static String withLockTimeout(String value) {
        return ConfigText.APP_AND_LOCAL_STORE.replace("path: app.db", "path: app.db\n    lock_timeout: " + value)
                + ConfigText.appJob("");
    }

    private SqliteEngine engine(String yaml) throws Exception {
        return (SqliteEngine) load(yaml).datasources().get("app").engine();
    }

    @Test
    void theDefaultIsThirtySeconds() throws Exception {
        assertThat(engine(ConfigText.withAppJob("")).lockTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(SqliteEngine.DEFAULT_LOCK_TIMEOUT).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aValueIsTaken() throws Exception {
        assertThat(engine(withLockTimeout("2s")).lockTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(engine(withLockTimeout("1500ms")).lockTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(engine(withLockTimeout("5m")).lockTimeout()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void aBadValueIsRefusedAtItsKey() {
        for (String bad : new String[] {"soon", "5M", "-5s", "0.1ms"}) {
            List<String> p = problems(withLockTimeout(bad));
            assertThat(p).as(bad).hasSize(1);
            assertThat(p.get(0)).as(bad).contains("config.yaml:5:").contains("datasources.app.lock_timeout");
        }
        List<String> zero = problems(withLockTimeout("0"));
        assertThat(zero).hasSize(1);
        assertThat(zero.get(0)).contains("config.yaml:5:5: error: datasources.app.lock_timeout: ")
                .contains("at least 1ms");
    }

    @Test
    void aBadValueFailsConfigValidateWithExitOne() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), withLockTimeout("0"));
        Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "config", "validate");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).as(r.toString()).contains("config.yaml:5:5: error: datasources.app.lock_timeout");
    }
}
