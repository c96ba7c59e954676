package io.dbbackup.config;

import io.dbbackup.core.DumpFormat;
import io.dbbackup.core.Secret;
import io.dbbackup.plugin.PluginRegistry;
import io.dbbackup.spi.ConfigSection;
import io.dbbackup.spi.DumpInfo;
import io.dbbackup.spi.Engine;
import io.dbbackup.spi.EngineProvider;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.RestoreOptions;
import io.dbbackup.spi.TargetState;
import io.dbbackup.store.local.LocalStoreProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code <key>_env} / {@code <key>_file} secrets as every plugin gets them through {@link ConfigSection#secret}. */
class SecretsConfigTest {
    @TempDir
    Path dir;

    /** Holds what the config gave it, to look at. */
    record SecretEngine(Secret password) implements Engine {
        public String database() {
            return "x";
        }

        public DumpFormat format() {
            return DumpFormat.SQL;
        }

        public DumpInfo dump(OutputStream out, OperationContext ctx) {
            return DumpInfo.of(Map.of());
        }

        public TargetState inspectTarget(OperationContext ctx) {
            return new TargetState(false, 0, "");
        }

        public void restore(InputStream in, DumpFormat f, RestoreOptions o, OperationContext ctx) {
        }

        public String describe() {
            return "secret engine";
        }
    }

    static final class SecretEngineProvider implements EngineProvider {
        public String type() {
            return "secretive";
        }

        public Engine create(ConfigSection s) {
            return new SecretEngine(s.secret("password").orElse(null));
        }
    }

    private Config load(String datasourceBody, Map<String, String> env) throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, "datasources:\n  db:\n    engine: secretive\n" + datasourceBody.indent(4)
                + "stores:\n  local:\n    type: local\n    path: out\njobs:\n  j:\n    datasource: db\n    store: local\n");
        PluginRegistry plugins = PluginRegistry.of(List.of(new SecretEngineProvider()), List.of(new LocalStoreProvider()), List.of());
        return new ConfigLoader(plugins, env).load(file, "config.yaml");
    }

    private static Secret password(Config c) {
        return ((SecretEngine) c.datasources().get("db").engine()).password();
    }

    @Test
    void fromTheEnvironment() throws Exception {
        Config c = load("password_env: DB_PW", Map.of("DB_PW", "s3cret-from-env"));
        assertThat(password(c).reveal()).isEqualTo("s3cret-from-env");
        assertThat(password(c).toString()).doesNotContain("s3cret").contains("env DB_PW");
    }

    @Test
    void fromAFileWithTheTrailingNewlineTrimmed() throws Exception {
        Path f = Files.writeString(dir.resolve("pw.txt"), "s3cret-from-file\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        Config c = load("password_file: pw.txt", Map.of());
        assertThat(password(c).reveal()).isEqualTo("s3cret-from-file");
        assertThat(c.warnings()).isEmpty();
    }

    @Test
    void aSharedSecretFileIsAWarningNamingTheFix() throws Exception {
        Path f = Files.writeString(dir.resolve("pw.txt"), "s3cret\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        Config c = load("password_file: pw.txt", Map.of());
        assertThat(c.warnings()).singleElement().extracting(Problem::format).asString()
                .startsWith("config.yaml:4:20: warning: datasources.db.password_file:").contains("chmod 600 " + f);
    }

    @Test
    void anUnsetVariableIsAnErrorAtItsKey() {
        assertThatThrownBy(() -> load("password_env: NOPE_NOT_SET", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config.yaml:4:19: error: datasources.db.password_env: environment variable NOPE_NOT_SET is not set");
    }

    @Test
    void anUnreadableFileIsAnErrorAtItsKey() {
        assertThatThrownBy(() -> load("password_file: /nonexistent/pw", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config.yaml:4:20: error: datasources.db.password_file: cannot read /nonexistent/pw (no such file)");
    }

    @Test
    void aSecretWrittenInTheConfigIsRefused() {
        assertThatThrownBy(() -> load("password: hunter2", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("config.yaml:4:5: error: datasources.db.password: secrets are not read from the config file")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void bothSourcesAtOnceIsAnError() throws Exception {
        Files.writeString(dir.resolve("pw.txt"), "x\n");
        assertThatThrownBy(() -> load("password_env: A\npassword_file: pw.txt", Map.of("A", "abc")))
                .hasMessageContaining("give either password_env or password_file, not both");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> load("password_env: NOPE\nbogus: 1", Map.of()))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(2));
    }
}
