package io.dbbackup.engine.mysql;

import io.dbbackup.config.ConfigLoader;
import io.dbbackup.core.Log;
import io.dbbackup.plugin.PluginRegistry;
import io.dbbackup.spi.Cancellation;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.ToolFailedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the client asks of its binaries before a command: with {@code ssl_mode: required} the config (the client program in
 * bin_dir) is checked before any {@code --version} is run, without it no {@code --version} is run for the TLS check at
 * all, and a {@code --version} that hangs is cut off instead of holding the run.
 */
class MySqlClientTest {
    @TempDir
    Path dir;

    @Test
    void aMissingClientIsReportedBeforeTheDumpToolIsAsked() throws Exception {
        Path dump = tool("mariadb-dump", "echo \"$*\" >> '" + dir.resolve("asked.log") + "'\necho 'mariadb-dump  Ver 10.11 Distrib 10.11.6-MariaDB'\n");
        MySqlClient client = client("ssl_mode: required\n");
        assertThatThrownBy(() -> client.run(List.of(dump.toString(), "--help"), null, new ByteArrayOutputStream(), context()))
                .hasMessageStartingWith("mariadb not found in bin_dir ");
        assertThat(dir.resolve("asked.log")).doesNotExist();
    }

    @Test
    void withoutSslModeRequiredNoVersionIsAskedForTheTlsCheck() throws Exception {
        Path dump = tool("mariadb-dump", "echo \"$*\" >> '" + dir.resolve("asked.log") + "'\n");
        MySqlClient client = client("");
        client.run(List.of(dump.toString(), "--help"), null, new ByteArrayOutputStream(), context());
        assertThat(Files.readAllLines(dir.resolve("asked.log"))).containsExactly("--help");
    }

    @Test
    void aVersionThatHangsIsCutOff() throws Exception {
        Path dump = tool("mariadb-dump", "sleep 600\n");
        MySqlClient client = client("");
        client.versionTimeout = Duration.ofSeconds(1);
        long start = System.nanoTime();
        assertThatThrownBy(() -> client.probe(dump, context())).isInstanceOf(ToolFailedException.class)
                .hasMessageContaining("timed out after 1s");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }

    private MySqlClient client(String extra) throws IOException {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, "datasources:\n  shop:\n    engine: mariadb\n    host: 127.0.0.1\n    database: shop\n    bin_dir: "
                + dir.resolve("bin") + "\n" + extra.indent(4));
        MySqlEngine engine = (MySqlEngine) new ConfigLoader(PluginRegistry.load(), Map.of()).load(file, "config.yaml")
                .datasources().get("shop").engine();
        return new MySqlClient(engine.settings());
    }

    private Path tool(String name, String body) throws IOException {
        Path exe = Files.createDirectories(dir.resolve("bin")).resolve(name);
        Files.writeString(exe, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
        return exe;
    }

    private OperationContext context() {
        return new OperationContext(new Cancellation(), Log.get(), dir.resolve("scratch"));
    }
}
