package io.dbbackup.config;

import io.dbbackup.codec.age.AgeKeys;
import io.dbbackup.plugin.PluginRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A benchmark, never run by the test suite (its name matches neither surefire's nor failsafe's patterns: a time is a
 * figure to print, not something a loaded machine may fail): what loading config.example.yaml costs, and the share of
 * it its age recipient's check takes. Run: {@code mvn test -Dtest=ConfigLoadBench [-Dbench.loads=N]}; prints ms, best
 * of five rounds.
 */
class ConfigLoadBench {
    @TempDir
    Path dir;

    @Test
    void loadsOfTheExample() throws Exception {
        int loads = Integer.getInteger("bench.loads", 500);
        String yaml = ExampleConfig.withSecretFiles(dir);
        Map<String, String> env = ExampleConfig.secretEnv(yaml);
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, yaml);
        PluginRegistry plugins = PluginRegistry.load();
        for (int i = 0; i < 50; i++) { // warm-up
            new ConfigLoader(plugins, env).load(file);
        }
        String recipient = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
        long loadBest = Long.MAX_VALUE;
        long checkBest = Long.MAX_VALUE;
        for (int round = 0; round < 5; round++) { // best of five: other work on the machine only ever adds
            long start = System.nanoTime();
            for (int i = 0; i < loads; i++) {
                assertThat(new ConfigLoader(plugins, env).load(file).jobs()).isNotEmpty();
            }
            loadBest = Math.min(loadBest, System.nanoTime() - start);
            start = System.nanoTime();
            for (int i = 0; i < loads; i++) {
                AgeKeys.checkRecipient(recipient);
            }
            checkBest = Math.min(checkBest, System.nanoTime() - start);
        }
        System.out.printf("config load bench: %d loads of config.example.yaml in %d ms (%.2f ms each); "
                + "%d checks of its recipient in %d ms (best of 5)%n", loads, loadBest / 1_000_000, loadBest / 1e6 / loads,
                loads, checkBest / 1_000_000);
    }
}
