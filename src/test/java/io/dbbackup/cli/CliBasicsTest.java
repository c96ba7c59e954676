package io.dbbackup.cli;

import io.dbbackup.core.Json;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CliBasicsTest {
    @TempDir
    Path dir;

    @Test
    void versionAndHelp() {
        Cli.Result v = new Cli().run("--version");
        assertThat(v.exit()).isZero();
        assertThat(v.out()).startsWith("dbbackup ").isEqualTo(io.dbbackup.job.Version.line() + "\n");
        // the bare --version is answered before picocli builds its model: the same line as picocli's own answer
        for (String[] viaPicocli : new String[][] {{"-q", "--version"}, {"-V", "-q"}}) {
            Cli.Result p = new Cli().run(viaPicocli);
            assertThat(p.exit()).isZero();
            assertThat(p.out()).isEqualTo(v.out());
        }
        assertThat(new Cli().run("-V").out()).isEqualTo(v.out());
        Cli.Result h = new Cli().run("--help");
        assertThat(h.out()).contains("backup", "restore", "prune", "verify", "143");
    }

    @Test
    void helpListsEveryVerbInOrderAndEachVerbHasItsOwnHelp() {
        Cli.Result h = new Cli().run("--help");
        int last = -1;
        for (String verb : Root.verbs().keySet()) {
            int at = h.out().indexOf("\n  " + verb + " ");
            assertThat(at).as(verb).isGreaterThan(last);
            last = at;
            // picocli warns on System.err itself when a description is not a valid format string
            java.io.ByteArrayOutputStream picocliErr = new java.io.ByteArrayOutputStream();
            java.io.PrintStream systemErr = System.err;
            System.setErr(new java.io.PrintStream(picocliErr, true));
            Cli.Result own;
            try {
                own = new Cli().run("-q", verb, "--help");
            } finally {
                System.setErr(systemErr);
            }
            assertThat(own.exit()).as(verb).isZero();
            assertThat(own.out()).as(verb).startsWith("Usage: dbbackup " + verb + " ");
            assertThat(picocliErr.toString()).as(verb + ": picocli's own warnings").isEmpty();
        }
    }

    @Test
    void onlyAPlainlyNamedVerbIsPickedAlone() {
        assertThat(Root.plainVerb("backup", "--all")).isEqualTo("backup");
        assertThat(Root.plainVerb("-q", "-c", "list", "wal-push", "a", "b")).isEqualTo("wal-push");
        assertThat(Root.plainVerb("--config=x.yaml", "--log-format", "json", "-v", "prune")).isEqualTo("prune");
        assertThat(Root.plainVerb("--log-format=json", "--quiet", "--verbose", "--config", "c", "restore")).isEqualTo("restore");
        assertThat(Root.plainVerb("-qc", "x.yaml", "backup")).isNull();
        assertThat(Root.plainVerb("--help", "backup")).isNull();
        assertThat(Root.plainVerb("bakup")).isNull();
        assertThat(Root.plainVerb("--", "backup")).isNull();
        assertThat(Root.plainVerb()).isNull();
        // a clustered option falls back to every verb and still works
        Cli.Result r = new Cli().workingDir(dir).run("-qv", "backup");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("--all");
    }

    @Test
    void usageErrorsExit1WithOneLine() {
        Cli.Result r = new Cli().workingDir(dir).run("bakup");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("Unmatched argument").contains("backup");
        Cli.Result noJobs = new Cli().workingDir(dir).run("backup");
        assertThat(noJobs.exit()).isEqualTo(1);
        assertThat(noJobs.err()).contains("--all");
    }

    /**
     * No command is a usage error: the usage on stderr, exit 1, stdout empty (a cron line that lost its verb must not
     * pass as ok); {@code --help} stays the usage on stdout, exit 0 — and the container image's default command (the
     * Dockerfile's CMD, which tests/container/smoke.sh runs) is that help.
     */
    @Test
    void noCommandIsAUsageErrorAndTheImagesDefaultCommandIsTheHelp() throws Exception {
        for (String[] args : new String[][] {{}, {"-q"}, {"-c", "config.yaml"}, {"--log-format", "json", "-v"}}) {
            Cli.Result r = new Cli().workingDir(dir).run(args);
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.out()).as(r.toString()).isEmpty();
            assertThat(r.err()).as(r.toString()).startsWith("error: no command given (the commands are below)\nUsage: dbbackup ")
                    .contains("\n  backup ", "\n  pin ");
        }
        Cli.Result config = new Cli().workingDir(dir).run("config");
        assertThat(config.exit()).as(config.toString()).isEqualTo(1);
        assertThat(config.out()).isEmpty();
        assertThat(config.err()).startsWith("error: no command given").contains("Usage: dbbackup config ").contains("validate");

        String dockerfile = Files.readString(Path.of("Dockerfile"));
        java.util.regex.Matcher cmd = java.util.regex.Pattern.compile("(?m)^CMD \\[(.*)]$").matcher(dockerfile);
        assertThat(cmd.find()).as("the Dockerfile has a CMD").isTrue();
        String[] defaults = java.util.Arrays.stream(cmd.group(1).split(",")).map(String::strip)
                .map(a -> a.substring(1, a.length() - 1)).toArray(String[]::new);
        Cli.Result image = new Cli().workingDir(dir).run(defaults);
        assertThat(image.exit()).as("the image's default command " + cmd.group() + ": " + image).isZero();
        assertThat(image.out()).startsWith("Usage: dbbackup ").contains("\nExit codes:");
        assertThat(Files.readString(Path.of("tests/container/smoke.sh"))).as("the smoke test runs the image's default command")
                .contains("run \"$IMAGE\")");
    }

    /** The hint under an argument error names the command that failed by its whole name, and that help exists. */
    @Test
    void theHelpHintNamesTheCommandThatFailed() {
        Map<List<String>, String> hints = Map.of(
                List.of("config", "validate", "--bogus"), "dbbackup config validate",
                List.of("config", "--bogus"), "dbbackup config",
                List.of("-q", "list", "--bogus"), "dbbackup list",
                List.of("backup", "--parallel"), "dbbackup backup",
                List.of("--bogus", "backup", "--all"), "dbbackup",
                List.of("bakup"), "dbbackup");
        hints.forEach((args, command) -> {
            Cli.Result r = new Cli().workingDir(dir).run(args.toArray(String[]::new));
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).as(r.toString()).endsWith("\nRun '" + command + " --help' for usage.\n");
            Cli.Result help = new Cli().run((command.substring("dbbackup".length()).strip() + " --help").strip().split(" "));
            assertThat(help.exit()).as(command).isZero();
            assertThat(help.out()).as(command).startsWith("Usage: " + command + " ");
        });
    }

    @Test
    void configIsFoundThroughTheEnvironmentThenTheWorkingDirectory() throws Exception {
        Cli.Result none = new Cli().workingDir(dir).env("DBBACKUP_CONFIG", "").run("config", "validate");
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err()).contains("no config file").doesNotContain("Exception");

        SqliteFixture.create(dir.resolve("a.db"), 5);
        String yaml = "datasources:\n  a:\n    engine: sqlite\n    path: a.db\nstores:\n  s:\n    type: local\n    path: out\n"
                + "jobs:\n  a:\n    datasource: a\n    store: s\n";
        Files.writeString(dir.resolve("config.yaml"), yaml);
        assertThat(new Cli().workingDir(dir).env("DBBACKUP_CONFIG", "").run("config", "validate").exit()).isZero();
        Path other = Files.createDirectories(dir.resolve("elsewhere")).resolve("c.yaml");
        Files.writeString(other, yaml.replace("path: a.db", "path: ../a.db"));
        Cli.Result viaEnv = new Cli().workingDir(dir.resolve("elsewhere")).env("DBBACKUP_CONFIG", other.toString()).run("config", "validate");
        assertThat(viaEnv.exit()).as(viaEnv.toString()).isZero();
        assertThat(viaEnv.out()).contains("1 job)");
    }

    @Test
    void jsonLogsAndSummary() throws Exception {
        SqliteFixture.create(dir.resolve("a.db"), 5);
        Files.writeString(dir.resolve("config.yaml"), "datasources:\n  a:\n    engine: sqlite\n    path: a.db\n"
                + "stores:\n  s:\n    type: local\n    path: out\njobs:\n  a:\n    datasource: a\n    store: s\n");
        Cli.Result r = new Cli().workingDir(dir).run("--log-format", "json", "backup", "--all", "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        for (String line : r.err().strip().split("\n")) {
            assertThat(Json.parse(line)).isInstanceOf(Map.class);
        }
        Map<?, ?> summary = (Map<?, ?>) Json.parse(r.out());
        assertThat(summary.get("status")).isEqualTo(0L);
        assertThat((List<?>) summary.get("jobs")).hasSize(1);
    }

    @Test
    void unknownJobIsAUserError() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), "datasources:\n  a:\n    engine: sqlite\n    path: a.db\n"
                + "stores:\n  s:\n    type: local\n    path: out\njobs:\n  a:\n    datasource: a\n    store: s\n");
        Cli.Result r = new Cli().workingDir(dir).run("backup", "nope");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("no job named 'nope'").contains("defined: a");
    }

    @Test
    void inspectCountsTheRowsOfASqliteDatabase() throws Exception {
        SqliteFixture.create(dir.resolve("a.db"), 7);
        Files.writeString(dir.resolve("config.yaml"), "datasources:\n  a:\n    engine: sqlite\n    path: a.db\n"
                + "stores:\n  s:\n    type: local\n    path: out\njobs:\n  a:\n    datasource: a\n    store: s\n");
        Cli.Result r = new Cli().workingDir(dir).run("inspect", "a", "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        Map<?, ?> info = (Map<?, ?>) Json.parse(r.out());
        assertThat(info.get("rows")).isEqualTo(7L + 21L);
        assertThat(info.get("table_count")).isEqualTo(2L);
        Cli.Result text = new Cli().workingDir(dir).run("inspect", "a");
        assertThat(text.out()).contains("sqlite_version:").contains("\"name\":\"orders\"");
    }
}
