package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SqliteFixture;
import io.dbbackup.testkit.SteppingClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A command a message suggests, pasted as printed, works on the same config: it repeats {@code -c FILE} as given (quoted
 * for the shell) and {@code --limit-download RATE}; a config found through {@code $DBBACKUP_CONFIG} is repeated as
 * {@code -c} with its absolute path. The run here is started from another folder holding a config.yaml of its own (the
 * default path), which a suggestion without {@code -c} would read.
 */
class SuggestionRepeatsConfigCliTest {
    @TempDir
    Path dir;
    Path elsewhere;
    Cli cli;
    String older;
    String newest;

    @BeforeEach
    void setUp() throws Exception {
        Path conf = Files.createDirectories(dir.resolve("conf dir"));
        SqliteFixture.create(conf.resolve("app.db"), 20);
        Files.writeString(conf.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                  nightly: {datasource: app, store: local, prefix: prod}
                """);
        elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        SqliteFixture.create(elsewhere.resolve("other.db"), 5);
        Files.writeString(elsewhere.resolve("config.yaml"), """
                datasources:
                  other: {engine: sqlite, path: other.db}
                stores:
                  local: {type: local, path: other-store}
                jobs:
                  nightly: {datasource: other, store: local, prefix: prod}
                """);
        cli = new Cli().workingDir(elsewhere)
                .clock(new SteppingClock(Instant.parse("2026-03-01T02:00:00Z"), Duration.ofMinutes(1)));
        for (int i = 0; i < 2; i++) {
            Cli.Result b = cli.run("-c", "../conf dir/config.yaml", "backup", "nightly", "--no-progress");
            assertThat(b.exit()).as(b.toString()).isZero();
        }
        try (var files = Files.list(conf.resolve("store/prod/app"))) {
            List<Path> dumps = files.filter(f -> f.getFileName().toString().endsWith(".sqlite.gz")).sorted().toList();
            assertThat(dumps).hasSize(2);
            older = dumps.get(0).getFileName().toString();
            newest = dumps.get(1).getFileName().toString();
        }
    }

    /** The words of {@code command} as a POSIX shell splits them (its quoting undone), without the leading dbbackup. */
    private static String[] asTheShellSplits(String command) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "set -- " + command + "; for w; do printf '%s\\0' \"$w\"; done")
                .redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        assertThat(p.waitFor()).isZero();
        List<String> words = new ArrayList<>(Arrays.asList(out.toString(StandardCharsets.UTF_8).split("\0")));
        assertThat(words.remove(0)).isEqualTo("dbbackup");
        return words.toArray(String[]::new);
    }

    private static String suggestion(Cli.Result r, String regex) {
        Matcher m = Pattern.compile(regex).matcher(r.err() + r.out());
        assertThat(m.find()).as(r.toString()).isTrue();
        return m.group(1);
    }

    @Test
    void theNextOlderBackupsVerifyRepeatsTheConfigAndTheDownloadLimit() throws Exception {
        Files.write(dir.resolve("conf dir/store/prod/app/" + newest), new byte[0]);
        Cli.Result r = cli.run("-c", "../conf dir/config.yaml", "--limit-download", "1MiB", "verify", "nightly",
                "--no-progress");
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        String command = suggestion(r, "the next older backup is \\S+ \\((dbbackup [^)]*)\\)");
        assertThat(command).isEqualTo("dbbackup -c '../conf dir/config.yaml' --limit-download 1MiB verify nightly " + older);

        Cli.Result pasted = cli.run(asTheShellSplits(command));
        assertThat(pasted.exit()).as(pasted.toString()).isZero();
        assertThat(pasted.out() + pasted.err()).contains(older);
    }

    @Test
    void theListHintOfAMissingBackupListsTheSameConfigsBackups() throws Exception {
        Cli.Result r = cli.run("--config=../conf dir/config.yaml", "verify", "nightly", "app-20261130-020000.sqlite.gz");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        String command = suggestion(r, "\\((dbbackup [^)]*) lists them all\\)");

        Cli.Result pasted = cli.run(asTheShellSplits(command));
        assertThat(pasted.exit()).as(pasted.toString()).isZero();
        assertThat(pasted.out()).contains(older).contains(newest);
    }

    @Test
    void thePinsRemoveCommandUnpinsTheSameBackup() throws Exception {
        Cli.Result r = cli.run("-c", "../conf dir/config.yaml", "pin", "nightly", "--note", "before the migration");
        assertThat(r.exit()).as(r.toString()).isZero();
        String command = suggestion(r, "(?m)retention keeps it until (dbbackup .*)$");

        Cli.Result pasted = cli.run(asTheShellSplits(command.strip()));
        assertThat(pasted.exit()).as(pasted.toString()).isZero();
        assertThat(pasted.out()).contains("unpinned prod/app/" + newest);
    }

    /**
     * The container/cron way: the config comes from {@code $DBBACKUP_CONFIG} (here relative to where the run started),
     * the suggestion reaches the DBA in mail and is pasted in a shell that has no such variable and stands elsewhere.
     */
    @Test
    void aConfigFromTheEnvironmentIsRepeatedWithItsAbsolutePath() throws Exception {
        Files.write(dir.resolve("conf dir/store/prod/app/" + newest), new byte[0]);
        Cli.Result r = cli.env("DBBACKUP_CONFIG", "../conf dir/config.yaml").run("verify", "nightly", "--no-progress");
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        String command = suggestion(r, "the next older backup is \\S+ \\((dbbackup [^)]*)\\)");
        assertThat(command).isEqualTo("dbbackup -c '" + elsewhere.resolve("../conf dir/config.yaml").toAbsolutePath()
                + "' verify nightly " + older);

        for (Path shell : List.of(elsewhere, dir)) {
            Cli.Result pasted = new Cli().workingDir(shell).env("DBBACKUP_CONFIG", "").run(asTheShellSplits(command));
            assertThat(pasted.exit()).as(shell + ": " + pasted).isZero();
            assertThat(pasted.out() + pasted.err()).contains(older);
        }
    }

    @Test
    void aConfigGivenWithDashCBesideTheEnvironmentIsTheOneRepeated() throws Exception {
        Cli.Result r = cli.env("DBBACKUP_CONFIG", elsewhere.resolve("config.yaml").toString())
                .run("-c", "../conf dir/config.yaml", "pin", "nightly");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(suggestion(r, "(?m)retention keeps it until (dbbackup .*)$").strip())
                .isEqualTo("dbbackup -c '../conf dir/config.yaml' pin --remove nightly " + newest);
    }

    /**
     * A plugin's suggestion too (here the physical engine's, for a dump restored --to a physical datasource): it
     * repeats {@code -c FILE}, passed to it through the SPI as core's suggestions are. Before: a bare 'dbbackup restore'.
     */
    @Test
    void aPluginsSuggestionRepeatsTheConfig() throws Exception {
        Path config = dir.resolve("conf dir/config.yaml");
        Files.writeString(config, Files.readString(config).replace("datasources:\n",
                "datasources:\n  phys: {engine: postgres, method: physical, cluster: main}\n"));
        Cli.Result r = cli.run("-c", "../conf dir/config.yaml", "restore", "nightly", "--to", "phys", "--dry-run");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).as(r.toString())
                .contains("is restored into a data directory: dbbackup -c '../conf dir/config.yaml' restore JOB --pgdata DIR");
    }

    /** The job that backs up the physical datasource, when the config has exactly one, is named instead of {@code JOB}. */
    @Test
    void aPhysicalTargetsHintNamesItsOneJob() throws Exception {
        Path config = dir.resolve("conf dir/config.yaml");
        Files.writeString(config, Files.readString(config).replace("datasources:\n",
                "datasources:\n  phys: {engine: postgres, method: physical, cluster: main}\n") + "  cluster: {datasource: phys, store: local}\n");
        Cli.Result r = cli.run("-c", "../conf dir/config.yaml", "restore", "nightly", "--to", "phys", "--dry-run");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).as(r.toString())
                .contains("is restored into a data directory: dbbackup -c '../conf dir/config.yaml' restore cluster --pgdata DIR");
    }
}
