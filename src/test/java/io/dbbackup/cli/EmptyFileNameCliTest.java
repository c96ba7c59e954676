package io.dbbackup.cli;

import io.dbbackup.core.Json;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.ConfigText;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An empty file name ({@code -c "$UNSET"}) is an argument error of its own: one line naming the option, the help hint,
 * exit 1, nothing written — not the working folder read as a config ("is a directory") or a key file '' that "already
 * exists".
 */
class EmptyFileNameCliTest {
    @TempDir
    Path dir;
    Cli cli;

    @BeforeEach
    void setUp() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 5);
        Files.writeString(dir.resolve("config.yaml"), ConfigText.withAppJob(""));
        cli = new Cli().workingDir(dir).env("DBBACKUP_CONFIG", "");
        assertThat(cli.run("-c", "config.yaml", "backup", "app").exit()).isZero();
    }

    private List<Path> files() throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void anEmptyFileNameIsRefusedBeforeAnythingRuns() throws Exception {
        List<Path> before = files();
        Map<List<String>, String> cases = Map.of(
                List.of("-c", "", "backup", "app"), "--config",
                List.of("--config", "", "list", "app"), "--config",
                List.of("--config=", "config", "validate"), "--config",
                List.of("-c", "config.yaml", "download", "app", "-o", ""), "--output",
                List.of("-c", "config.yaml", "download", "app", "--output="), "--output",
                List.of("keygen", "-o", ""), "--output",
                List.of("keygen", "-y", ""), "-y",
                List.of("-c", "config.yaml", "verify", "app", "--identity", ""), "--identity",
                List.of("-c", "config.yaml", "restore", "app", "--from-file", ""), "--from-file");
        cases.forEach((args, option) -> {
            Cli.Result r = cli.run(args.toArray(String[]::new));
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            String[] lines = r.err().split("\n");
            assertThat(lines).as(r.toString()).hasSize(2);
            assertThat(lines[0]).as(r.toString()).startsWith("error: Invalid value for option '" + option + "'")
                    .endsWith(": an empty file name (an unset variable?)");
            assertThat(lines[1]).as(r.toString()).startsWith("Run 'dbbackup").endsWith(" --help' for usage.");
            assertThat(r.out()).as(r.toString()).isEmpty();
        });
        assertThat(files()).as("nothing written").isEqualTo(before);

        Cli.Result json = cli.run("-c", "", "list", "app", "--json");
        assertThat(json.exit()).isEqualTo(1);
        Map<?, ?> m = (Map<?, ?>) Json.parse(json.out());
        assertThat(m.get("error")).isEqualTo("Invalid value for option '--config': an empty file name (an unset variable?)");
    }
}
