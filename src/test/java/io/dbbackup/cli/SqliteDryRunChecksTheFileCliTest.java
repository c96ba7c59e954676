package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.Reseal;
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
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A SQLite backup whose checksum holds but whose database file is damaged (the dump taken of a corrupt file, bytes
 * flipped before hashing) fails {@code restore --dry-run} as the restore itself fails it: the dry run writes the decoded
 * file into the operation's private scratch folder, runs {@code PRAGMA integrity_check} on it and deletes it, and says
 * {@code the backup KEY does not restore: …; the next older backup is …} (exit 3), the target untouched. Before, only the
 * restore ran the check: the dry run passed (exit 0) and the restore after it failed.
 */
class SqliteDryRunChecksTheFileCliTest {
    @TempDir
    Path dir;

    private Cli cli;
    private Path older;
    private Path newest;

    @BeforeEach
    void twoBackups() throws Exception {
        SqliteFixture.create(dir.resolve("shop.db"), 200);
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  shop: {engine: sqlite, path: shop.db}
                  copy: {engine: sqlite, path: restored/copy.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                  nightly: {datasource: shop, store: local, compression: zstd}
                """);
        cli = new Cli().workingDir(dir).env("DBBACKUP_TMPDIR", dir.resolve("tmp").toString())
                .clock(new SteppingClock(Instant.parse("2026-12-03T02:00:00Z"), Duration.ofMinutes(1)));
        Files.createDirectories(dir.resolve("tmp"));
        assertThat(cli.run("-c", "config.yaml", "backup", "nightly").exit()).isZero();
        assertThat(cli.run("-c", "config.yaml", "backup", "nightly").exit()).isZero();
        try (Stream<Path> files = Files.list(dir.resolve("store/shop"))) {
            List<Path> backups = files.filter(p -> p.toString().endsWith(".sqlite.zst")).sorted().toList();
            assertThat(backups).hasSize(2);
            older = backups.get(0);
            newest = backups.get(1);
        }
    }

    /** The newest backup made of a file damaged in a run of pages past the schema page, its checksum and manifest holding. */
    private void damageTheNewest() throws Exception {
        Reseal.rewrite(newest, db -> {
            byte[] b = db.clone();
            Arrays.fill(b, b.length / 3, b.length / 2, (byte) 0x5a);
            return b;
        });
    }

    private static List<String> errors(Cli.Result r) {
        return r.err().lines().filter(l -> l.startsWith("error: ")).toList();
    }

    private List<String> leftInTmp() throws Exception {
        try (Stream<Path> s = Files.walk(dir.resolve("tmp"))) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).toList();
        }
    }

    @Test
    void aDamagedFileFailsTheDryRunAsTheRestoreDoesNamingTheNextOlderBackup() throws Exception {
        damageTheNewest();

        Cli.Result r = cli.run("-c", "config.yaml", "restore", "nightly", "--to", "copy", "--dry-run");

        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(errors(r)).as(r.toString()).hasSize(1);
        assertThat(errors(r).get(0)).as(r.toString())
                .startsWith("error: the backup shop/" + newest.getFileName() + " does not restore: the backup is not a readable "
                        + "SQLite database: ")
                .endsWith("; the next older backup is " + older.getFileName() + " (dbbackup -c config.yaml restore nightly "
                        + older.getFileName() + " --to copy --dry-run)");
        assertThat(r.out()).doesNotContain("dry run");
        assertThat(dir.resolve("restored/copy.db")).doesNotExist();
        assertThat(leftInTmp()).as("the checked copy is deleted, also on failure").isEmpty();

        Cli.Result verify = cli.run("-c", "config.yaml", "verify", "nightly", newest.getFileName().toString(), "--deep");
        String finding = errors(r).get(0).substring(0, errors(r).get(0).indexOf("; the next older backup is "));
        assertThat(errors(verify)).as("verify --deep's words: " + verify).singleElement().asString().startsWith(finding + ";");
        Cli.Result restore = cli.run("-c", "config.yaml", "restore", "nightly", "--to", "copy", "--auto-confirm");
        assertThat(restore.exit()).as("the restore's exit code: " + restore).isEqualTo(r.exit());
        assertThat(dir.resolve("restored/copy.db")).doesNotExist();
    }

    /** Guard: a whole backup's dry run passes, its file checked in the scratch folder, nothing at the target. */
    @Test
    void aHealthyBackupsDryRunPassesAndWritesNothingAtTheTarget() throws Exception {
        Cli.Result r = cli.run("-c", "config.yaml", "restore", "nightly", "--to", "copy", "--dry-run");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(errors(r)).as(r.toString()).isEmpty();
        assertThat(dir.resolve("restored")).doesNotExist();
        assertThat(leftInTmp()).isEmpty();
    }

    /** Guard: {@code verify --deep} found it already (its engine check, which the dry run now runs too). */
    @Test
    void verifyDeepFindsTheDamagedFileToo() throws Exception {
        damageTheNewest();

        Cli.Result r = cli.run("-c", "config.yaml", "verify", "nightly", newest.getFileName().toString(), "--deep");

        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(errors(r)).as(r.toString()).hasSize(1);
        assertThat(errors(r).get(0)).as(r.toString())
                .startsWith("error: the backup shop/" + newest.getFileName() + " does not restore: the backup is not a readable "
                        + "SQLite database: ")
                .endsWith("; the next older backup is " + older.getFileName() + " (dbbackup -c config.yaml verify nightly "
                        + older.getFileName() + " --deep)");
        assertThat(leftInTmp()).isEmpty();
    }

    /**
     * A backup whose stored bytes changed: {@code verify --deep} (and the dry run, which runs its check) says the checksum
     * mismatch the engine's read met. Before, the check read the decoder again after that failure, and its "Truncated
     * source" was said as bytes that match their checksum ({@code does not decode, although its stored bytes match}).
     */
    @Test
    void aChangedBackupIsAChecksumMismatchInVerifyDeepAndTheDryRun() throws Exception {
        TestBytes.flipMiddleByte(newest);
        String key = "shop/" + newest.getFileName();

        Cli.Result verify = cli.run("-c", "config.yaml", "verify", "nightly", newest.getFileName().toString(), "--deep");
        Cli.Result dryRun = cli.run("-c", "config.yaml", "restore", "nightly", newest.getFileName().toString(), "--to", "copy",
                "--dry-run");

        for (Cli.Result r : List.of(verify, dryRun)) {
            assertThat(r.exit()).as(r.toString()).isEqualTo(3);
            assertThat(errors(r)).as(r.toString()).singleElement().asString()
                    .startsWith("error: checksum mismatch for " + key + ": ").doesNotContain("match their checksum");
        }
        assertThat(dir.resolve("restored")).doesNotExist();
        assertThat(leftInTmp()).isEmpty();
    }

    /**
     * {@code show --contents} of a backup whose stored bytes changed names it once, as the restore's check does ({@code
     * checksum mismatch for KEY: …}); before, it led that with {@code the backup KEY does not restore: }, the key twice.
     */
    @Test
    void showContentsOfADamagedBackupNamesItOnceAsTheRestoreDoes() throws Exception {
        TestBytes.flipMiddleByte(newest);

        Cli.Result show = cli.run("-c", "config.yaml", "show", "nightly", newest.getFileName().toString(), "--contents");
        Cli.Result restore = cli.run("-c", "config.yaml", "restore", "nightly", newest.getFileName().toString(), "--to", "copy",
                "--dry-run");

        assertThat(show.exit()).as(show.toString()).isEqualTo(3);
        assertThat(errors(show)).as(show.toString()).hasSize(1);
        String key = "shop/" + newest.getFileName();
        String line = errors(show).get(0);
        assertThat(line.split(java.util.regex.Pattern.quote(key), -1)).as(line).hasSize(2);
        assertThat(errors(restore)).as(restore.toString()).hasSize(1);
        assertThat(errors(restore).get(0)).as(restore.toString()).startsWith(line.substring(0, line.indexOf(key) + key.length()));
    }
}
