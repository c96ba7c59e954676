package io.dbbackup.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** config.example.yaml as the tests load it: its secret files written under a temp dir, its variables given values. */
final class ExampleConfig {
    private ExampleConfig() {
    }

    static Path path() {
        return Path.of(System.getProperty("project.basedir", "."), "config.example.yaml");
    }

    /** The example's text with its secret files (under /run/secrets) moved into {@code dir/secrets} and written there. */
    static String withSecretFiles(Path dir) throws IOException {
        String yaml = Files.readString(path()).replace("/run/secrets/", dir.resolve("secrets") + "/");
        Files.createDirectories(dir.resolve("secrets"));
        // keys only, not comments: "sas_token_file: a SAS" in a comment once made a test write a file "a" into the
        // working directory, the repository's root, which a commit then picked up
        Matcher files = Pattern.compile("^\\s*\\w+_file: (\\S+)", Pattern.MULTILINE).matcher(yaml);
        while (files.find()) {
            Path f = Path.of(files.group(1));
            assertThat(f.startsWith(dir)).as("a secret file of the example, under the temp dir: " + f).isTrue();
            Files.writeString(f, "secret-" + f.getFileName() + "\n");
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        }
        return yaml;
    }

    /** A value for every {@code *_env} variable the text names (a URL for a webhook's). */
    static Map<String, String> secretEnv(String yaml) {
        Map<String, String> env = new LinkedHashMap<>();
        Matcher envs = Pattern.compile("_env: (\\w+)").matcher(yaml);
        while (envs.find()) {
            String name = envs.group(1);
            env.put(name, name.endsWith("URL") ? "https://hooks.example.com/services/T000/B000/token" : "secret-value-" + name.toLowerCase());
        }
        return env;
    }
}
