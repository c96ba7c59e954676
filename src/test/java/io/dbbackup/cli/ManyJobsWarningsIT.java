package io.dbbackup.cli;

import io.dbbackup.testkit.PrivateFile;
import io.dbbackup.codec.age.AgeKeys;
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
        return config(n, "", "");
    }

    /** As {@link #config(int)}, {@code head} before the sections, {@code jobKeys} in each job's mapping. */
    private Cli config(int n, String head, String jobKeys) throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 5);
        StringBuilder y = new StringBuilder(head).append("datasources:\n");
        for (int i = 0; i < n; i++) {
            y.append(String.format("  d%02d: {engine: sqlite, path: app.db, database: d%02d}%n", i, i));
        }
        y.append("stores:\n  shared: {type: faulty, path: store, refuse_unfinished: true, credentials_expire: '2026-12-08T03:00:00Z'}\n");
        y.append("jobs:\n");
        for (int i = 0; i < n; i++) {
            y.append(String.format("  j%02d: {datasource: d%02d, store: shared, retention: {keep_last: 3}%s}%n", i, i, jobKeys));
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
    void pruneAllStillSaysTheWarningsKeptWhenAJobThrows() throws Exception {
        config(2);
        // a third job whose store throws an Error (a class the jar lost), which no job's failure handling catches
        Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml"))
                .replace("stores:\n", "stores:\n  broken: {type: faulty, path: broken, lost_class: true}\n")
                + "  j02: {datasource: d01, store: broken, prefix: other}\n");
        // in-process, the Error leaves Main.run (main() says it, exit 2): what was said on stderr before it left
        java.io.StringWriter err = new java.io.StringWriter();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Main(System.getenv(), Clock.fixed(NOW, ZoneOffset.UTC),
                        Cli.noTerminal(), dir).run(new java.io.PrintWriter(new java.io.StringWriter(), true),
                        new java.io.PrintWriter(err, true), "-c", "config.yaml", "prune", "--all"))
                .isInstanceOf(NoClassDefFoundError.class);
        List<String> warnings = err.toString().lines().filter(l -> l.contains("WARN")).toList();
        assertThat(warnings).as("the warnings kept for j00 and j01 before j02 threw: " + err).singleElement().asString()
                .contains("listing unfinished uploads under <each job's folder>/ is denied (2 jobs: j00, j01)");
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

    /**
     * Every job encrypts to one key, merged from one block, whose identity file is not on this host, and notifies one
     * webhook that is down: {@code head} and the job keys for {@link #config(int, String, String)}.
     */
    private final AgeKeys.GeneratedKey key = AgeKeys.generate();

    private Cli sharingAKeyAndANotifier(int n) throws Exception {
        Files.writeString(dir.resolve("hook-url"), "http://127.0.0.1:9/hook"); // discard: nothing listens
        Files.setPosixFilePermissions(dir.resolve("hook-url"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        String head = "x-enc: &enc\n  recipients: [" + key.recipient() + "]\n  identity_file: missing-key.txt\n"
                + "notifications:\n  hook: {type: webhook, url_file: hook-url}\n";
        return config(n, head, ", encryption: *enc, notify: [{notifier: hook, on: always}]");
    }

    @Test
    void verifyAllSaysASharedKeysAbsenceAndANotifierDownOnceNamingTheJobs() throws Exception {
        Cli cli = sharingAKeyAndANotifier(25);
        assertThat(cli.run("-c", "config.yaml", "backup", "--all").exit()).isZero();

        Cli.Result r = cli.run("-c", "config.yaml", "verify", "--all", "--notify");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(warnings(r)).as(r.err()).hasSize(3);
        assertThat(warnings(r).get(0)).contains("WARN  the job's age identity cannot be read here: nothing to decrypt with (25 jobs: "
                        + "j00, j01, j02, j03, j04, j05, j06, j07, j08, j09, j10, j11, j12, j13, j14, j15, j16, j17, j18, j19 and 5 more)")
                .contains("jobs=25", "jobs.<each job>.encryption.identity_file: cannot read " + dir.resolve("missing-key.txt"));
        assertThat(warnings(r).get(1)).contains("WARN  notification failed (the verify result is unchanged) (25 jobs: j00, j01, ")
                .contains("jobs=25", "notifier=hook");
        assertThat(warnings(r).get(2)).contains("WARN  no key here to decrypt 25 backups of 25 jobs: their stored bytes match "
                + "their checksums, but that they decrypt and decompress was not checked (give an identity file of their "
                + "recipients with --identity FILE for that): d00/d00-20261205-030000.sqlite.gz.age, d01/").contains(" and 15 more (25 jobs: j00, j01, ", "jobs=25 backups=25");
        assertThat(r.out()).contains("25 of 25 backups verified (exit 0)");

        Cli.Result one = cli.run("-c", "config.yaml", "verify", "j07", "--notify", "--max-age", "2d");
        assertThat(one.exit()).as(one.toString()).isZero();
        assertThat(warnings(one)).as(one.err()).hasSize(3).allSatisfy(w -> assertThat(w).contains("job=j07").doesNotContain("jobs="));
        assertThat(warnings(one).get(0)).contains("jobs.j07.encryption.identity_file: cannot read");
        assertThat(warnings(one)).anySatisfy(w -> assertThat(w).contains("no key here to decrypt d07/d07-20261205-030000.sqlite.gz.age: "));
    }

    @Test
    void drillAllSaysASharedKeysAbsenceAndANotifierDownOnce() throws Exception {
        Cli cli = sharingAKeyAndANotifier(4);
        Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml"))
                .replace("datasources:\n", "datasources:\n  scratch: {engine: sqlite, path: scratch/drill.db}\n"));
        Files.createDirectories(dir.resolve("scratch"));
        assertThat(cli.run("-c", "config.yaml", "backup", "--all").exit()).isZero();
        Path identity = dir.resolve("key.txt"); // the key given on the command line: each drill decrypts
        PrivateFile.write(identity, key.identity() + "\n");

        Cli.Result r = cli.run("-c", "config.yaml", "drill", "--all", "--to", "scratch", "--identity", identity.toString(), "--notify");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(warnings(r)).as(r.err()).hasSize(2);
        assertThat(warnings(r).get(0)).contains("WARN  the job's age identity cannot be read here; decrypting with the keys given "
                + "(4 jobs: j00, j01, j02, j03)").contains("jobs=4");
        assertThat(warnings(r).get(1)).contains("WARN  notification failed (the drill result is unchanged) (4 jobs: j00, j01, j02, j03)");
    }

    @Test
    void checkAllRepeatsNoWarningPerJob() throws Exception {
        Cli cli = sharingAKeyAndANotifier(25);
        Cli.Result r = cli.run("-c", "config.yaml", "check", "--all");
        assertThat(warnings(r)).as(r.err()).isEmpty();
    }
}
