package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SqliteFixture;
import io.dbbackup.testkit.SshServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lines of a run over several jobs name the job they were said for, also those said through the process's log
 * ({@code Log.get()}: the SFTP store's warning about a key_file it cannot load) rather than the job's own, and those of
 * verify, check, prune, drill and list over every job. Four jobs: two on SFTP stores whose key_file is no key (each store warns
 * once, and logs in with the password), one on a local store, one whose database file is missing (it fails).
 */
class ParallelRunLogIT {
    static SshServer ssh;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        ssh = new SshServer();
    }

    @AfterAll
    static void stop() {
        if (ssh != null) {
            ssh.close();
        }
    }

    private Cli setUp() throws Exception {
        SqliteFixture.create(dir.resolve("a.db"), 200);
        SqliteFixture.create(dir.resolve("b.db"), 200);
        Files.writeString(dir.resolve("not-a-key"), "this is no private key\n");
        Files.setPosixFilePermissions(dir.resolve("not-a-key"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        String sftp = """
                    type: sftp
                    host: %s
                    port: %d
                    user: %s
                    path: %s
                    key_file: not-a-key
                    password_env: SFTP_PASSWORD
                    host_key_fingerprint: "%s"
                """;
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  a:
                    engine: sqlite
                    path: a.db
                  b:
                    engine: sqlite
                    path: b.db
                  gone:
                    engine: sqlite
                    path: gone.db
                  scratch:
                    engine: sqlite
                    path: scratch.db
                stores:
                  nas-one:
                %s
                  nas-two:
                %s
                  near:
                    type: local
                    path: near
                jobs:
                  alpha:
                    datasource: a
                    store: nas-one
                    retention:
                      keep_last: 5
                  beta:
                    datasource: b
                    store: nas-two
                    retention:
                      keep_last: 5
                  gamma:
                    datasource: b
                    store: near
                    retention:
                      keep_last: 5
                  broken:
                    datasource: gone
                    store: near
                """.formatted(sftp.formatted(ssh.host(), ssh.port(), ssh.user(), "/logtag-one", ssh.hostKeyFingerprint()),
                sftp.formatted(ssh.host(), ssh.port(), ssh.user(), "/logtag-two", ssh.hostKeyFingerprint())));
        return new Cli().workingDir(dir).env("SFTP_PASSWORD", ssh.password());
    }

    /** Each store's key_file warning (said through Log.get()) names the job it was said for; no line shows the password. */
    private void eachStoreWarningNamesItsJob(Cli.Result r) {
        List<String> warnings = lines(r, "logging in with the password alone");
        assertThat(warnings).as(r.err()).hasSize(2);
        assertThat(warnings).as(r.err()).anyMatch(l -> l.contains(":/logtag-one") && l.contains(" job=alpha"))
                .anyMatch(l -> l.contains(":/logtag-two") && l.contains(" job=beta"));
        assertThat(r.err() + r.out()).doesNotContain(ssh.password());
    }

    private static List<String> lines(Cli.Result r, String containing) {
        return Arrays.stream(r.err().split("\n")).filter(l -> l.contains(containing)).toList();
    }

    @Test
    void everyLineOfAParallelBackupNamesItsJob() throws Exception {
        Cli cli = setUp();
        Cli.Result r = cli.run("-c", "config.yaml", "backup", "--all", "--parallel", "4");
        assertThat(r.exit()).as(r.toString()).isEqualTo(4); // broken fails, the others succeed
        eachStoreWarningNamesItsJob(r);
        assertThat(lines(r, "gone.db")).as(r.err()).isNotEmpty().allMatch(l -> l.contains("job=broken"));
    }

    @Test
    void theLinesOfVerifyCheckPruneDrillAndListOverEveryJobNameTheirJobs() throws Exception {
        Cli cli = setUp();
        cli.run("-c", "config.yaml", "backup", "alpha", "beta", "gamma", "--parallel", "3");
        for (List<String> command : List.of(List.of("verify", "--all"), List.of("check", "--all"),
                List.of("prune", "--all"), List.of("drill", "--all", "--to", "scratch"), List.of("list", "--all"))) {
            List<String> args = new java.util.ArrayList<>(List.of("-c", "config.yaml"));
            args.addAll(command);
            Cli.Result r = cli.run(args.toArray(String[]::new));
            assertThat(r.err()).as(command + ": " + r).contains("logging in with the password alone");
            eachStoreWarningNamesItsJob(r);
        }
        // one job's newest backup, as the README's logging paragraph says of "a verify of it, one job or all"
        Cli.Result one = cli.run("-c", "config.yaml", "verify", "alpha");
        assertThat(one.exit()).as(one.toString()).isZero();
        assertThat(lines(one, "logging in with the password alone")).as(one.err()).singleElement()
                .satisfies(l -> assertThat(l).contains(" job=alpha"));
        Cli.Result listOne = cli.run("-c", "config.yaml", "list", "beta");
        assertThat(listOne.exit()).as(listOne.toString()).isZero();
        assertThat(lines(listOne, "logging in with the password alone")).as(listOne.err()).singleElement()
                .satisfies(l -> assertThat(l).contains(" job=beta"));
    }
}
