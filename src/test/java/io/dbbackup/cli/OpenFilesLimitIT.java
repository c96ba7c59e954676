package io.dbbackup.cli;

import io.dbbackup.testkit.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real process under a low {@code ulimit -n} (a container runtime's or a systemd unit's), backing up six SQLite
 * databases four at a time: jobs that ran out of file descriptors said "online backup failed with SQLite result code
 * 14", naming nothing to change; each failed job now names the limit on open files and its value, and leaves nothing
 * half-written in the store.
 */
class OpenFilesLimitIT {
    @TempDir
    Path dir;

    @Test
    void jobsThatRunOutOfFileDescriptorsNameTheLimit() throws Exception {
        StringBuilder config = new StringBuilder("datasources:\n");
        for (int i = 1; i <= 6; i++) {
            Files.copy(Path.of("examples/shop.db"), dir.resolve("s" + i + ".db"));
            config.append("  s").append(i).append(":\n    engine: sqlite\n    path: s").append(i).append(".db\n");
        }
        config.append("stores:\n  local:\n    type: local\n    path: store\njobs:\n");
        for (int i = 1; i <= 6; i++) {
            config.append("  s").append(i).append(":\n    datasource: s").append(i).append("\n    store: local\n");
        }
        Files.writeString(dir.resolve("config.yaml"), config.toString());
        Path jar = Path.of(System.getProperty("dbbackup.jar", "target/dbbackup.jar")).toAbsolutePath();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> failed = List.of();
        for (int run = 0; run < 3 && failed.isEmpty(); run++) { // how many jobs run short of descriptors varies with timing
            Thread.sleep(1_100); // one backup a second: the key is the time to the second
            Shell.Result r = Shell.run(dir, "bash", "-c", "ulimit -n 24; '" + java + "' -jar '" + jar + "' -c config.yaml -q backup "
                    + "--all --parallel 4 > out.txt 2> err.txt; echo \"exit $?\" > exit.txt");
            assertThat(r.exit()).as(r.output()).isZero();
            failed = Files.readAllLines(dir.resolve("out.txt")).stream().filter(l -> l.contains(" FAILED ")).toList();
            if (!failed.isEmpty()) {
                assertThat(Files.readString(dir.resolve("exit.txt"))).isIn("exit 4\n", "exit 2\n");
            }
        }
        assertThat(failed).as("some job ran out of file descriptors under ulimit -n 24").isNotEmpty();
        // the limit's value is named, also by a job that ran out of descriptors before it could read /proc/self/limits
        assertThat(failed).allSatisfy(l -> assertThat(l).containsPattern("limit on open files(, ulimit -n: 24|\\) \\(ulimit -n: 24| \\(ulimit -n: 24)"));
        try (var files = Files.walk(dir.resolve("store"))) {
            assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
                    .allMatch(n -> n.matches("s\\d-\\d{8}-\\d{6}\\.sqlite\\.gz(\\.sha256|\\.manifest\\.json)?"));
        }
    }
}
