package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.ConfigText;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What the verbs say and exit with on configs an audit of the config handling found mishandled (2026-12-02). */
class ConfigEdgesCliTest {
    @TempDir
    Path dir;

    private Cli cli() {
        return new Cli().workingDir(dir);
    }

    /**
     * Finding 2: with no jobs, {@code backup --all} exited 1 while {@code prune --all}, {@code verify --all}, {@code check
     * --all} and {@code list --all} exited 0 ("0 of 0 ..."): a schedule running them on a config whose jobs were lost looked
     * healthy. Every {@code --all} now fails the same way; {@code config validate} warns, the other commands do not (a config
     * for inspect/sync only).
     */
    @Test
    void everyVerbOfAllJobsFailsTheSameWayOnAConfigWithoutJobs() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 5);
        for (String jobs : new String[] {"jobs:\n", "jobs: {}\n", ""}) {
            Files.writeString(dir.resolve("config.yaml"), ConfigText.APP_AND_LOCAL_STORE + jobs);
            for (String[] verb : new String[][] {{"backup", "back up"}, {"prune", "prune"}, {"verify", "verify"},
                    {"check", "check"}, {"list", "list"}}) {
                Cli.Result r = cli().run("-q", "-c", "config.yaml", verb[0], "--all");
                assertThat(r.exit()).as(jobs + verb[0] + r).isEqualTo(1);
                assertThat(r.err()).as(verb[0]).contains("error: " + verb[0] + " --all: no jobs are defined in ")
                        .contains("config.yaml: nothing to " + verb[1]);
                assertThat(r.out()).as(verb[0]).isEmpty();
            }
            Cli.Result validate = cli().run("-c", "config.yaml", "config", "validate");
            assertThat(validate.exit()).as(validate.toString()).isZero();
            assertThat(validate.err()).contains("warning: no jobs are defined: nothing will be backed up");
            assertThat(validate.out()).contains("ok (1 datasource, 1 store, 0 notifications, 0 jobs)");
            Cli.Result inspect = cli().run("-c", "config.yaml", "inspect", "app"); // a file for inspect/sync: no warning
            assertThat(inspect.exit()).as(inspect.toString()).isZero();
            assertThat(inspect.err()).doesNotContain("no jobs are defined");
            assertThat(inspect.out()).contains("app");
        }
        assertThat(dir.resolve("store")).doesNotExist();
    }

    /**
     * Finding 3: an SSH store's {@code key_file} that cannot be read was an error of the whole file, so {@code config
     * validate j1} failed on job j2's key, and {@code backup j1} did not run. It is a secret: only what needs it fails.
     */
    @Test
    void anSshKeyFileMissingHereFailsOnlyTheJobsOfItsStore() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 5);
        Files.writeString(dir.resolve("config.yaml"), ConfigText.APP_AND_LOCAL_STORE + """
                  remote:
                    type: ssh
                    host: backup.internal
                    user: backup
                    path: /srv/backups
                    key_file: keys/id_ed25519
                jobs:
                  j1:
                    datasource: app
                    store: local
                  j2:
                    datasource: app
                    store: remote
                """);
        String line = "config.yaml:14:15: error: stores.remote.key_file: cannot read " + dir.resolve("keys/id_ed25519") + " (no such file)";
        Cli.Result one = cli().run("-c", "config.yaml", "config", "validate", "j1");
        assertThat(one.exit()).as(one.toString()).isZero();
        assertThat(one.out()).contains("1 secret(s) not read here, not used by j1");
        Cli.Result two = cli().run("-c", "config.yaml", "config", "validate", "j2");
        assertThat(two.exit()).as(two.toString()).isEqualTo(1);
        assertThat(two.err().strip()).isEqualTo(line);
        Cli.Result twoJson = cli().run("--log-format", "json", "-c", "config.yaml", "config", "validate", "j2");
        assertThat(twoJson.exit()).isEqualTo(1);
        assertThat(io.dbbackup.core.Json.parse(twoJson.err().strip())).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("level", "error").containsEntry("line", 14L).containsEntry("column", 15L)
                .containsEntry("msg", line.substring(line.indexOf("stores.remote.key_file")));
        Cli.Result all = cli().run("-c", "config.yaml", "config", "validate");
        assertThat(all.exit()).isEqualTo(1);
        assertThat(all.err().strip()).isEqualTo(line);

        Cli.Result backup = cli().run("-q", "-c", "config.yaml", "backup", "j1");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        Cli.Result other = cli().run("-q", "-c", "config.yaml", "backup", "j2");
        assertThat(other.exit()).as(other.toString()).isEqualTo(1);
        assertThat(other.out()).contains(line.substring(line.indexOf("stores.remote.key_file")));
    }

    /**
     * Finding 12: {@code backup --pin ""} (a schedule's {@code --pin "$NOTE"} with NOTE unset) pinned the backup, so every
     * nightly backup would be kept forever. Refused before anything runs, as is {@code pin --note ""}.
     */
    @Test
    void anEmptyPinNoteIsRefusedBeforeAnythingIsWritten() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 5);
        Files.writeString(dir.resolve("config.yaml"), ConfigText.withAppJob(""));
        for (String empty : new String[] {"", " "}) {
            Cli.Result r = cli().run("-c", "config.yaml", "backup", "app", "--pin", empty);
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.err().strip()).isEqualTo("error: --pin needs a note saying why the backup is kept (got an empty one); "
                    + "to pin without a note, run dbbackup -c config.yaml pin app after the backup");
            assertThat(dir.resolve("store")).doesNotExist();
        }
        // the job's name only when one was named: of two, or --all, the hint cannot know which
        for (String[] more : new String[][] {{"app", "other"}, {"--all"}}) {
            List<String> args = new ArrayList<>(List.of("-c", "config.yaml", "backup"));
            args.addAll(List.of(more));
            args.addAll(List.of("--pin", ""));
            Cli.Result r = cli().run(args.toArray(String[]::new));
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.err().strip()).endsWith("run dbbackup -c config.yaml pin JOB after the backup");
        }
        assertThat(cli().run("-q", "-c", "config.yaml", "backup", "app").exit()).isZero();
        Cli.Result note = cli().run("-c", "config.yaml", "pin", "app", "--note", "");
        assertThat(note.exit()).as(note.toString()).isEqualTo(1);
        assertThat(note.err().strip()).isEqualTo("error: --note is empty: give why the backup is kept, or leave out --note");
        try (var files = Files.walk(dir.resolve("store"))) {
            assertThat(files.filter(p -> p.toString().endsWith(".pin"))).isEmpty();
        }
    }

    private void brokenConfig() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), ConfigText.withAppJob("retension: {keep_daily: 3}") + """
                  pg:
                    datasource: pg
                    store: local
                """);
    }

    /** Finding 4: {@code -v} printed the ConfigException's Java stack trace under the config's one-line errors. */
    @Test
    void verboseKeepsConfigErrorsToTheirLines() throws Exception {
        brokenConfig();
        for (String[] args : new String[][] {{"-v", "-c", "config.yaml", "config", "validate"}, {"-v", "-c", "config.yaml", "backup", "app"},
                {"-c", "config.yaml", "-v", "list", "app"}, {"-v", "-c", "config.yaml", "backup", "nosuch"}}) {
            Cli.Result r = cli().run(args);
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).as(String.join(" ", args)).doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(r.err().strip()).as(String.join(" ", args)).isEqualTo("""
                    config.yaml:13:5: error: jobs.app.retension: unknown key; did you mean 'retention'?
                    config.yaml:15:17: error: jobs.pg.datasource: no datasource named 'pg' (defined: app)""");
        }
    }

    /**
     * Finding 5: with {@code --log-format json}, the config's errors came out as plain text lines among the JSON ones. Each
     * is now one JSON object (level, msg, file, line, column, exit), as is any other error of the command.
     */
    @Test
    void jsonLoggingCoversConfigErrors() throws Exception {
        brokenConfig();
        for (String verb : new String[] {"config validate", "backup app", "backup --all", "list app"}) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("--log-format", "json", "-c", "config.yaml"));
            args.addAll(java.util.List.of(verb.split(" ")));
            Cli.Result r = cli().run(args.toArray(String[]::new));
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            String[] lines = r.err().strip().split("\n");
            assertThat(lines).as(verb).hasSize(2);
            @SuppressWarnings("unchecked")
            java.util.Map<String, Object> first = (java.util.Map<String, Object>) io.dbbackup.core.Json.parse(lines[0]);
            assertThat(first).as(verb).containsEntry("level", "error")
                    .containsEntry("msg", "jobs.app.retension: unknown key; did you mean 'retention'?")
                    .containsEntry("file", "config.yaml").containsEntry("line", 13L).containsEntry("column", 5L)
                    .containsEntry("exit", 1L).containsKey("time");
            assertThat(io.dbbackup.core.Json.parse(lines[1])).as(verb).isInstanceOf(java.util.Map.class);
        }
        Files.writeString(dir.resolve("ok.yaml"), """
                datasources:
                  app:
                    engine: sqlite
                    path: app.db
                    compression: none
                stores:
                  local:
                    type: local
                    path: store
                jobs:
                  app:
                    datasource: app
                    store: local
                """);
        Cli.Result unknown = cli().run("--log-format", "json", "-c", "ok.yaml", "backup", "nosuch");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(io.dbbackup.core.Json.parse(unknown.err().strip())).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("level", "error").containsEntry("exit", 1L)
                .hasEntrySatisfying("msg", m -> assertThat((String) m).startsWith("no job named 'nosuch'"));
    }

    /** The other half of finding 4: an unexpected internal error (a bug) keeps its stack trace with -v, in text and JSON. */
    @Test
    void verboseStillTracesAnInternalError() {
        java.time.Clock clock = java.time.Clock.fixed(java.time.Instant.parse("2026-12-02T00:00:00Z"), java.time.ZoneOffset.UTC);
        for (io.dbbackup.core.Log.Format format : io.dbbackup.core.Log.Format.values()) {
            for (boolean verbose : new boolean[] {false, true}) {
                java.io.StringWriter text = new java.io.StringWriter();
                int code = Main.report(new java.io.PrintWriter(text), new IllegalStateException("boom"), verbose, format, clock);
                assertThat(code).isEqualTo(2);
                assertThat(text.toString()).as(format + " " + verbose).contains("internal error: IllegalStateException: boom");
                if (verbose) {
                    assertThat(text.toString()).as(format.toString()).contains(format == io.dbbackup.core.Log.Format.JSON
                            ? "\\tat io.dbbackup.cli.ConfigEdgesCliTest" : "\tat io.dbbackup.cli.ConfigEdgesCliTest");
                } else {
                    assertThat(text.toString()).doesNotContain("ConfigEdgesCliTest");
                }
            }
        }
    }

    /**
     * A config path that is a directory ({@code -c /config}, {@code DBBACKUP_CONFIG} naming the mounted folder) is one
     * line saying so, exit 1, also with {@code -v} and as JSON — not "IOException: Is a directory" at a line 1.
     */
    @Test
    void aConfigPathThatIsADirectoryIsOneLine() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("conf"));
        String line = "error: the config file conf is a directory: give the file in it (e.g. " + folder.resolve("config.yaml") + ")";
        for (String[] args : new String[][] {{"-c", "conf", "backup", "--all"}, {"-v", "-c", "conf", "list", "--all"},
                {"--config=conf", "config", "validate"}}) {
            Cli.Result r = cli().run(args);
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).as(r.toString()).isEqualTo(line + "\n");
            assertThat(r.out()).isEmpty();
        }
        Cli.Result viaEnv = cli().env("DBBACKUP_CONFIG", folder.toString()).run("config", "validate");
        assertThat(viaEnv.exit()).isEqualTo(1);
        assertThat(viaEnv.err()).as(viaEnv.toString()).isEqualTo("error: the config file " + folder + " is a directory: give the file in it (e.g. "
                + folder.resolve("config.yaml") + ")\n");
        Cli.Result json = cli().run("--log-format", "json", "-c", "conf", "list", "--all", "--json");
        assertThat(json.exit()).isEqualTo(1);
        java.util.Map<?, ?> logged = (java.util.Map<?, ?>) io.dbbackup.core.Json.parse(json.err().strip());
        assertThat(logged.get("msg")).isEqualTo(line.substring("error: ".length()));
        assertThat(json.err() + json.out()).doesNotContain("Exception");
    }
}
