package io.dbbackup.config;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** config.example.yaml documents every section: it must load, with its secrets provided as it names them. */
class ConfigExampleTest {
    @TempDir
    Path dir;

    @Test
    void theExampleConfigIsValid() throws Exception {
        Path example = Path.of(System.getProperty("project.basedir", "."), "config.example.yaml");
        String yaml = Files.readString(example);
        // the example's secret files live under /run/secrets: give them a home in the temp dir
        yaml = yaml.replace("/run/secrets/", dir.resolve("secrets") + "/");
        Files.createDirectories(dir.resolve("secrets"));
        // keys only, not comments: "sas_token_file: a SAS" in a comment once made this test write a file "a" into
        // the working directory, the repository's root, which a commit then picked up
        Matcher files = Pattern.compile("^\\s*\\w+_file: (\\S+)", Pattern.MULTILINE).matcher(yaml);
        while (files.find()) {
            Path f = Path.of(files.group(1));
            assertThat(f.startsWith(dir)).as("a secret file of the example, under the temp dir: " + f).isTrue();
            Files.writeString(f, "secret-" + f.getFileName() + "\n");
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        }
        Files.writeString(dir.resolve("config.yaml"), yaml);
        Cli cli = new Cli().workingDir(dir);
        Matcher envs = Pattern.compile("_env: (\\w+)").matcher(yaml);
        while (envs.find()) {
            String name = envs.group(1);
            cli.env(name, name.endsWith("URL") ? "https://hooks.example.com/services/T000/B000/token" : "secret-value-" + name.toLowerCase());
        }
        Cli.Result r = cli.run("-c", "config.yaml", "config", "validate");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("6 datasources, 5 stores, 3 notifications, 8 jobs");
        assertThat(r.err()).doesNotContain("warning");
    }

    @Test
    void theExampleNamesEverySection() throws Exception {
        String yaml = Files.readString(Path.of(System.getProperty("project.basedir", "."), "config.example.yaml"));
        for (String key : new String[] {"engine: postgres", "method: physical", "method: roles", "role_passwords:", "engine: mariadb", "engine: mysql", "engine: sqlite",
                "type: s3", "type: sftp", "type: azure", "type: local", "type: email", "type: webhook", "encryption:", "retention:",
                "retry:", "notify:"}) {
            assertThat(yaml).contains(key);
        }
    }
}
