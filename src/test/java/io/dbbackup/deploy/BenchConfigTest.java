package io.dbbackup.deploy;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark scripts write dbbackup configs of their own and stop at the first one that does not
 * load (bench/pipeline.sh did, for a stop, after the check for jobs sharing a folder arrived). Each
 * config here-document is taken out of its script, expanded by bash with stand-in values for the
 * script's variables, and must pass {@code config validate}.
 */
class BenchConfigTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({
            "bench/pipeline.sh, cat > \"$work/config.yaml\" <<EOF",
            "bench/pipeline.sh, cat > \"$work/noop.yaml\" <<EOF",
            "bench/physical.sh, cat > \"$W/config.yaml\" <<EOF"})
    void theBenchmarksConfigsAreValid(String script, String start) throws Exception {
        Path repo = Path.of(System.getProperty("project.basedir", ".")).toAbsolutePath();
        List<String> lines = Files.readAllLines(repo.resolve(script), StandardCharsets.UTF_8);
        int from = lines.indexOf(start);
        assertThat(from).as(start + " in " + script).isNotNegative();
        int to = lines.subList(from, lines.size()).indexOf("EOF") + from;
        assertThat(to).isGreaterThan(from);
        String block = String.join("\n", lines.subList(from, to + 1));
        Path work = Files.createDirectories(dir.resolve("work"));
        for (String d : List.of("store", "keep", "prune", "empty")) {
            Files.createDirectories(work.resolve(d));
        }
        Process p = new ProcessBuilder("bash", "-c", "set -eu; work='" + work + "'; W='" + work + "'; store='" + work.resolve("store")
                + "'; pgport=5432; port=5432; s3port=9000; cd \"$work\"\n" + block)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        String file = start.substring(start.indexOf('/') + 1, start.indexOf('"', start.indexOf('/')));
        Path config = work.resolve(file);
        assertThat(Files.readString(config)).contains("datasources:").contains("jobs:");

        Cli.Result r = new Cli().workingDir(work).env("BENCH_S3_ACCESS_KEY", "AKIDBENCHTEST").env("BENCH_S3_SECRET_KEY", "bench-secret-test")
                .run("-c", config.toString(), "config", "validate");
        assertThat(r.exit()).as(r.toString()).isZero();
    }
}
