package io.dbbackup.cli;

import io.dbbackup.testkit.ConfigText;
import io.dbbackup.testkit.Shell;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The progress line in the real process, on a real terminal (util-linux {@code script} gives the command a pty on
 * stdin, stdout and stderr): drawn when stderr is the terminal; not when stderr is redirected to a file while stdin and
 * stdout stay the terminal ({@code 2> log.txt}: {@link System#console()} still says "a console" then); not with JSON
 * logs.
 */
class ProgressTtyIT {
    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 2000);
        Files.writeString(dir.resolve("config.yaml"), ConfigText.withAppJob(""));
    }

    /** {@code dbbackup ARGS REDIRECT} under script; returns what the terminal showed. */
    private String onATerminal(String args, String redirect) {
        // a backup's key is stamped to the second: the next one waits for a new second (two in one second: "already exists")
        try {
            Thread.sleep(1000 - System.currentTimeMillis() % 1000 + 20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Path jar = Path.of(System.getProperty("dbbackup.jar", "target/dbbackup.jar")).toAbsolutePath();
        assertThat(jar).as("the shaded jar (mvn package)").exists();
        String command = "'" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -jar '" + jar + "' -c config.yaml "
                + args + " " + redirect;
        Shell.Result r = Shell.run(dir, "bash", "-c", "script -qec \"$0\" /dev/null < /dev/null", command);
        assertThat(r.exit()).as(r.output()).isZero();
        return r.output();
    }

    @Test
    void theProgressLineIsDrawnOnlyWhenStderrItselfIsATerminal() throws Exception {
        String tty = onATerminal("backup app", "");
        assertThat(tty).as("stderr on the terminal: the line is drawn").contains("\rbacking up app  ");

        String shown = onATerminal("backup app", "2> err.txt");
        String err = Files.readString(dir.resolve("err.txt"));
        assertThat(err).as("stderr to a file").contains("INFO  backup stored").doesNotContain("backing up app  ").doesNotContain("\r");
        assertThat(shown).as("stdout still the terminal").contains("1 of 1 job succeeded").doesNotContain("backing up app  ");

        onATerminal("verify app", "2> err.txt");
        assertThat(Files.readString(dir.resolve("err.txt"))).doesNotContain("verifying ").doesNotContain("\r");

        String json = onATerminal("--log-format json backup app", "");
        assertThat(json).as("JSON logs on the terminal").contains("\"msg\":\"backup stored\"").doesNotContain("backing up app  ");
    }
}
