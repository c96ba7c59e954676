package io.dbbackup.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A plain {@code mvn package}, typed by hand in a checkout of this project (its pom.xml, src/main and bin/, committed in a
 * temp git repository: the real build, minutes, so only this one test), records what it was built from by itself: the
 * commit in the jar's version line and beside it (target/dbbackup.commit, then the hash of the sources), so that
 * bin/dbbackup runs that jar as it is instead of building it once more.
 */
class PlainMvnPackageIT {
    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    @Test
    void aPlainMvnPackageRecordsTheCommitAndTheLauncherRunsItsJarAsItIs() throws Exception {
        Path repo = Path.of("").toAbsolutePath();
        Path checkout = dir.resolve("checkout");
        copy(repo.resolve("src/main"), checkout.resolve("src/main"));
        copy(repo.resolve("bin"), checkout.resolve("bin"));
        Files.copy(repo.resolve("pom.xml"), checkout.resolve("pom.xml"));
        Files.writeString(checkout.resolve(".gitignore"), "target/\n");
        run(checkout, "git", "init", "-q");
        run(checkout, "git", "add", "-A");
        run(checkout, "git", "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "one");
        String commit = run(checkout, "git", "rev-parse", "--short=12", "HEAD").out().strip();

        Run build = run(checkout, "mvn", "-B", "-q", "-ntp", "-DskipTests", "package");
        assertThat(build.exit()).as(build.toString()).isZero();

        List<String> stamp = Files.readAllLines(checkout.resolve("target/dbbackup.commit"));
        assertThat(stamp.get(0)).as("the commit in target/dbbackup.commit of a plain mvn package").isEqualTo(commit);
        String sources = run(checkout, "bash", "bin/build-commit", "--sources").out().strip();
        assertThat(sources).matches("[0-9a-f]{16}");
        assertThat(stamp).as("target/dbbackup.commit of a plain mvn package").containsExactly(commit, sources);
        Run version = run(checkout, "java", "-jar", "target/dbbackup.jar", "--version");
        assertThat(version.out()).as(version.toString()).startsWith("dbbackup ").contains("(commit " + commit + ", built ");

        long built = Files.getLastModifiedTime(checkout.resolve("target/dbbackup.jar")).toMillis();
        Run launcher = run(dir, "bash", checkout.resolve("bin/dbbackup").toString(), "--version");
        assertThat(launcher.err()).as(launcher.toString()).doesNotContain("building");
        assertThat(launcher.out()).contains("(commit " + commit + ", built ");
        assertThat(Files.getLastModifiedTime(checkout.resolve("target/dbbackup.jar")).toMillis()).isEqualTo(built);
    }

    private static void copy(Path from, Path to) throws Exception {
        try (var files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private Run run(Path in, String... command) throws Exception {
        List<String> args = new ArrayList<>(List.of(command));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(args).directory(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().keySet().removeIf(k -> k.equals("DBBACKUP_JAR") || k.equals("JAVA_OPTS") || k.startsWith("MAVEN_"));
        pb.environment().put("DBBACKUP_CDS", "off");
        pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
        Process p = pb.start();
        assertThat(p.waitFor(15, TimeUnit.MINUTES)).as(String.join(" ", args) + " finished").isTrue();
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
