package io.dbbackup.cli;

import io.dbbackup.core.Json;
import io.dbbackup.testkit.Cli;
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
 * With {@code --json} stdout is one JSON document also when the command fails before it has a result of its own (an
 * unknown job, arguments that do not go together, a config that does not load, a single backup that does not verify):
 * {@code {"ok": false, "job", "exit", "error"}}, {@code job} only when the command line names exactly one, the
 * {@code error:} line on stderr and the exit code as without {@code --json}.
 */
class JsonFailureCliTest {
    @TempDir
    Path dir;
    Cli cli;

    @BeforeEach
    void setUp() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 20);
        Files.createDirectories(dir.resolve("scratch"));
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                  scratch: {engine: sqlite, path: scratch/drill.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                  app: {datasource: app, store: local}
                """);
        cli = new Cli().workingDir(dir);
        assertThat(cli.run("-c", "config.yaml", "backup", "app").exit()).isZero();
    }

    /**
     * The one failure object on stdout, with its exit code and {@code job} (null: no such key); the stderr line as
     * without --json.
     */
    private Map<?, ?> failure(String job, int exit, String error, String... args) {
        Cli.Result r = cli.run(args);
        assertThat(r.exit()).as(r.toString()).isEqualTo(exit);
        assertThat(r.err()).as(r.toString()).contains("error: " + error);
        Map<?, ?> m = (Map<?, ?>) Json.parse(r.out());
        assertThat(List.copyOf(m.keySet())).as(r.toString())
                .isEqualTo(job == null ? List.of("ok", "exit", "error") : List.of("ok", "job", "exit", "error"));
        assertThat(m.get("job")).as(r.toString()).isEqualTo(job);
        assertThat(m.get("ok")).isEqualTo(false);
        assertThat(((Number) m.get("exit")).intValue()).isEqualTo(exit);
        assertThat((String) m.get("error")).contains(error);
        return m;
    }

    @Test
    void anUnknownJobIsOneFailureObjectForEveryVerbThatTakesJson() {
        String unknown = "no job named 'nosuchjob'";
        for (List<String> verb : List.of(List.of("backup", "nosuchjob"), List.of("backup", "--parallel", "2", "nosuchjob"),
                List.of("verify", "nosuchjob"), List.of("drill", "nosuchjob", "--to", "scratch"), List.of("list", "nosuchjob"),
                List.of("prune", "nosuchjob"), List.of("show", "nosuchjob"), List.of("check", "nosuchjob"))) {
            String[] args = Stream.concat(Stream.of("-c", "config.yaml"), Stream.concat(verb.stream(), Stream.of("--json")))
                    .toArray(String[]::new);
            failure("nosuchjob", 1, unknown, args);
            Cli.Result plain = cli.run(Stream.concat(Stream.of("-c", "config.yaml"), verb.stream()).toArray(String[]::new));
            assertThat(plain.exit()).isEqualTo(1);
            assertThat(plain.out()).as("without --json stdout stays empty: " + verb).isEmpty();
        }
    }

    @Test
    void argumentsThatDoNotGoTogetherOrDoNotParseAreOneFailureObject() {
        failure(null, 1, "--all lists every job: name no JOB with it", "-c", "config.yaml", "list", "app", "--all", "--json");
        failure(null, 1, "name the job to verify, or pass --all", "-c", "config.yaml", "verify", "--json");
        failure("app", 1, "Unknown option: '--bogus'", "-c", "config.yaml", "prune", "app", "--json", "--bogus");
        failure(null, 1, "Unknown option: '--bogus'", "-c", "config.yaml", "prune", "--json", "--bogus");
        // an unknown option is set aside and the parse goes on: the job after it is known; a value that does not
        // convert stops the parse before the job
        failure("app", 1, "Unknown option: '--bogus'", "-c", "config.yaml", "backup", "--bogus", "app", "--json");
        failure(null, 1, "Invalid value for option '--parallel'", "-c", "config.yaml", "backup", "--json", "--parallel", "many", "app");
        failure(null, 1, "give job names or --all, not both", "-c", "config.yaml", "backup", "app", "--all", "--json");
        failure(null, 1, "no job named 'other'", "-c", "config.yaml", "backup", "app", "other", "--json");
        Cli.Result root = cli.run("-c", "config.yaml", "--json");
        assertThat(root.exit()).as("no verb: no --json either").isEqualTo(1);
        assertThat(root.out()).isEmpty();
    }

    /**
     * An argument error the root options cause, before the verb runs (an unknown root option, a root option whose value
     * is missing or does not convert), still answers the verb's --json; without --json after a verb that takes it,
     * stdout stays empty.
     */
    @Test
    void anArgumentErrorBeforeTheVerbIsOneFailureObjectToo() {
        failure("app", 1, "Unknown option: '--bogus'", "--bogus", "-c", "config.yaml", "list", "app", "--json");
        failure("app", 1, "Unknown option: '--bogus'", "-c", "config.yaml", "--bogus", "backup", "--json", "app");
        failure(null, 1, "Expected parameter for option '--log-format' but found 'backup'", "--log-format", "backup", "app", "--json");
        failure(null, 1, "Invalid value for option '--log-format'", "--log-format", "xml", "-c", "config.yaml", "drill", "app",
                "--to", "scratch", "--json");
        failure(null, 1, "Expected parameter for option '--limit-download' but found 'verify'", "--limit-download", "verify", "app", "--json");
        failure("app", 1, "Unknown option: '-c'", "backup", "app", "--json", "-c");
        failure("app", 1, "Missing required parameter for option '--identity'", "-c", "config.yaml", "verify", "app", "--json",
                "--identity");
        for (List<String> plain : List.of(List.of("--bogus", "-c", "config.yaml", "list", "app"),
                List.of("--json", "-c", "config.yaml", "list", "app"), List.of("--bogus", "config", "validate", "--json"),
                List.of("--log-format", "xml", "--json", "list", "app"))) {
            Cli.Result r = cli.run(plain.toArray(String[]::new));
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).as(r.toString()).startsWith("error: ");
            assertThat(r.out()).as("no --json after a verb that takes it: " + plain).isEmpty();
        }
    }

    @Test
    void aConfigThatDoesNotLoadIsOneFailureObject() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml")).replace("store: local}",
                "store: local, retension: {}}"));
        Map<?, ?> m = failure("app", 1, "jobs.app.retension: unknown key", "-c", "config.yaml", "list", "app", "--json");
        assertThat((String) m.get("error")).startsWith("config.yaml:");
    }

    @Test
    void aBackupThatDoesNotVerifyIsOneFailureObjectWithItsExitCode() throws Exception {
        Path artifact;
        try (Stream<Path> s = Files.walk(dir.resolve("store"))) {
            artifact = s.filter(p -> p.toString().endsWith(".sqlite.gz")).findFirst().orElseThrow();
        }
        byte[] b = Files.readAllBytes(artifact);
        b[b.length / 2] ^= 0x01;
        Files.write(artifact, b);
        failure("app", 3, "checksum mismatch", "-c", "config.yaml", "verify", "app", "--json");
        failure("app", 3, "checksum mismatch", "-c", "config.yaml", "verify", "--json", "app");
    }
}
