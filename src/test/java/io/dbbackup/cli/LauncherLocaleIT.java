package io.dbbackup.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bin/dbbackup under the locale a container has when nothing sets one (no LANG, the C locale: the image's default) or a
 * LANG naming a locale that is not installed there: Java 17 then encodes file names as ASCII and cannot open a path
 * with a non-ASCII letter at all.
 */
class LauncherLocaleIT {
    @TempDir
    Path dir;

    private record Run(int exit, String err) {
    }

    private Run launcher(String lang) throws Exception {
        Path repo = Path.of("").toAbsolutePath();
        Path jar = Path.of(System.getProperty("dbbackup.jar", "target/dbbackup.jar")).toAbsolutePath();
        assertThat(jar).as("the shaded jar (mvn package)").exists();
        ProcessBuilder pb = new ProcessBuilder("bash", repo.resolve("bin/dbbackup").toString(), "-c", "config.yaml", "backup", "--all")
                .directory(dir.toFile()).redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG") || k.equals("JAVA_OPTS"));
        if (lang != null) {
            pb.environment().put("LANG", lang);
        }
        pb.environment().put("DBBACKUP_JAR", jar.toString());
        pb.environment().put("DBBACKUP_CDS", "off");
        pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("finished").isTrue();
        return new Run(p.exitValue(), Files.readString(dir.resolve("err.txt")) + Files.readString(dir.resolve("out.txt")));
    }

    private void backsUpANonAsciiPath(String lang) throws Exception {
        Path source = Files.createDirectories(dir.resolve("Bäckups"));
        Files.copy(Path.of("examples/shop.db"), source.resolve("shöp.db"));
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  shop:
                    engine: sqlite
                    path: Bäckups/shöp.db
                stores:
                  local:
                    type: local
                    path: störe
                jobs:
                  shop:
                    datasource: shop
                    store: local
                    prefix: shop
                """);
        Run r = launcher(lang);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("Bäckups/shöp.db").doesNotContain("unmappable");
        try (Stream<Path> s = Files.walk(dir.resolve("störe"))) {
            assertThat(s.map(f -> f.getFileName().toString())).anyMatch(n -> n.endsWith(".sqlite.gz"));
        }
    }

    @Test
    void aNonAsciiPathIsBackedUpWithNoLocaleSet() throws Exception {
        backsUpANonAsciiPath(null);
    }

    @Test
    void aNonAsciiPathIsBackedUpUnderTheCLocale() throws Exception {
        backsUpANonAsciiPath("C");
    }

    @Test
    void aNonAsciiPathIsBackedUpWhenLangNamesALocaleThatIsNotInstalled() throws Exception {
        backsUpANonAsciiPath("xx_YY.UTF-8");
    }
}
