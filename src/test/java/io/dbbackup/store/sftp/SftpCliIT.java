package io.dbbackup.store.sftp;

import io.dbbackup.spi.Store;
import io.dbbackup.testkit.Cli;
import io.dbbackup.store.RemoteStoreCliScenario;
import io.dbbackup.testkit.SshServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI against Apache MINA SSHD, with password authentication from an env var and a pinned host key. */
class SftpCliIT extends RemoteStoreCliScenario {
    static SshServer ssh;
    String root;

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
    void root() {
        root = "/cli-" + UUID.randomUUID().toString().substring(0, 8);
        cli.env("SFTP_PASSWORD", ssh.password());
    }

    @Override
    protected String storeYaml() throws Exception {
        return """
                    type: sftp
                    host: %s
                    port: %d
                    user: %s
                    path: %s
                    password_env: SFTP_PASSWORD
                    host_key_fingerprint: "%s"
                """.formatted(ssh.host(), ssh.port(), ssh.user(), root, ssh.hostKeyFingerprint());
    }

    @Override
    protected Store rawStore() throws Exception {
        return new SftpStore(SftpFixture.withPassword(ssh.host(), ssh.port(), ssh.user(), root, ssh.password(),
                List.of(ssh.hostKeyFingerprint())));
    }

    /**
     * A password the server refuses: exit 2 (a system error, as the README's table says), one line naming the user's
     * and the password's config keys and places and the variable the password was read from — never the password. It
     * said "check user, key_file and password".
     */
    @Test
    void aWrongPasswordNamesItsConfigPlaceAndExits2() throws Exception {
        writeConfig("keep_last: 3");
        String wrong = "wrong-" + ssh.password();
        Cli.Result r = cli.env("SFTP_PASSWORD", wrong).run("-c", "config.yaml", "backup", "app");
        System.out.println("a wrong sftp password: " + r);
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("sftp authentication failed").contains("; check stores.remote.user at config.yaml:14:11; "
                        + "stores.remote.password_env at config.yaml:16:19, read from env SFTP_PASSWORD")
                .doesNotContain(wrong).doesNotContain("Exception");
        assertThat(r.err().lines().filter(l -> l.contains("authentication failed"))).as(r.toString()).hasSize(1);
        String line = r.err().lines().filter(l -> l.contains("authentication failed")).findFirst().orElseThrow();
        assertThat(line.split("SFTP_PASSWORD", -1)).as("the password's variable named once: " + line).hasSize(2);
    }

