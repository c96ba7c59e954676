package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which temporary files prune takes for abandoned uploads: only the job's own (its backups, their sidecars) and
 * only those not written to for 24 hours; anything else in the folder, however old, is left. A store that cannot
 * list its unfinished uploads makes a warning, never a failed prune. (The test-only {@code faulty} store needs
 * the test plugins on the class path, hence an IT.)
 */
class PruneAbandonedUploadsIT {
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final String UUID = ".0b7e6a52-3c1d-4f0e-9a8b-5d2c1e0f9a7b";

    @TempDir
    Path dir;

    @Test
    void onlyTheJobsOwnUploadsUnwrittenForADayAreRemoved() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("store/prod/app"));
        Path backup = write(folder.resolve("app-20261129-010000.sql.gz"), Duration.ofHours(35));
        Path backupSidecar = write(folder.resolve("app-20261129-010000.sql.gz.sha256"), Duration.ofHours(35));
        Path ownOld = write(folder.resolve(".dbbackup-tmp-app-20261128-010000.sql.gz" + UUID), Duration.ofHours(59));
        Path sidecarOld = write(folder.resolve(".dbbackup-tmp-app-20261128-010000.sql.gz.sha256" + UUID), Duration.ofHours(25));
        Path ownRecent = write(folder.resolve(".dbbackup-tmp-app-20261130-010000.sql.gz" + UUID), Duration.ofHours(23));
        Path foreignOld = write(folder.resolve(".dbbackup-tmp-notes.txt" + UUID), Duration.ofDays(30));
        Path otherDbOld = write(Files.createDirectories(dir.resolve("store/prod/other"))
                .resolve(".dbbackup-tmp-other-20261101-010000.sql.gz" + UUID), Duration.ofDays(30));
        // the store's newest write, a minute ago by its clock: what an upload's age is also judged against
        Path newest = write(folder.resolve("notes.txt"), Duration.ofMinutes(1));
        config("local: {type: local, path: store}");

        Cli.Result list = cli().run("-c", "config.yaml", "list", "nightly");
        assertThat(list.exit()).as(list.toString()).isZero();
        assertThat(list.out()).contains("prod/app/app-20261129-010000.sql.gz").doesNotContain("abandoned");
        assertThat(list.err()).contains("WARN").contains("2 abandoned uploads of 24 B")
                .contains("prune removes them (dbbackup -c config.yaml prune nightly)").contains("last_write=2026-11-29T11:00:00Z");
        Cli.Result listJson = cli().run("-q", "-c", "config.yaml", "list", "nightly", "--json");
        assertThat(listJson.exit()).as(listJson.toString()).isZero();
        assertThat(io.dbbackup.core.Json.parse(listJson.out())).as("stdout stays the JSON").isInstanceOf(List.class);
        assertThat(listJson.err()).contains("2 abandoned uploads");

        Cli.Result dry = cli().run("-c", "config.yaml", "prune", "nightly", "--dry-run");
        assertThat(dry.exit()).as(dry.toString()).isZero();
        assertThat(dry.out()).contains("would remove 2")
                .contains("prod/app/app-20261128-010000.sql.gz  [").contains("prod/app/app-20261128-010000.sql.gz.sha256  [")
                .doesNotContain("20261130").doesNotContain("notes").doesNotContain("other");
        assertThat(files()).hasSize(8);

        Cli.Result real = cli().run("-c", "config.yaml", "prune", "nightly");
        assertThat(real.exit()).as(real.toString()).isZero();
        assertThat(real.out()).contains("removed 2");
        assertThat(files()).containsExactlyInAnyOrder(backup, backupSidecar, ownRecent, foreignOld, otherDbOld, newest);
        assertThat(ownOld).doesNotExist();
        assertThat(sidecarOld).doesNotExist();

        Cli.Result again = cli().run("-c", "config.yaml", "prune", "nightly", "--json");
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(again.out()).doesNotContain("abandoned_uploads");
        Cli.Result listAfter = cli().run("-c", "config.yaml", "list", "nightly");
        assertThat(listAfter.exit()).as(listAfter.toString()).isZero();
        assertThat(listAfter.err()).as("those of the last day are a run's, maybe running").doesNotContain("abandoned");
    }

    /**
     * A pruning host whose clock runs two days ahead took another run's upload in progress (written a minute ago by the
     * store's clock) for abandoned and removed it. Age is now judged against the store's own newest write too: the
     * upload is left, and one that is a day older than that is still removed.
     */
    @Test
    void aHostWhoseClockIsFarAheadLeavesAnUploadInProgress() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("store/prod/app"));
        Path backup = write(folder.resolve("app-20261130-010000.sql.gz"), Duration.ofHours(11));
        write(folder.resolve("app-20261130-010000.sql.gz.sha256"), Duration.ofHours(11));
        Path inProgress = write(folder.resolve(".dbbackup-tmp-app-20261130-115800.sql.gz" + UUID), Duration.ofMinutes(1));
        Path abandoned = write(folder.resolve(".dbbackup-tmp-app-20261129-010000.sql.gz" + UUID), Duration.ofHours(25));
        config("local: {type: local, path: store}");
        Cli ahead = new Cli().workingDir(dir).clock(Clock.fixed(NOW.plus(Duration.ofHours(48)), ZoneOffset.UTC));

        Cli.Result dry = ahead.run("-c", "config.yaml", "prune", "nightly", "--dry-run");
        assertThat(dry.exit()).as(dry.toString()).isZero();
        assertThat(dry.out()).contains("would remove 1").contains("prod/app/app-20261129-010000.sql.gz  [")
                .doesNotContain("115800");
        Cli.Result real = ahead.run("-c", "config.yaml", "prune", "nightly");
        assertThat(real.exit()).as(real.toString()).isZero();
        assertThat(real.out()).contains("removed 1");
        assertThat(real.err()).contains("1 upload unwritten for 24 h by this host's clock but not by the store's");
        assertThat(inProgress).as("another run's upload in progress").exists();
        assertThat(abandoned).doesNotExist();
        assertThat(backup).exists();
        assertThat(ahead.run("-c", "config.yaml", "list", "nightly").err()).doesNotContain("abandoned upload");
    }

    @Test
    void aStoreThatCannotListThemMakesAWarningAndThePruneStillSucceeds() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("store/prod/app"));
        for (String t : List.of("20261128-010000", "20261129-010000")) {
            write(folder.resolve("app-" + t + ".sql.gz"), Duration.ofHours(35));
            write(folder.resolve("app-" + t + ".sql.gz.sha256"), Duration.ofHours(35));
        }
        Path ownOld = write(folder.resolve(".dbbackup-tmp-app-20261127-010000.sql.gz" + UUID), Duration.ofHours(80));
        config("local: {type: faulty, path: store, refuse_unfinished: true}");

        Cli.Result real = cli().run("-c", "config.yaml", "prune", "nightly");
        assertThat(real.exit()).as(real.toString()).isZero();
        assertThat(real.out()).contains("deleted 1").doesNotContain("abandoned");
        assertThat(real.err()).contains("WARN").contains("cannot look for abandoned uploads in faulty ")
                .contains("listing unfinished uploads under prod/app/ is denied");
        assertThat(folder.resolve("app-20261128-010000.sql.gz")).as("retention applied all the same").doesNotExist();
        assertThat(ownOld).exists();
        Cli.Result list = cli().run("-c", "config.yaml", "list", "nightly");
        assertThat(list.exit()).as(list.toString()).isZero();
        assertThat(list.err()).as("listing backups needs no right to list uploads").doesNotContain("abandoned");
    }

    /** A sidecar that cannot be deleted: the backup is gone all the same, and the error says exactly that. */
    @Test
    void aSidecarThatCannotBeDeletedIsNamedAsSuch() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("store/prod/app"));
        for (String t : List.of("20261127-010000", "20261128-010000", "20261129-010000")) {
            write(folder.resolve("app-" + t + ".sql.gz"), Duration.ofHours(40));
            write(folder.resolve("app-" + t + ".sql.gz.sha256"), Duration.ofHours(40));
        }
        config("local: {type: faulty, path: store, refuse_delete_of: 20261127-010000.sql.gz.sha256}");

        Cli.Result r = cli().run("-c", "config.yaml", "prune", "nightly");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("deleted prod/app/app-20261127-010000.sql.gz but not its sidecars")
                .contains("(deleted before it: prod/app/app-20261128-010000.sql.gz)")
                .doesNotContain("cannot delete prod/app/app-20261127-010000.sql.gz from");
        assertThat(folder.resolve("app-20261127-010000.sql.gz")).doesNotExist();
        assertThat(folder.resolve("app-20261129-010000.sql.gz")).exists();
    }

    /**
     * Prune's ERROR line about one backup (under --json, or beside other jobs, the failure is logged, not thrown) gives
     * its key once, in key=; the --json row and the command's own error keep the message whole.
     */
    @Test
    void theErrorAboutOneBackupGivesItsKeyOnceInItsField() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("store/prod/app"));
        for (String t : List.of("20261127-010000", "20261128-010000", "20261129-010000")) {
            write(folder.resolve("app-" + t + ".sql.gz"), Duration.ofHours(40));
            write(folder.resolve("app-" + t + ".sql.gz.sha256"), Duration.ofHours(40));
        }
        config("local: {type: faulty, path: store, refuse_delete_of: 20261127-010000.sql.gz}");
        String key = "prod/app/app-20261127-010000.sql.gz";

        Cli.Result r = cli().run("-c", "config.yaml", "prune", "nightly", "--json");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(LoggedOnce.line(r.err(), "ERROR", key)).as(r.toString())
                .contains("ERROR cannot delete the backup from faulty ")
                .contains("(deleted before it: prod/app/app-20261128-010000.sql.gz)")
                .contains(" job=nightly key=" + key);
        assertThat(r.out()).as("the row's error keeps the key").contains("cannot delete " + key + " from faulty ");
        assertThat(folder.resolve("app-20261127-010000.sql.gz")).exists();

        config("local: {type: faulty, path: store, refuse_delete_of: 20261127-010000.sql.gz.sha256}");
        Cli.Result sidecars = cli().run("-c", "config.yaml", "prune", "nightly", "--json");
        assertThat(sidecars.exit()).as(sidecars.toString()).isEqualTo(2);
        // the store's words name the sidecar it refused (another object): kept, so that the user knows which one
        assertThat(sidecars.err().lines().filter(l -> l.contains("ERROR")).toList()).as(sidecars.toString()).singleElement()
                .asString().contains("ERROR deleted the backup but not its sidecars (harmless: never listed as a backup) from faulty ")
                .contains("deleting " + key + ".sha256 is denied").endsWith(" job=nightly key=" + key);
    }

    private Cli cli() {
        return new Cli().workingDir(dir).clock(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private void config(String store) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app:
                    engine: sqlite
                    path: unused.db
                    database: app
                stores:
                  %s
                jobs:
                  nightly:
                    datasource: app
                    store: local
                    prefix: prod
                    retention: {keep_last: 1}
                """.formatted(store));
    }

    /** A file last written {@code age} before {@link #NOW}. */
    private static Path write(Path file, Duration age) throws Exception {
        Files.writeString(file, "partial dump");
        Files.setLastModifiedTime(file, FileTime.from(NOW.minus(age)));
        return file;
    }

    private List<Path> files() throws Exception {
        try (Stream<Path> s = Files.walk(dir.resolve("store"))) {
            return s.filter(Files::isRegularFile).toList();
        }
    }
}
