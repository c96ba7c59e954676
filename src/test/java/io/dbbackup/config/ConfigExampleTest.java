package io.dbbackup.config;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** config.example.yaml documents every section: it must load, with its secrets provided as it names them. */
class ConfigExampleTest {
    @TempDir
    Path dir;

    @Test
    void theExampleConfigIsValid() throws Exception {
        String yaml = ExampleConfig.withSecretFiles(dir);
        Files.writeString(dir.resolve("config.yaml"), yaml);
        Cli cli = new Cli().workingDir(dir);
        ExampleConfig.secretEnv(yaml).forEach(cli::env);
        Cli.Result r = cli.run("-c", "config.yaml", "config", "validate");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("6 datasources, 5 stores, 3 notifications, 8 jobs");
        assertThat(r.err()).doesNotContain("warning");
    }

    @Test
    void theExampleNamesEverySection() throws Exception {
        String yaml = Files.readString(ExampleConfig.path());
        for (String key : new String[] {"engine: postgres", "method: physical", "method: roles", "role_passwords:", "engine: mariadb", "engine: mysql", "engine: sqlite",
                "type: s3", "type: sftp", "type: azure", "type: local", "type: email", "type: webhook", "encryption:", "retention:",
                "retry:", "notify:"}) {
            assertThat(yaml).contains(key);
        }
    }
}
