package io.dbbackup.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Golden files under src/test/resources/golden/<area>/; {@code -Dgolden.update=true} rewrites them. */
public final class Golden {
    private Golden() {
    }

    public static Path dir(String area) {
        String base = System.getProperty("project.basedir", System.getProperty("user.dir"));
        return Path.of(base, "src/test/resources/golden", area);
    }

    public static List<String> cases(String area, String suffix) {
        try (Stream<Path> s = Files.list(dir(area))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix) && !n.contains(".expected"))
                    .map(n -> n.substring(0, n.length() - suffix.length())).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static boolean updating() {
        return Boolean.getBoolean("golden.update");
    }

    public static void check(String area, String file, String actual) throws IOException {
        Path expected = dir(area).resolve(file);
        if (updating() || !Files.exists(expected)) {
            Files.writeString(expected, actual, StandardCharsets.UTF_8);
            if (!updating()) {
                throw new AssertionError("golden file " + expected + " was missing and has been written: review and commit it");
            }
            return;
        }
        assertThat(actual).isEqualTo(Files.readString(expected, StandardCharsets.UTF_8));
    }
}
