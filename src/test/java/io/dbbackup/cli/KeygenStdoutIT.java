package io.dbbackup.cli;

import io.dbbackup.testkit.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code dbbackup keygen > key.txt} in the real process: under the usual umask the file is readable by every user, and
 * stderr says so, as age-keygen does; a file only its owner reads, or a pipe, gets no warning.
 */
class KeygenStdoutIT {
    @TempDir
    Path dir;

    private String keygen(String redirect) {
        return keygen("", redirect);
    }

    private String keygen(String rootOptions, String redirect) {
        Path jar = Path.of(System.getProperty("dbbackup.jar", "target/dbbackup.jar")).toAbsolutePath();
        assertThat(jar).as("the shaded jar (mvn package)").exists();
        Shell.Result r = Shell.run(dir, "bash", "-c", "umask 022; '" + Path.of(System.getProperty("java.home"), "bin", "java")
                + "' -jar '" + jar + "' " + rootOptions + " keygen " + redirect + " 2> err.txt; echo \"exit $?\" >> err.txt");
        assertThat(r.exit()).isZero();
        try {
            return Files.readString(dir.resolve("err.txt"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aSecretKeyWrittenToAFileOthersCanReadIsWarnedAbout() throws Exception {
        String err = keygen("> key.txt");
        assertThat(err).contains("warning: writing the secret key to a file other users can read (rw-r--r--)").contains("exit 0");
        assertThat(Files.readString(dir.resolve("key.txt"))).contains("AGE-SECRET-KEY-1");

        Files.writeString(dir.resolve("private.txt"), "");
        Files.setPosixFilePermissions(dir.resolve("private.txt"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertThat(keygen(">> private.txt")).doesNotContain("warning").contains("exit 0");
        assertThat(keygen("| cat > piped.txt")).doesNotContain("warning").contains("exit 0");
    }

    /** With JSON logs the warning is a log line like every other: one JSON object, level warn. */
    @Test
    void withJsonLogsTheWarningIsAJsonLogLine() throws Exception {
        String err = keygen("--log-format json", "> json-key.txt");
        assertThat(err).endsWith("exit 0\n");
        String[] lines = err.strip().split("\n");
        assertThat(lines).as(err).hasSize(2);
        java.util.Map<?, ?> line = (java.util.Map<?, ?>) io.dbbackup.core.Json.parse(lines[0]);
        assertThat(line.get("level")).isEqualTo("warn");
        assertThat((String) line.get("msg")).isEqualTo("writing the secret key to a file other users can read (rw-r--r--): "
                + "chmod 600 it, or use -o FILE, which creates it 0600");
        assertThat(Files.readString(dir.resolve("json-key.txt"))).contains("AGE-SECRET-KEY-1");
    }
}
