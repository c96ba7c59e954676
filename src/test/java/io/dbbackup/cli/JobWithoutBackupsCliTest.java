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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job whose store holds no backup (a new job, a prefix that changed, backups that stopped): {@code list} marks it,
 * and every command that looks for a backup of it fails with the audit's code for it, 2 (system error).
 */
class JobWithoutBackupsCliTest {
    @TempDir
    Path dir;
    Cli cli;

    @BeforeEach
    void setUp() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 20);
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                  scratch: {engine: sqlite, path: scratch/drill.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                  app: {datasource: app, store: local}
                  mariabad: {datasource: app, store: local, prefix: new}
                """);
        Files.createDirectories(dir.resolve("scratch"));
        cli = new Cli().workingDir(dir);
        assertThat(cli.run("-c", "config.yaml", "backup", "app").exit()).isZero();
    }

    @Test
    void listAllMarksTheRowOfAJobWithoutBackupsAndKeepsItsExitCodeAndJson() {
        Cli.Result r = cli.run("-c", "config.yaml", "list", "--all");
        assertThat(r.exit()).as(r.toString()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(1)).startsWith("app ").doesNotContain("NO BACKUPS");
        assertThat(lines.get(2)).matches("mariabad +local +0 +- +- +- +-  NO BACKUPS");

        Cli.Result json = cli.run("-c", "config.yaml", "list", "--all", "--json");
        assertThat(json.exit()).isZero();
        Map<?, ?> row = (Map<?, ?>) ((List<?>) Json.parse(json.out())).get(1);
        assertThat(row.keySet().stream().map(String::valueOf).toList()).containsExactly("job", "store", "ok", "backups", "total_size");
        assertThat(row.get("backups")).isEqualTo(0L);
    }

    /** The store's folder moved away (a volume not mounted on the restore host): the restore says the folder is gone. */
    @Test
    void aRestoreFromALocalStoreWhoseFolderIsGoneSaysSo() throws Exception {
        Files.move(dir.resolve("store"), dir.resolve("store.moved"));
        Cli.Result r = cli.run("-c", "config.yaml", "restore", "app", "--to", "scratch", "--auto-confirm");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).as(r.toString()).contains("job 'app' has no backups in local ")
                .contains("; the store's folder " + dir.resolve("store") + " does not exist (deleted or moved away, its volume"
                        + " not mounted, or a wrong stores.local.path)");
    }

    @Test
    void everyCommandThatLooksForABackupOfItExitsTwoAsTheAuditDoes() {
        for (String[] command : List.of(new String[] {"show", "mariabad"}, new String[] {"verify", "mariabad"},
                new String[] {"drill", "mariabad", "--to", "scratch"}, new String[] {"verify", "mariabad", "--max-age", "1h"},
                new String[] {"restore", "mariabad", "--dry-run"}, new String[] {"download", "mariabad"},
                new String[] {"pin", "mariabad"})) {
            String[] args = new String[command.length + 2];
            args[0] = "-c";
            args[1] = "config.yaml";
            System.arraycopy(command, 0, args, 2, command.length);
            Cli.Result r = cli.run(args);
            assertThat(r.exit()).as(String.join(" ", command) + ": " + r).isEqualTo(2);
            assertThat(r.err()).contains("job 'mariabad' has no backups in local " + dir.resolve("store") + " under new/app/");
        }
        Cli.Result list = cli.run("-c", "config.yaml", "list", "mariabad");
        assertThat(list.exit()).as("list: nothing to list is an answer").isZero();
        assertThat(list.out()).isEqualTo("no backups for job mariabad\n");
    }
}
