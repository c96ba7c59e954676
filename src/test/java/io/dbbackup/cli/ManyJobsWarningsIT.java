package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 200 jobs of one store share its condition; the warning about it, said by each job, is said once by a command of many
 * jobs, naming them (20 at most); a command of one job says it as always. (The test store type is on the class path
 * of the ITs only.)
 */
class ManyJobsWarningsIT {
    @TempDir
    Path dir;

    private static final Instant NOW = Instant.parse("2026-12-05T03:00:00Z");

    /** {@code n} SQLite jobs {@code jNN} on one faulty store: no permission to list unfinished uploads, credentials ending in 3 days. */
    private Cli config(int n) throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 5);
        StringBuilder y = new StringBuilder("datasources:\n");
        for (int i = 0; i < n; i++) {
            y.append(String.format("  d%02d: {engine: sqlite, path: app.db, database: d%02d}%n", i, i));
        }
        y.append("stores:\n  shared: {type: faulty, path: store, refuse_unfinished: true, credentials_expire: '2026-12-08T03:00:00Z'}\n");
        y.append("jobs:\n");
        for (int i = 0; i < n; i++) {
            y.append(String.format("  j%02d: {datasource: d%02d, store: shared, retention: {keep_last: 3}}%n", i, i));
        }
        Files.writeString(dir.resolve("config.yaml"), y);
        return new Cli().workingDir(dir).clock(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static List<String> warnings(Cli.Result r) {
        return r.err().lines().filter(l -> l.contains("WARN")).toList();
    }

    @Test
    void pruneAllSaysTheStoresRefusalOnceNamingTheJobs() throws Exception {
        Cli cli = config(25);
        Cli.Result r = cli.run("-c", "config.yaml", "prune", "--all");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(warnings(r)).as(r.err()).hasSize(1);
        assertThat(warnings(r).get(0)).contains("WARN  cannot look for abandoned uploads in faulty ")
                .contains("listing unfinished uploads under <each job's folder>/ is denied (25 jobs: j00, j01, j02, j03, "
                        + "j04, j05, j06, j07, j08, j09, j10, j11, j12, j13, j14, j15, j16, j17, j18, j19 and 5 more)")
                .contains("jobs=25");

        Cli.Result one = cli.run("-c", "config.yaml", "prune", "j07");
        assertThat(one.exit()).as(one.toString()).isZero();
        assertThat(warnings(one)).as(one.err()).singleElement().asString()
                .contains("listing unfinished uploads under d07/ is denied").contains("job=j07").doesNotContain("jobs=");
    }

    @Test
    void backupAllSaysTheExpiringCredentialsOnce() throws Exception {
        Cli cli = config(4);
        Cli.Result r = cli.run("-c", "config.yaml", "backup", "--all");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(warnings(r)).as(r.err()).singleElement().asString()
                .contains("the store's credentials expire on 2026-12-08T03:00:00Z (in 3 days): renew them before then "
                        + "(4 jobs: j00, j01, j02, j03)").contains("jobs=4");
    }
}
