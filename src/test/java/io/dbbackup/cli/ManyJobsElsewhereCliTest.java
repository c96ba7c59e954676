package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A store shared by many jobs, and a config written anew whose prefix reaches none of their backups: the hint of where
 * the backups are names the folders most like each job first (not the newest of 200), and {@code list --all} says what
 * is the same for many jobs once.
 */
class ManyJobsElsewhereCliTest {
    @TempDir
    Path dir;

    /** A backup (the file and its .sha256) at {@code store/KEY}. */
    private void backup(String key) throws Exception {
        Path f = dir.resolve("store").resolve(key);
        Files.createDirectories(f.getParent());
        Files.writeString(f, "x");
        Files.writeString(f.resolveSibling(f.getFileName() + ".sha256"), "x");
    }

    /** {@code n} SQLite jobs {@code jNN} of databases {@code dNN}, all under {@code prefix: new} of one local store. */
    private void config(int n) throws Exception {
        Files.createFile(dir.resolve("app.db"));
        StringBuilder y = new StringBuilder("datasources:\n");
        for (int i = 0; i < n; i++) {
            y.append(String.format("  d%02d: {engine: sqlite, path: app.db, database: d%02d}%n", i, i));
        }
        y.append("stores:\n  local: {type: local, path: store}\njobs:\n");
        for (int i = 0; i < n; i++) {
            y.append(String.format("  j%02d: {datasource: d%02d, store: local, prefix: new}%n", i, i));
        }
        Files.writeString(dir.resolve("config.yaml"), y);
    }

    @Test
    void theHintNamesTheJobsOwnOldFolderFirstNotTheNewest() throws Exception {
        config(1);
        backup("prod/d00/d00-20261101-020000.sqlite.gz"); // the job's own backups, the oldest folder of the store
        for (int i = 0; i < 30; i++) {
            backup(String.format("prod/other%02d/other%02d-202612%02d-020000.sqlite.gz", i, i, i % 28 + 1));
        }
        Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "list", "j00");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).contains("no backups for job j00 under new/d00/ in local " + dir.resolve("store") + "; the store "
                + "holds backups that no job of this config reaches under prod/d00/ (1 backup, the newest "
                + "d00-20261101-020000.sqlite.gz: prefix 'prod', database or cluster 'd00') and 30 more folders, the one most like job 'j00': ");
    }

    @Test
    void listAllSaysOnceWhatIsTheSameForManyJobs() throws Exception {
        config(26);
        for (int i = 0; i < 3; i++) { // the old backups of the first three jobs, under another prefix
            backup(String.format("prod/d%02d/d%02d-20261101-02000%d.sqlite.gz", i, i, i));
        }
        backup("archive/d25/d25-20261102-020000.sqlite.gz"); // the last job's, under a prefix of its own
        backup("legacy/crm/crm-20261203-020000.sqlite.gz"); // like none of the jobs, and the newest
        Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "list", "--all");
        assertThat(r.exit()).as(r.toString()).isZero();
        List<String> warnings = r.err().lines().filter(l -> l.contains("WARN")).toList();
        // the three jobs whose prefix changed in one line, the one with a folder of its own in its own, the other 22 in one
        assertThat(warnings).as(r.err()).hasSize(3);
        assertThat(warnings.get(0)).contains("no backups for jobs j00, j01, j02 under their folders in local "
                + dir.resolve("store") + "; the store holds backups that no job of this config reaches under prefix 'prod' "
                + "in a folder named as each one's database (prod/d00/, prod/d01/, prod/d02/): give these jobs prefix 'prod' "
                + "to reach them").contains("jobs=3");
        assertThat(warnings.get(1)).contains("no backups for job j25 under new/d25/")
                .contains("reaches under archive/d25/ (1 backup").contains("and 4 more folders, the one most like job 'j25': ");
        assertThat(warnings.get(2)).contains("no backups for jobs j03, j04, j05, j06, j07, j08, j09, j10, j11, j12, j13, "
                + "j14, j15, j16, j17, j18, j19, j20, j21, j22 and 2 more under their folders in local " + dir.resolve("store")
                + "; the store holds backups that no job of this config reaches under legacy/crm/ (1 backup")
                .contains("archive/d25/ (1 backup").contains("and 2 more folders, the most recent first: ")
                .contains("give each of these jobs that prefix and its datasource that name to reach them")
                .contains("jobs=22");
    }

    /**
     * Stdout and stderr on one terminal: the warnings said once for the command come before the table, as backup --all's
     * grouped warnings come before its table (list --all said them after it, below the table they explain).
     */
    @Test
    void listAllSaysItsWarningsBeforeTheTable() throws Exception {
        config(3);
        for (int i = 0; i < 3; i++) {
            backup(String.format("prod/d%02d/d%02d-20261101-02000%d.sqlite.gz", i, i, i));
        }
        java.io.StringWriter terminal = new java.io.StringWriter();
        java.io.PrintWriter both = new java.io.PrintWriter(terminal, true);
        int exit = new Main(System.getenv(), java.time.Clock.systemUTC(), Cli.noTerminal(), dir).run(both, both,
                "-c", "config.yaml", "list", "--all");
        assertThat(exit).as(terminal.toString()).isZero();
        List<String> lines = terminal.toString().lines().toList();
        int warned = lines.indexOf(lines.stream().filter(l -> l.contains("WARN  no backups for jobs j00, j01, j02")).findFirst()
                .orElseThrow(() -> new AssertionError(terminal)));
        int table = lines.indexOf(lines.stream().filter(l -> l.startsWith("JOB ")).findFirst().orElseThrow(() -> new AssertionError(terminal)));
        assertThat(warned).as(terminal.toString()).isLessThan(table);
    }
}
