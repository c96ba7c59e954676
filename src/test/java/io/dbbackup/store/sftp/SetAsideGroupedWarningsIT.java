package io.dbbackup.store.sftp;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SqliteFixture;
import io.dbbackup.testkit.SshServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Objects a killed replacement set aside (only the SFTP store makes them) in several jobs' folders: {@code list --all}
 * and {@code prune --all} say the warning once, naming the jobs, as they do the other warnings of one object
 * ({@code Workspace.warnAboutOne}); a job alone with one says each object with {@code job=NAME}.
 */
class SetAsideGroupedWarningsIT {
    static SshServer ssh;

    @TempDir
    Path dir;
    String root;
    Cli cli;

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

    @BeforeEach
    void setUp() throws Exception {
        root = "/aside-" + UUID.randomUUID().toString().substring(0, 8);
        SqliteFixture.create(dir.resolve("app.db"), 20);
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                stores:
                  remote:
                    type: sftp
                    host: %s
                    port: %d
                    user: %s
                    path: %s
                    password_env: SFTP_PASSWORD
                    host_key_fingerprint: "%s"
                jobs:
                  a: {datasource: app, store: remote, prefix: pa, retention: {keep_last: 5}}
                  b: {datasource: app, store: remote, prefix: pb, retention: {keep_last: 5}}
                  c: {datasource: app, store: remote, prefix: pc, retention: {keep_last: 5}}
                """.formatted(ssh.host(), ssh.port(), ssh.user(), root, ssh.hostKeyFingerprint()));
        cli = new Cli().workingDir(dir).env("SFTP_PASSWORD", ssh.password())
                .clock(Clock.fixed(Instant.parse("2026-03-01T02:00:00Z"), ZoneOffset.UTC));
        Cli.Result b = cli.run("-c", "config.yaml", "backup", "--all");
        assertThat(b.exit()).as(b.toString()).isZero();
    }

    /** Job {@code job}'s sidecar moved under the hidden name a run killed between a replacement's two renames leaves. */
    private String setAside(String job) throws Exception {
        Path folder = ssh.root().resolve(root.substring(1)).resolve("p" + job + "/app");
        Path sidecar;
        try (Stream<Path> files = Files.list(folder)) {
            sidecar = files.filter(p -> p.getFileName().toString().endsWith(".sha256")).findFirst().orElseThrow();
        }
        String asideName = "." + sidecar.getFileName() + SftpStore.PART + "0123abcd" + SftpStore.REPLACED;
        Files.move(sidecar, sidecar.resolveSibling(asideName));
        return "p" + job + "/app/" + asideName;
    }

    /** The warnings of set-aside objects (the store's own, such as a password login's, are not counted). */
    private static List<String> warnings(Cli.Result r) {
        return r.err().lines().filter(l -> l.contains("WARN") && l.contains("set aside")).toList();
    }

    private static final String GROUPED = "WARN  runs killed while replacing backups left their previous objects set aside, "
            + "maybe a key's only copy (dbbackup never removes them; dbbackup -c config.yaml list JOB names them and what to do "
            + "with each)";

    @Test
    void setAsideObjectsOfSeveralJobsAreSaidOnceNamingThem() throws Exception {
        String a = setAside("a");
        String b = setAside("b");
        for (List<String> verb : List.of(List.of("list", "--all"), List.of("prune", "--all", "--dry-run"), List.of("prune", "--all"))) {
            List<String> args = new java.util.ArrayList<>(List.of("-c", "config.yaml"));
            args.addAll(verb);
            Cli.Result r = cli.run(args.toArray(String[]::new));
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(warnings(r)).as(verb + "\n" + r.err()).singleElement().asString()
                    .contains(GROUPED + " (2 jobs: a, b) jobs=2").doesNotContain(a).doesNotContain(b);
        }
        Cli.Result one = cli.run("-c", "config.yaml", "list", "a");
        assertThat(warnings(one)).as(one.err()).singleElement().asString().contains(a).contains(" job=a ")
                .doesNotContain("jobs=");
    }

    @Test
    void aSetAsideObjectOfOneJobAmongSeveralIsSaidAsItIs() throws Exception {
        String a = setAside("a");
        for (List<String> verb : List.of(List.of("list", "--all"), List.of("prune", "--all", "--dry-run"))) {
            List<String> args = new java.util.ArrayList<>(List.of("-c", "config.yaml"));
            args.addAll(verb);
            Cli.Result r = cli.run(args.toArray(String[]::new));
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(warnings(r)).as(verb + "\n" + r.err()).singleElement().asString()
                    .contains("left its previous object set aside as " + a).contains(" job=a ").doesNotContain("jobs=");
        }
    }
}