    /**
     * A run killed between the two renames of a replacement on a server without posix-rename leaves the key empty and
     * its old object under a hidden {@code .replaced} name: its only copy. {@code list}, {@code list --all}, {@code prune --dry-run} (the
     * audit) and {@code prune} name it and say to rename it back; none removes it, at any age.
     */
    @Test
    void anObjectAKilledReplacementSetAsideIsReportedAndKept() throws Exception {
        writeConfig("keep_last: 5");
        Cli.Result b = cli.run("-c", "config.yaml", "backup", "app");
        assertThat(b.exit()).as(b.toString()).isZero();
        Path folder = ssh.root().resolve(root.substring(1)).resolve("prod/app");
        Path sidecar;
        try (var files = Files.list(folder)) {
            sidecar = files.filter(p -> p.getFileName().toString().endsWith(".sha256")).findFirst().orElseThrow();
        }
        String name = sidecar.getFileName().toString();
        String asideName = "." + name + SftpStore.PART + "0123abcd" + SftpStore.REPLACED;
        Path aside = Files.move(sidecar, sidecar.resolveSibling(asideName)); // killed between its renames
        String said = "prod/app/" + name + " holds no object: a run killed while replacing it left its previous object "
                + "set aside as prod/app/" + asideName;

        Cli.Result list = cli.run("-c", "config.yaml", "list", "app");
        assertThat(list.err()).as(list.toString()).contains(said).contains("its only copy: rename it back to prod/app/" + name);
        // list JOB --json stays a bare array of backups (README: a script's shape): the set-aside object is no row of
        // it, and is said on stderr; list --all --json (below) and prune --json carry it as set_aside
        Cli.Result listJson = cli.run("-c", "config.yaml", "list", "app", "--json");
        assertThat(listJson.exit()).as(listJson.toString()).isZero();
        List<?> backups = (List<?>) io.dbbackup.core.Json.parse(listJson.out());
        assertThat(backups).as(listJson.toString()).hasSize(1);
        assertThat(((java.util.Map<?, ?>) backups.get(0)).get("key").toString()).startsWith("prod/app/app-");
        assertThat(listJson.out()).doesNotContain(asideName).doesNotContain("set_aside");
        assertThat(listJson.err()).as(listJson.toString()).contains(said);
        // the overview names it too, on stderr (tagged with its job), in the job's line and in its JSON row
        Cli.Result overview = cli.run("-c", "config.yaml", "list", "--all");
        assertThat(overview.exit()).as(overview.toString()).isZero();
        assertThat(overview.err()).as(overview.toString()).containsPattern(java.util.regex.Pattern.quote(said) + ".* job=app");
        assertThat(overview.out()).as(overview.toString()).containsPattern("(?m)^app .*  1 set aside \\(see the warning\\)$");
        Cli.Result overviewJson = cli.run("-c", "config.yaml", "list", "--all", "--json");
        assertThat(overviewJson.exit()).as(overviewJson.toString()).isZero();
        java.util.Map<?, ?> jobRow = (java.util.Map<?, ?>) ((List<?>) io.dbbackup.core.Json.parse(overviewJson.out())).get(0);
        assertThat(((Number) jobRow.get("backups")).longValue()).as(overviewJson.toString()).isEqualTo(1L);
        assertThat(jobRow.get("set_aside")).as(overviewJson.toString()).isInstanceOf(List.class);
        java.util.Map<?, ?> asideRow = (java.util.Map<?, ?>) ((List<?>) jobRow.get("set_aside")).get(0);
        assertThat(asideRow.get("key")).isEqualTo("prod/app/" + name);
        assertThat(asideRow.get("set_aside")).isEqualTo("prod/app/" + asideName);
        Cli.Result dry = cli.run("-c", "config.yaml", "prune", "app", "--dry-run");
        assertThat(dry.exit()).as(dry.toString()).isZero();
        assertThat(dry.err()).as(dry.toString()).contains(said).contains("dbbackup never removes it");
        // stderr alone is lost when a script reads stdout: the table and the JSON name it too, as a field of its own
        assertThat(dry.out()).as(dry.toString()).containsPattern("(?m)^  aside +\\S+ \\S+  prod/app/" + java.util.regex.Pattern.quote(name)
                + "  \\[.*: prod/app/" + java.util.regex.Pattern.quote(asideName) + "\\]$");
        Cli.Result dryJson = cli.run("-c", "config.yaml", "prune", "app", "--dry-run", "--json");
        assertThat(dryJson.exit()).as(dryJson.toString()).isZero();
        java.util.Map<?, ?> doc = (java.util.Map<?, ?>) io.dbbackup.core.Json.parse(dryJson.out());
        assertThat(doc.get("set_aside")).as(dryJson.toString()).isInstanceOf(List.class);
        java.util.Map<?, ?> row = (java.util.Map<?, ?>) ((List<?>) doc.get("set_aside")).get(0);
        assertThat(row.get("key")).isEqualTo("prod/app/" + name);
        assertThat(row.get("set_aside")).isEqualTo("prod/app/" + asideName);
        Cli.Result prune = cli.clock(java.time.Clock.fixed(java.time.Instant.now().plus(java.time.Duration.ofDays(3)),
                java.time.ZoneOffset.UTC)).run("-c", "config.yaml", "prune", "app");
        assertThat(prune.exit()).as(prune.toString()).isZero();
        assertThat(prune.err()).as(prune.toString()).contains(said);
        assertThat(aside).as("the set-aside object, the key's only copy, after a prune three days on").exists();

        Files.move(aside, sidecar); // put back as told: nothing more to report
        Cli.Result again = cli.run("-c", "config.yaml", "prune", "app", "--dry-run");
        assertThat(again.err()).as(again.toString()).doesNotContain("set aside");
        Cli.Result overviewAgain = cli.run("-c", "config.yaml", "list", "--all", "--json");
        assertThat(overviewAgain.out()).as(overviewAgain.toString()).doesNotContain("set_aside");
    }

    @Override
    protected List<String> secrets() {
        return List.of(ssh.password());
    }
}
