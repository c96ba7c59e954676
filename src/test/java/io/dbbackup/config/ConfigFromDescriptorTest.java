package io.dbbackup.config;

import io.dbbackup.plugin.PluginRegistry;
import io.dbbackup.testkit.ConfigText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A config given as a descriptor of the process ({@code -c /dev/stdin < /etc/dbbackup/config.yaml}, which the JVM opens
 * as /proc/self/fd/0): its relative paths are read against the folder of the file it was opened from. Before, against
 * /dev or /proc/self/fd: {@code config validate} said ok and the backup failed with "SQLite database /dev/app.db does
 * not exist" (a local store's {@code path: store} would have been /dev/store).
 */
class ConfigFromDescriptorTest {
    @TempDir
    Path dir;

    @Test
    void relativePathsOfAConfigReadThroughADescriptorAreTheFilesFolders() throws Exception {
        Path file = Files.writeString(dir.resolve("config.yaml"), ConfigText.withAppJob(""));
        try (FileInputStream open = new FileInputStream(file.toFile())) {
            Path descriptor = descriptorOf(file);
            Config c = new ConfigLoader(PluginRegistry.load(), Map.of()).load(descriptor, "/dev/stdin");
            assertThat(c.stores().get("local").store().describe()).contains(dir.resolve("store").toString());
            assertThat(c.datasources().get("app").engine().describe()).contains(dir.resolve("app.db").toString());
        }
    }

    @Test
    void aConfigReachedThroughAnOrdinaryLinkKeepsTheLinksFolder() throws Exception {
        // a Kubernetes ConfigMap: config.yaml -> ..data/config.yaml; its relative paths are beside the link
        Path data = Files.createDirectories(dir.resolve("..data"));
        Files.writeString(data.resolve("config.yaml"), ConfigText.withAppJob(""));
        Path link = Files.createSymbolicLink(dir.resolve("config.yaml"), Path.of("..data/config.yaml"));
        Config c = new ConfigLoader(PluginRegistry.load(), Map.of()).load(link, "config.yaml");
        assertThat(c.stores().get("local").store().describe()).contains(dir.resolve("store").toString())
                .doesNotContain("..data");
    }

    /** /proc/self/fd/N of this process that is open on {@code file} (there is one: the caller opened it). */
    private static Path descriptorOf(Path file) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(file.toRealPath());
                } catch (IOException e) {
                    return false; // closed meanwhile (the listing's own descriptor)
                }
            }).findFirst().orElseThrow();
        }
    }
}
