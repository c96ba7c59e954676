package io.dbbackup.cli;

import io.dbbackup.testkit.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bin/dbbackup started in a working folder that was deleted under it (a release folder rotated away while a shell or a
 * cron job was still in it): the JVM cannot start there at all.
 */
class LauncherWorkingFolderIT {
    @TempDir
    Path dir;

    @Test
    void aDeletedWorkingFolderIsOneLineAndExit2NotTheJvmsStackTraceAndExit1() throws Exception {
        Path repo = Path.of("").toAbsolutePath();
        Path jar = Path.of(System.getProperty("dbbackup.jar", "target/dbbackup.jar")).toAbsolutePath();
        assertThat(jar).as("the shaded jar (mvn package)").exists();
        Files.createDirectories(dir.resolve("examples"));
        Files.copy(Path.of("examples/shop.db"), dir.resolve("examples/shop.db"));
        Files.copy(Path.of("examples/config.yaml"), dir.resolve("examples/config.yaml"));
        Shell.Result r = Shell.run(dir, "bash", "-c", "export DBBACKUP_JAR='" + jar + "' DBBACKUP_CDS=off PATH='"
                + Path.of(System.getProperty("java.home"), "bin") + "':$PATH; mkdir release && cd release && rmdir ../release && "
                + "bash '" + repo.resolve("bin/dbbackup") + "' -c '" + dir.resolve("examples/config.yaml") + "' list shop 2> ../err.txt; "
                + "echo \"exit $?\" > ../exit.txt");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(Files.readString(dir.resolve("exit.txt"))).isEqualTo("exit 2\n");
        assertThat(Files.readString(dir.resolve("err.txt")))
                .endsWith("dbbackup: error: the current folder " + dir.resolve("release")
                        + " no longer exists (deleted or moved away): cd to a folder that exists and run again\n")
                .doesNotContain("\tat ").doesNotContain("initialization of VM");
    }
}
