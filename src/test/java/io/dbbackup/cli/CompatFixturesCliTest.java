package io.dbbackup.cli;

import io.dbbackup.testkit.PrivateFile;
import io.dbbackup.core.Json;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backups that older dbbackup builds wrote (src/test/resources/compat, see its README): the current build lists, verifies,
 * restores, downloads and prunes them as it does its own, honours their pins, and refuses to decode a backup whose
 * manifest says a newer format than it knows.
 */
class CompatFixturesCliTest {
    private static final String FIRST_DAY = "2026-11-23-95ef55cf";
    private static final String PINS_DAY = "2026-12-01-49be9402";

    @TempDir
    Path dir;
    Cli cli;

    @BeforeEach
    void setUp() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 20);
        PrivateFile.copy(resource("fixture-key.txt"), dir.resolve("key.txt"));
        PrivateFile.write(dir.resolve("pass.txt"), "fixture passphrase\n");
        cli = new Cli().workingDir(dir).clock(Clock.fixed(Instant.parse("2026-12-06T03:00:00Z"), ZoneOffset.UTC));
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                  plain:
                    datasource: app
                    store: local
                    compression: gzip
                    retention: {keep_last: 1}
                  enc:
                    datasource: app
                    store: local
                    prefix: enc
                    compression: zstd
                    encryption:
                      recipients: [age1hsshlz2f3c98czv5gpvz4trfhugltlq295g4x6jh2usdt8wc3sgs2a3v3p]
                  pass:
                    datasource: app
                    store: local
                    prefix: pass
                    compression: lz4
                    encryption: {passphrase_file: pass.txt, scrypt_work_factor: 10}
                """);
    }

    @Test
    void backupsOfTheFirstDayListVerifyRestoreDownloadAndPrune() throws Exception {
        store(FIRST_DAY);
        List<String> plain = backups("app");
        assertThat(plain).hasSize(3);
        assertThat(run(0, "list", "plain").out()).contains("app/" + plain.get(0), "app/" + plain.get(2));
        assertThat(run(0, "verify", "plain", "--deep").out()).startsWith("ok app/" + plain.get(2))
                .contains("PRAGMA integrity_check ok: 1 table, 5 rows");
        assertThat(run(0, "verify", "enc", "--deep", "--identity", "key.txt").out()).contains("1 table, 5 rows");
        assertThat(run(0, "verify", "pass", "--deep").out()).contains("1 table, 5 rows");

        run(0, "restore", "enc", "--identity", "key.txt", "--auto-confirm");
        assertThat(names(dir.resolve("app.db"))).containsExactly("apple", "pear", "plum", "fig", "kiwi");
        Files.createDirectories(dir.resolve("out"));
        run(0, "download", "pass", "-o", "out/", "--decrypt", "--decompress");
        try (Stream<Path> s = Files.list(dir.resolve("out"))) {
            assertThat(names(s.findFirst().orElseThrow())).hasSize(5);
        }

        run(0, "prune", "plain");
        try (Stream<Path> s = Files.list(dir.resolve("store/app"))) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted()).containsExactly(plain.get(2),
                    plain.get(2) + ".manifest.json", plain.get(2) + ".sha256");
        }
    }

    @Test
    void aPinTheFirstPinningBuildWroteStillKeepsItsBackup() throws Exception {
        store(PINS_DAY);
        List<String> plain = backups("app");
        assertThat(plain).hasSize(3);
        String pinned = plain.get(0);
        Map<?, ?> dry = (Map<?, ?>) Json.parse(run(0, "prune", "plain", "--dry-run", "--json").out());
        assertThat(dry.toString()).contains("key=app/" + pinned + ", reasons=[pinned]");
        assertThat(run(0, "list", "plain").out()).contains("app/" + pinned + "  pinned").containsOnlyOnce("pinned");
        assertThat(run(0, "show", "plain", pinned).out()).contains(": before migration 42 (retention keeps it)");

        run(0, "prune", "plain");
        assertThat(backups("app")).containsExactly(pinned, plain.get(2));
        run(0, "pin", "--remove", "plain", pinned);
        run(0, "prune", "plain");
        assertThat(backups("app")).containsExactly(plain.get(2));
    }

    @Test
    void aPinANewerBuildWroteWithAFieldThisOneDoesNotKnowStillKeepsItsBackupAndIsNamed() throws Exception {
        store(PINS_DAY);
        List<String> plain = backups("app");
        String pinned = plain.get(0);
        Path marker = dir.resolve("store/app/" + pinned + ".pin");
        // a later dbbackup's pin with an end (already past by the test's clock): this build cannot apply it, so it keeps
        Files.writeString(marker, Files.readString(marker).replace("\"note\": \"before migration 42\"",
                "\"note\": \"before migration 42\",\n  \"expires\": \"2026-12-04T00:00:00Z\""));
        String named = "app/" + pinned + ": its pin was written by a newer dbbackup (unknown field 'expires'); kept";

        assertThat(run(0, "list", "plain").err()).contains(named);
        Cli.Result dry = run(0, "prune", "plain", "--dry-run", "--json");
        assertThat(dry.out()).contains("\"app/" + pinned + "\"");
        assertThat(((Map<?, ?>) Json.parse(dry.out())).toString()).contains("key=app/" + pinned + ", reasons=[pinned]");
        assertThat(dry.err()).contains(named);
        assertThat(run(0, "show", "plain", pinned).out()).contains(": before migration 42 (retention keeps it; written by "
                + "a newer dbbackup: unknown field 'expires', which this dbbackup does not apply: kept until `pin --remove`)");
        assertThat(run(0, "prune", "plain").err()).contains(named);
        assertThat(backups("app")).containsExactly(pinned, plain.get(2));

        // a new note would drop the field this build does not know: refused, the marker left as it is
        String before = Files.readString(marker);
        assertThat(run(1, "pin", "plain", pinned, "--note", "other").err()).contains(pinned + " is pinned by a pin a newer "
                + "dbbackup wrote (unknown field 'expires'): replacing its note here would drop what this dbbackup does not know");
        assertThat(Files.readString(marker)).isEqualTo(before);
        run(0, "pin", "--remove", "plain", pinned);
        run(0, "prune", "plain");
        assertThat(backups("app")).containsExactly(plain.get(2));
    }

    @Test
    void aBackupInANewerFormatIsRefusedRatherThanReadByOlderRules() throws Exception {
        store(FIRST_DAY);
        List<String> plain = backups("app");
        String newest = plain.get(2);
        Path manifest = dir.resolve("store/app/" + newest + ".manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replace("\"manifest_version\": 1", "\"manifest_version\": 2")
                .replace("\"tool_version\": \"0.1.0\"", "\"tool_version\": \"0.1.0\", \"tool_commit\": \"0123456789ab\", "
                        + "\"tool_built\": \"2027-01-02T03:04:05Z\""));
        List<String> before = SqliteFixture.fingerprint(dir.resolve("app.db"));

        // the version alone (0.1.0, as this build's) cannot say which build can read it: the commit and build time do
        String refusal = "app/" + newest + " was made by dbbackup 0.1.0 (commit 0123456789ab, built 2027-01-02T03:04:05Z) "
                + "in backup format 2 (manifest_version in its manifest), and this dbbackup, "
                + io.dbbackup.core.BuildInfo.current().describe() + ", reads backup formats up to 1: read it with that "
                + "build or a later one (nothing was read or changed)";
        String restore = run(1, "restore", "plain", "--auto-confirm").err();
        assertThat(restore).contains(refusal);
        // this build named beside the other, not in brackets around its own "(commit …, built …)"
        assertThat(restore).as("brackets nested").doesNotContain("))").doesNotContain("((");
        assertThat(SqliteFixture.fingerprint(dir.resolve("app.db"))).isEqualTo(before);
        assertThat(run(1, "verify", "plain").err()).contains(refusal);
        assertThat(run(1, "download", "plain", "-o", "-", "--decompress").err()).contains(refusal);

        // the stored bytes themselves are still listed, checked and copied out as they are
        assertThat(run(0, "list", "plain").out()).contains("app/" + newest);
        Files.createDirectories(dir.resolve("out"));
        run(0, "download", "plain", "-o", "out/");
        assertThat(dir.resolve("out/" + newest)).exists();
        // a manifest of a build that did not say its commit: named by its version
        Files.writeString(manifest, Files.readString(manifest).replace("\"tool_commit\": \"0123456789ab\", ", "")
                .replace("\"tool_built\": \"2027-01-02T03:04:05Z\"", "\"tool_x\": 1").replace("\"tool_version\": \"0.1.0\"",
                        "\"tool_version\": \"0.9.0\""));
        assertThat(run(1, "verify", "plain").err()).contains("app/" + newest + " was made by dbbackup 0.9.0 in backup "
                + "format 2 (manifest_version in its manifest), and this dbbackup, ");
        // an older backup of the same job is read as before
        run(0, "restore", "plain", plain.get(1), "--auto-confirm");
        assertThat(names(dir.resolve("app.db"))).hasSize(5);
    }

    @Test
    void aBackupInAFormThisBuildDoesNotKnowIsNamedNotSilentlyPassedBy() throws Exception {
        store(FIRST_DAY);
        List<String> plain = backups("app");
        Path folder = dir.resolve("store/app");
        String newer = "app-20261206-010000.sqlite.br"; // a compression a later version might add
        Files.copy(folder.resolve(plain.get(2)), folder.resolve(newer));
        Files.writeString(folder.resolve(newer + ".sha256"), Files.readString(folder.resolve(plain.get(2) + ".sha256"))
                .replace(plain.get(2), newer));
        String unknown = "app/" + newer + " is named like a backup and has its .sha256 beside it, but in a form this "
                + "dbbackup does not know (made by a newer dbbackup?)";

        assertThat(run(0, "list", "plain").err()).contains(unknown + ": list, restore, verify and retention pass it by");
        assertThat(LoggedOnce.line(run(0, "restore", "plain", "--auto-confirm").err(), "passing by", "app/" + newer))
                .contains("WARN  passing by a file newer than the backup taken, named like a backup with its .sha256 beside "
                        + "it but in a form this dbbackup does not know (made by a newer dbbackup?): taking app/" + plain.get(2));
        run(0, "prune", "plain");
        assertThat(folder.resolve(newer)).exists();
        assertThat(folder.resolve(newer + ".sha256")).exists();

        Files.delete(folder.resolve(plain.get(2)));
        assertThat(run(1, "restore", "plain", "--auto-confirm").err()).contains("job 'plain' has no backup this dbbackup "
                + "can read in ").contains(unknown + "; read it with the dbbackup that made it");
    }

    private Cli.Result run(int exit, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "-c";
        all[1] = "config.yaml";
        System.arraycopy(args, 0, all, 2, args.length);
        Cli.Result r = cli.run(all);
        assertThat(r.exit()).as(r.toString()).isEqualTo(exit);
        return r;
    }

    private static Path resource(String name) throws Exception {
        return Path.of(CompatFixturesCliTest.class.getResource("/compat/" + name).toURI());
    }

    /** The fixture store copied into the test's folder as {@code store} (prune changes it). */
    private void store(String fixture) throws Exception {
        Path from = resource(fixture);
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path to = dir.resolve("store").resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
    }

    /** The backup file names in the store's {@code folder}, oldest first. */
    private List<String> backups(String folder) throws Exception {
        try (Stream<Path> s = Files.list(dir.resolve("store").resolve(folder))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sqlite.gz")).sorted().toList();
        }
    }

    private static List<String> names(Path db) throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             ResultSet rs = c.createStatement().executeQuery("select name from items order by id")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }
}
