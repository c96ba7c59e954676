package io.dbbackup.cli;

import io.dbbackup.core.Json;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SqliteFixture;
import io.dbbackup.testkit.SteppingClock;
import io.dbbackup.testkit.TestBytes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code show}: one backup described from its store — manifest, sidecar, their disagreements — and with {@code --contents}
 * what it holds, read from the backup (here SQLite: the tables with their exact row counts, and the view).
 */
class ShowCliTest {
    @TempDir
    Path dir;
    Cli cli;

    @BeforeEach
    void setUp() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 40);
        cli = new Cli().workingDir(dir).clock(new SteppingClock(Instant.parse("2026-03-01T02:00:00Z"), Duration.ofMinutes(1)));
        Cli.Result keygen = cli.run("keygen", "-o", "key.txt");
        assertThat(keygen.exit()).as(keygen.toString()).isZero();
        String recipient = keygen.out().strip().substring("Public key: ".length());
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app:
                    engine: sqlite
                    path: app.db
                    compression: zstd
                stores:
                  local: {type: local, path: store}
                jobs:
                  app: {datasource: app, store: local}
                  sealed:
                    datasource: app
                    store: local
                    prefix: sealed
                    encryption:
                      recipients: [%s]
                """.formatted(recipient));
        for (String job : List.of("app", "app", "sealed")) {
            Cli.Result b = cli.run("-c", "config.yaml", "backup", job);
            assertThat(b.exit()).as(b.toString()).isZero();
        }
    }

    private Path file(String suffix, String under) throws Exception {
        try (Stream<Path> s = Files.walk(dir.resolve("store").resolve(under))) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().reduce((a, b) -> b).orElseThrow();
        }
    }

    @Test
    void theNewestBackupDescribedWithWhatItHolds() throws Exception {
        Cli.Result r = cli.run("-c", "config.yaml", "show", "app", "--contents");

        assertThat(r.exit()).as(r.toString()).isZero();
        String sha = Files.readString(file(".sqlite.zst.sha256", "app")).substring(0, 64);
        assertThat(r.out()).contains("backup      app/app-20260301-02", "job         app (store local)",
                "sha256      " + sha + " (sidecar and manifest agree)", "engine      sqlite, database app",
                "encryption  none", "(sqlite, zstd level 3)", "facts       ")
                .contains("contents    table customers (40 rows)\n            table orders (120 rows)\n            view big_orders\n")
                .doesNotContain("PROBLEM");
        assertThat(r.out().lines().findFirst().orElseThrow()).endsWith(file(".sqlite.zst", "app").getFileName().toString());
    }

    @Test
    void anOlderBackupByItsFileNameAndAsJson() throws Exception {
        String older;
        try (Stream<Path> s = Files.list(dir.resolve("store/app"))) {
            older = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sqlite.zst")).sorted().findFirst().orElseThrow();
        }

        Cli.Result r = cli.run("-c", "config.yaml", "show", "app", older, "--json");

        assertThat(r.exit()).as(r.toString()).isZero();
        Map<?, ?> m = (Map<?, ?>) Json.parse(r.out());
        assertThat(m.get("key")).isEqualTo("app/" + older);
        assertThat(((Map<?, ?>) m.get("manifest")).get("key")).isEqualTo("app/" + older);
        assertThat(m.get("sidecar_sha256")).isEqualTo(((Map<?, ?>) m.get("manifest")).get("sha256"));
        assertThat((List<?>) m.get("problems")).isEmpty();
        assertThat(m.containsKey("contents")).isFalse();
    }

    @Test
    void aCopyJobsBackupSaysWhereItWasCopiedFrom() throws Exception {
        Files.writeString(dir.resolve("copy.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db, compression: zstd}
                stores:
                  local: {type: local, path: store}
                  offsite: {type: local, path: offsite}
                jobs:
                  app: {datasource: app, store: local}
                  app-offsite: {copy_of: app, store: offsite}
                """);
        Cli.Result copy = cli.run("-c", "copy.yaml", "backup", "app-offsite");
        assertThat(copy.exit()).as(copy.toString()).isZero();
        String newest = "app/" + file(".sqlite.zst", "app").getFileName();
        Map<?, ?> copiedFrom = (Map<?, ?>) ((Map<?, ?>) Json.parse(Files.readString(
                dir.resolve("offsite").resolve(newest + ".manifest.json")))).get("copied_from");
        String at = ShowCommand.TIME.format(Instant.parse((String) copiedFrom.get("copied")));

        Cli.Result r = cli.run("-c", "copy.yaml", "show", "app-offsite");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("job         app-offsite (store offsite)",
                "copied from job app (store " + copiedFrom.get("store") + "), key " + newest + ", copied " + at + "\n");
    }

    @Test
    void aSidecarThatDisagreesAndAMissingManifestAreShownNotHidden() throws Exception {
        Path sidecar = file(".sqlite.zst.sha256", "app");
        Files.writeString(sidecar, "0".repeat(64) + Files.readString(sidecar).substring(64));
        Cli.Result disagree = cli.run("-c", "config.yaml", "show", "app");
        assertThat(disagree.exit()).as(disagree.toString()).isZero();
        assertThat(disagree.out()).contains("PROBLEM     the manifest records sha256 ").contains(", the sidecar " + "0".repeat(64));

        Files.delete(file(".sqlite.zst.manifest.json", "app"));
        Cli.Result missing = cli.run("-c", "config.yaml", "show", "app");
        assertThat(missing.exit()).as(missing.toString()).isZero();
        assertThat(missing.out()).contains("PROBLEM     no manifest app/app-").doesNotContain("engine ");
    }

    @Test
    void aDamagedBackupsContentsAreAnIntegrityFailure() throws Exception {
        TestBytes.flipMiddleByte(file(".sqlite.zst", "app"));

        Cli.Result r = cli.run("-c", "config.yaml", "show", "app", "--contents");

        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(cli.run("-c", "config.yaml", "show", "app").exit()).as("without --contents the object is not read").isZero();
    }

    @Test
    void anEncryptedBackupsContentsNeedItsIdentity() {
        Cli.Result without = cli.run("-c", "config.yaml", "show", "sealed", "--contents");
        assertThat(without.exit()).as(without.toString()).isEqualTo(1);
        assertThat(without.err()).contains("--identity");

        Cli.Result with = cli.run("-c", "config.yaml", "show", "sealed", "--contents", "--identity", "key.txt");
        assertThat(with.exit()).as(with.toString()).isZero();
        assertThat(with.out()).contains("table customers (40 rows)").contains(".sqlite.zst.age");
    }

    /**
     * At 3 a.m. the backup described comes with the command that restores it (this run's -c, the key's file name, the
     * keys given to open it), and that command, pasted as it is (here with --dry-run after it), restores that backup.
     */
    @Test
    void theBackupShownComesWithTheCommandThatRestoresIt() throws Exception {
        String newest = file(".sqlite.zst", "app").getFileName().toString();
        Cli.Result r = cli.run("-c", "config.yaml", "show", "app");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("\nrestore     dbbackup -c config.yaml restore app " + newest + "\n");

        String line = r.out().lines().filter(l -> l.startsWith("restore ")).findFirst().orElseThrow();
        List<String> words = List.of(line.substring("restore     dbbackup ".length()).split(" "));
        Cli.Result rehearsal = cli.run(Stream.concat(words.stream(), Stream.of("--dry-run")).toArray(String[]::new));
        assertThat(rehearsal.exit()).as(rehearsal.toString()).isZero();
        assertThat(rehearsal.out()).contains("app/" + newest + " checked");

        String sealed = file(".sqlite.zst.age", "sealed").getFileName().toString();
        Cli.Result opened = cli.run("-c", "config.yaml", "show", "sealed", "--identity", "key.txt");
        assertThat(opened.out()).contains("\nrestore     dbbackup -c config.yaml restore sealed " + sealed + " --identity "
                + dir.resolve("key.txt").toAbsolutePath() + "\n");
    }

    /**
     * An encrypted backup of a job whose config holds only its recipients: the restore command shown names the identity it
     * needs, {@code --identity FILE}, with one line saying what FILE is (its recipient named), and pasted with FILE
     * replaced by that identity file it restores the backup. It was shown without --identity, and that command failed
     * ("no key to decrypt it was given"). A job whose config holds its identity keeps the command as it was (it works).
     */
    @Test
    void anEncryptedBackupsRestoreCommandNamesTheIdentityItNeeds() throws Exception {
        String sealed = file(".sqlite.zst.age", "sealed").getFileName().toString();
        String recipient = Files.readString(dir.resolve("config.yaml")).lines().filter(l -> l.contains("recipients: ["))
                .findFirst().orElseThrow().replaceAll(".*\\[(age1[a-z0-9]+)\\].*", "$1");
        Cli.Result r = cli.run("-c", "config.yaml", "show", "sealed");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("\nrestore     dbbackup -c config.yaml restore sealed " + sealed + " --identity FILE\n"
                + "            FILE: the age identity file (AGE-SECRET-KEY-1... lines) of its recipient "
                + recipient.substring(0, 12) + "…" + recipient.substring(recipient.length() - 6)
                + "; job 'sealed' sets no identity (encryption.identity_file / identity_env)\n");

        String line = r.out().lines().filter(l -> l.startsWith("restore ")).findFirst().orElseThrow();
        List<String> words = List.of(line.substring("restore     dbbackup ".length()).split(" "));
        List<String> without = words.subList(0, words.indexOf("--identity"));
        Cli.Result old = cli.run(Stream.concat(without.stream(), Stream.of("--auto-confirm")).toArray(String[]::new));
        assertThat(old.exit()).as("the command as it was shown: " + old).isEqualTo(1);
        assertThat(old.err()).contains("no key to decrypt it was given");
        List<String> pasted = words.stream().map(w -> w.equals("FILE") ? "key.txt" : w).toList();
        Cli.Result restored = cli.run(Stream.concat(pasted.stream(), Stream.of("--auto-confirm")).toArray(String[]::new));
        assertThat(restored.exit()).as(restored.toString()).isZero();
        assertThat(restored.out()).contains("restored sealed/app/" + sealed + " into ");

        Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml"))
                .replace("recipients: [" + recipient + "]", "recipients: [" + recipient + "]\n      identity_file: key.txt"));
        Cli.Result configured = cli.run("-c", "config.yaml", "show", "sealed");
        assertThat(configured.exit()).as(configured.toString()).isZero();
        assertThat(configured.out()).contains("\nrestore     dbbackup -c config.yaml restore sealed " + sealed + "\n")
                .doesNotContain("FILE");
    }

    /**
     * A MySQL/MariaDB backup's binary log position is shown with the replay tool of its server's kind: mysqlbinlog for
     * MySQL, mariadb-binlog for MariaDB (the facts written into the manifest as the MySQL engine writes them).
     */
    @Test
    void theBinlogLineNamesTheReplayToolOfTheServersKind() throws Exception {
        Path manifest = file(".sqlite.zst.manifest.json", "app");
        String original = Files.readString(manifest);
        assertThat(original).contains("\"facts\": {");
        for (String[] kind : List.of(new String[] {"8.0.36", "mysqlbinlog"}, new String[] {"10.11.19-MariaDB-0+deb12u1", "mariadb-binlog"})) {
            Files.writeString(manifest, original.replace("\"facts\": {", "\"facts\": {\"server_version\":\"" + kind[0]
                    + "\",\"binlog_file\":\"binlog.000001\",\"binlog_position\":\"4194\","));
            Cli.Result r = cli.run("-c", "config.yaml", "show", "app");
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.out()).contains("\nbinlog      binlog.000001:4194: replay from here (" + kind[1]
                    + " --start-position=4194)\n");
        }
    }
}
