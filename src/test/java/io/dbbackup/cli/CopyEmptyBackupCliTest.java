package io.dbbackup.cli;

import io.dbbackup.testkit.BrokenStoreFixture;
import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 0-byte backup object beside its sidecars is no backup (see {@link PruneEmptyBackupCliTest}). A copy job with
 * {@code keep_last: 1} took an empty newest source object for "the newest", so it tried only that one (exit 3 each night)
 * and never copied the last good backup; an empty object in the copy's own folder was counted as the copy it holds, so a
 * good source backup was left uncopied with "nothing new to copy". Both are now passed by, with a warning, as prune does.
 */
class CopyEmptyBackupCliTest {
    private static final Instant FIRST = Instant.parse("2026-03-01T02:00:00Z");
    private static final Instant NOW = FIRST.plusSeconds(86_400L * 3);

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        BrokenStoreFixture.write(dir, """
                  offsite: {type: local, path: offsite}
                jobs:
                  app: {datasource: app, store: local}
                  copy: {copy_of: app, store: offsite, retention: {keep_last: 1}}
                """);
        BrokenStoreFixture.backUpDaily(this::at, FIRST, 3, "app");
    }

    private Cli at(Instant now) {
        return new Cli().workingDir(dir).clock(Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void anEmptyNewestSourceObjectIsNotCopiedAndTheNewestGoodBackupIs() throws Exception {
        Files.write(dir.resolve("store/app/app-20260303-020000.sqlite.gz"), new byte[0]);

        Cli.Result r = at(NOW).run("-c", "config.yaml", "backup", "copy");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(dir.resolve("offsite/app/app-20260302-020000.sqlite.gz")).as("the newest good backup copied").exists();
        assertThat(dir.resolve("offsite/app/app-20260303-020000.sqlite.gz")).doesNotExist();
        assertThat(dir.resolve("offsite/app/app-20260303-020000.sqlite.gz.sha256")).doesNotExist();
        String empty = "app/app-20260303-020000.sqlite.gz";
        String warned = LoggedOnce.lineSuggesting(r.err(), "not counted by retention", empty);
        assertThat(warned).contains("WARN  not counted by retention: an object that is empty (0 bytes)")
                .contains("check it (dbbackup -c config.yaml verify app " + empty + ") and remove it");
        Cli.Result check = at(NOW).run(LoggedOnce.suggested(warned));
        assertThat(check.exit()).as("the command as printed checks that object: " + check).isEqualTo(3);
        assertThat(check.out() + check.err()).contains(empty);
    }

    @Test
    void aSourceWhoseEveryObjectIsEmptySaysSoNotJustNoBackups() throws Exception {
        try (var files = Files.list(dir.resolve("store/app"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".sqlite.gz")).toList()) {
                Files.write(f, new byte[0]);
            }
        }

        Cli.Result r = at(NOW).run("-c", "config.yaml", "backup", "copy");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("has no backups in").contains(": each of its 3 backup objects (the newest "
                + "app/app-20260303-020000.sqlite.gz) is empty (0 bytes), so no backup").contains("verify app --all-backups");
        assertThat(dir.resolve("offsite/app")).doesNotExist();
    }

    @Test
    void anEmptyObjectInTheCopysFolderIsNotCountedAsACopy() throws Exception {
        // the copy's folder holds an empty object, with sidecars, newer than any source backup (a copy by hand, a full disk)
        Path empty = dir.resolve("offsite/app/app-20260303-030000.sqlite.gz");
        Files.createDirectories(empty.getParent());
        Files.write(empty, new byte[0]);
        Files.copy(dir.resolve("store/app/app-20260303-020000.sqlite.gz.sha256"),
                dir.resolve("offsite/app/app-20260303-030000.sqlite.gz.sha256"));

        Cli.Result r = at(NOW).run("-c", "config.yaml", "backup", "copy");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(dir.resolve("offsite/app/app-20260303-020000.sqlite.gz")).as("the newest source backup copied").exists();
        assertThat(empty).as("left for a human, never deleted by a copy").exists();
        assertThat(LoggedOnce.lineSuggesting(r.err(), "not counted by retention", "app/app-20260303-030000.sqlite.gz"))
                .contains("WARN  not counted by retention: an object that is empty (0 bytes)");
        assertThat(r.out()).doesNotContain("nothing new to copy");
    }
    @Test
    void anEmptyCopyOfAGoodSourceBackupIsCopiedAgain() throws Exception {
        assertThat(at(NOW).run("-c", "config.yaml", "backup", "copy").exit()).isZero();
        Path copy = dir.resolve("offsite/app/app-20260303-020000.sqlite.gz");
        long size = Files.size(copy);
        Files.write(copy, new byte[0]);

        Cli.Result r = at(NOW).run("-c", "config.yaml", "backup", "copy");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("repaired a damaged copy");
        assertThat(Files.size(copy)).isEqualTo(size);
        assertThat(r.err()).doesNotContain("not counted by retention");
    }
}
