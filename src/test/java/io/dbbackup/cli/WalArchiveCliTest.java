package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.FakeWal;
import io.dbbackup.testkit.Shell;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * wal-push / wal-fetch against a local store and a fake pg_wal (no server: wal-push never connects to
 * PostgreSQL): archiving ahead and its markers, the shortcut that acknowledges them, gaps, encryption,
 * and the recovery-target arguments of restore.
 */
class WalArchiveCliTest {
    @TempDir
    Path dir;
    Path pgWal;
    Cli cli;

    @BeforeEach
    void setUp() throws IOException {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  pg: {engine: postgres, method: physical, cluster: main}
                  pg2: {engine: postgres, method: physical, cluster: main, encryption: {passphrase_env: WAL_PASS, scrypt_work_factor: 10}}
                  logical: {engine: postgres, database: app}
                stores:
                  local: {type: local, path: store}
                jobs:
                  phys: {datasource: pg, store: local, prefix: p, compression: zstd}
                  other: {datasource: pg, store: local, prefix: q, compression: gzip}
                  secret: {datasource: pg2, store: local, prefix: s, compression: lz4}
                  dump: {datasource: logical, store: local}
                """);
        pgWal = Files.createDirectories(dir.resolve("pgdata/pg_wal/archive_status"));
        pgWal = pgWal.getParent();
        cli = new Cli().workingDir(dir.resolve("pgdata")).env("WAL_PASS", "correct horse battery");
    }

    private String segment(int n) {
        return String.format("0000000100000000%08X", n);
    }

    /** A WAL file in pg_wal, marked ready for archiving as PostgreSQL does. */
    private Path ready(String name, int seed) throws IOException {
        byte[] b;
        if (name.length() == 24) {
            b = FakeWal.segment(name, 1 << 20, seed); // a 1 MiB segment (initdb --wal-segsize=1)
        } else {
            b = new byte[1000];
            new Random(seed).nextBytes(b);
        }
        Path f = pgWal.resolve(name);
        Files.write(f, b);
        Files.writeString(pgWal.resolve("archive_status/" + name + ".ready"), "");
        return f;
    }

    private Cli.Result run(String... args) {
        String[] full = new String[args.length + 2];
        full[0] = "-c";
        full[1] = dir.resolve("config.yaml").toString();
        System.arraycopy(args, 0, full, 2, args.length);
        return cli.run(full);
    }

    private List<String> archived(String prefix) throws IOException {
        Path root = dir.resolve("store").resolve(prefix);
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    private boolean shortcut(String... args) {
        return WalPushShortcut.acknowledged(args, dir.resolve("pgdata"), new PrintWriter(new StringWriter()));
    }

    @Test
    void archivingAheadLeavesMarkersTheArchiversLaterCallsUse() throws IOException {
        for (int i = 1; i <= 4; i++) {
            ready(segment(i), i);
        }
        ready("00000002.history", 9);
        Cli.Result r = run("wal-push", "--job", "phys", "--ahead", "3", "pg_wal/" + segment(1), segment(1));
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).contains("wal archived").contains("also_archived_ahead=3");
        // the history file first, then the oldest segments; the newest waits for a later call
        assertThat(archived("p/main/wal")).hasSize(4).anyMatch(k -> k.startsWith("00000002.history-"))
                .anyMatch(k -> k.startsWith("0000000100000000/" + segment(3) + "-")).noneMatch(k -> k.contains(segment(4)));
        assertThat(pgWal.resolve("dbbackup/" + segment(2))).exists();

        String cfg = dir.resolve("config.yaml").toString();
        assertThat(shortcut("-c", cfg, "wal-push", "--job", "other", "pg_wal/" + segment(2), segment(2)))
                .as("another job: not acknowledged").isFalse();
        assertThat(shortcut("-c", cfg, "wal-push", "--job", "phys", "--verbose", "pg_wal/" + segment(2), segment(2)))
                .as("an option it does not know").isFalse();
        assertThat(shortcut("-q", "-c", cfg, "wal-push", "--job", "phys", "pg_wal/" + segment(2), segment(2))).isTrue();
        assertThat(pgWal.resolve("dbbackup/" + segment(2))).as("a marker is used once").doesNotExist();
        assertThat(shortcut("-c", cfg, "wal-push", "--job", "phys", "pg_wal/" + segment(2), segment(2))).isFalse();
        // content changed since it was archived ahead: no shortcut, and the normal path refuses to overwrite
        Files.write(pgWal.resolve(segment(3)), new byte[1 << 20]);
        assertThat(shortcut("-c", cfg, "wal-push", "--job", "phys", "pg_wal/" + segment(3), segment(3))).isFalse();
        Cli.Result clash = run("wal-push", "--job", "phys", "pg_wal/" + segment(3), segment(3));
        assertThat(clash.exit()).isEqualTo(3);
        assertThat(clash.err()).contains("already archived with different content");
        // the normal path also honours a marker (e.g. the config was edited since)
        Cli.Result hist = run("wal-push", "--job", "phys", "pg_wal/00000002.history", "00000002.history");
        assertThat(hist.exit()).as(hist.toString()).isZero();
        assertThat(hist.err()).contains("wal archived ahead");
    }

    @Test
    void fetchChecksGapsAndStopsRecoveryOnErrors() throws IOException {
        for (int i = 1; i <= 3; i++) {
            Path f = ready(segment(i), i);
            assertThat(run("wal-push", "--job", "phys", "--ahead", "0", f.toString(), segment(i)).exit()).isZero();
        }
        Path dest = dir.resolve("pgdata/pg_wal/RECOVERYXLOG");
        // what fetches killed before their cleanup left (PostgreSQL stopped during a fetch): gone once an hour old
        Path abandoned = Files.write(pgWal.resolve(".RECOVERYXLOG.dbbackup-0b7e0e52-killed"), new byte[1 << 20]);
        Files.setLastModifiedTime(abandoned, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(7200)));
        Path running = Files.write(pgWal.resolve(".RECOVERYXLOG.dbbackup-5d1c2a77-running"), new byte[10]);
        assertThat(run("wal-fetch", "--job", "phys", segment(2), "pg_wal/RECOVERYXLOG").exit()).isZero();
        assertThat(abandoned).doesNotExist();
        assertThat(running).exists();
        Files.delete(running);
        assertThat(Files.readAllBytes(dest)).isEqualTo(Files.readAllBytes(pgWal.resolve(segment(2))));
        Files.delete(dest);

        // the end of the archive: exit 1, even when asked to stop recovery on errors
        Cli.Result end = run("wal-fetch", "--job", "phys", "--stop-recovery-on-error", segment(4), "pg_wal/RECOVERYXLOG");
        assertThat(end.exit()).isEqualTo(1);
        assertThat(dest).doesNotExist();

        // a hole before archived segments: a gap, not the end
        Path two = dir.resolve("store/p/main/wal").resolve(archived("p/main/wal").stream()
                .filter(k -> k.contains(segment(2))).findFirst().orElseThrow());
        Path aside = dir.resolve("aside");
        Files.move(two, aside);
        Files.delete(pgWal.resolve(segment(2)));
        Cli.Result gap = run("wal-fetch", "--job", "phys", segment(2), "pg_wal/RECOVERYXLOG");
        assertThat(gap.exit()).isEqualTo(3);
        assertThat(gap.err()).contains("the archive has a gap").contains(segment(3));
        Cli.Result stop = run("wal-fetch", "--job", "phys", "--stop-recovery-on-error", segment(2), "pg_wal/RECOVERYXLOG");
        assertThat(stop.exit()).isEqualTo(255);
        assertThat(stop.err()).contains("PostgreSQL stops recovery here");
        // ... unless PostgreSQL has the file in pg_wal itself
        ready(segment(2), 2);
        assertThat(run("wal-fetch", "--job", "phys", segment(2), "pg_wal/RECOVERYXLOG").exit()).isEqualTo(1);
        assertThat(dest).doesNotExist();

        // truncated object: corrupt, nothing written
        byte[] stored = Files.readAllBytes(aside);
        Files.write(two, java.util.Arrays.copyOf(stored, stored.length / 2));
        Cli.Result corrupt = run("wal-fetch", "--job", "phys", segment(2), "pg_wal/RECOVERYXLOG");
        assertThat(corrupt.exit()).isEqualTo(3);
        assertThat(corrupt.err()).contains("is corrupt");
        assertThat(dest).doesNotExist();
        try (Stream<Path> s = Files.list(pgWal)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
        }
    }

    /**
     * The WAL archive holding objects this build cannot read (a newer dbbackup's naming, another tool's files): a fetch
     * of a segment that is there only in such a form, or before a later segment in such a form, must not answer "not in
     * the archive" (PostgreSQL would end recovery there, early); prune names them and deletes none of them (WAL retention
     * decides over the WAL it reads only: WalRetentionTest, PhysicalBackupIT); .partial and .history files are read as
     * what they are.
     */
    @Test
    void walInAFormThisBuildDoesNotKnowIsNamedNeverTakenForMissingAndNeverDeleted() throws Exception {
        for (int i = 1; i <= 3; i++) {
            Path f = ready(segment(i), i);
            assertThat(run("wal-push", "--job", "phys", "--ahead", "0", f.toString(), segment(i)).exit()).isZero();
        }
        Path partial = ready(segment(3) + ".partial", 7);
        Files.write(partial, FakeWal.segment(segment(3), 1 << 20, 7)); // what was written of segment 3 before a promotion
        assertThat(run("wal-push", "--job", "phys", "--ahead", "0", partial.toString(), segment(3) + ".partial").exit()).isZero();
        Path history = ready("00000002.history", 8);
        assertThat(run("wal-push", "--job", "phys", "--ahead", "0", history.toString(), "00000002.history").exit()).isZero();
        Path wal = dir.resolve("store/p/main/wal");
        Path logFolder = wal.resolve("0000000100000000");
        // segment 3 as a newer dbbackup might name it; segment 5 without a digest; foreign files
        Path three;
        try (Stream<Path> files = Files.list(logFolder)) {
            three = files.filter(p -> p.getFileName().toString().startsWith(segment(3) + "-")).findFirst().orElseThrow();
        }
        String threeNewer = three.getFileName().toString().replace(".zst", ".zst.v2");
        Files.move(three, logFolder.resolve(threeNewer));
        Files.write(logFolder.resolve(segment(5) + ".br"), new byte[100]);
        Files.writeString(wal.resolve("README.txt"), "not WAL\n");
        for (int i = 1; i <= 3; i++) {
            Files.delete(pgWal.resolve(segment(i)));
        }
        Path dest = dir.resolve("pgdata/pg_wal/RECOVERYXLOG");

        Cli.Result only = run("wal-fetch", "--job", "phys", "--stop-recovery-on-error", segment(3), "pg_wal/RECOVERYXLOG");
        assertThat(only.exit()).as(only.toString()).isEqualTo(255);
        assertThat(only.err()).contains(segment(3) + " is in the archive p/main/wal/ only in a form this dbbackup does not "
                + "know: p/main/wal/0000000100000000/" + threeNewer);
        assertThat(run("wal-fetch", "--job", "phys", segment(3), "pg_wal/RECOVERYXLOG").exit()).isEqualTo(3);
        Cli.Result before = run("wal-fetch", "--job", "phys", segment(4), "pg_wal/RECOVERYXLOG");
        assertThat(before.exit()).as(before.toString()).isEqualTo(3);
        assertThat(before.err()).contains(segment(4) + " is missing from the archive p/main/wal/ although p/main/wal/"
                + "0000000100000000/" + segment(5) + ".br (a later segment of the same timeline, in a form this dbbackup "
                + "does not know");
        assertThat(dest).doesNotExist();
        // past everything: the end of the archive, as before; the known files are read as they are
        assertThat(run("wal-fetch", "--job", "phys", segment(6), "pg_wal/RECOVERYXLOG").exit()).isEqualTo(1);
        assertThat(run("wal-fetch", "--job", "phys", "00000002.history", "pg_wal/RECOVERYXLOG").exit()).isZero();
        assertThat(Files.readAllBytes(dest)).isEqualTo(Files.readAllBytes(history));
        Files.delete(dest);

        // prune (no base backup yet: WAL retention keeps all it reads) names each object it cannot read, deletes none
        Cli.Result prune = run("prune", "phys");
        assertThat(prune.exit()).as(prune.toString()).isZero();
        assertThat(LoggedOnce.line(prune.err(), "is WAL file " + segment(3), "p/main/wal/0000000100000000/" + threeNewer))
                .contains("not read: an object that is WAL file " + segment(3)
                        + " in a form this dbbackup does not know (archived by a newer dbbackup?): WAL retention passes it by "
                        + "and prune never deletes it")
                .contains("job=phys key=p/main/wal/0000000100000000/" + threeNewer);
        assertThat(LoggedOnce.line(prune.err(), "is WAL file " + segment(5), "p/main/wal/0000000100000000/" + segment(5) + ".br"))
                .contains("not read: an object that is WAL file " + segment(5));
        assertThat(LoggedOnce.line(prune.err(), "is not a WAL file", "p/main/wal/README.txt"))
                .contains("not read: an object that is not a WAL file this dbbackup archives");
        assertThat(archived("p/main/wal")).hasSize(7)
                .contains("0000000100000000/" + threeNewer, "0000000100000000/" + segment(5) + ".br", "README.txt");
    }

    /**
     * A file whose first page is another segment's (or no WAL at all) is not archived under this name, and an archived
     * object whose content is another segment's, or another cluster's, never lands at the destination: PostgreSQL would
     * reject it only while replaying and take that for the end of the WAL, ending recovery early.
     */
    @Test
    void aFileThatIsNotTheSegmentItsNameSaysIsNeitherArchivedNorFetched() throws IOException {
        Path three = ready(segment(3), 3);
        Path wrong = dir.resolve("wrong");
        Files.copy(three, wrong);
        Cli.Result misnamed = run("wal-push", "--job", "phys", "--ahead", "0", wrong.toString(), segment(4));
        assertThat(misnamed.exit()).as(misnamed.toString()).isEqualTo(3);
        assertThat(misnamed.err()).contains("is not WAL file " + segment(4)).contains("its first page is WAL position 0/300000");
        Files.write(wrong, new byte[1 << 20]);
        Cli.Result zeros = run("wal-push", "--job", "phys", "--ahead", "0", wrong.toString(), segment(5));
        assertThat(zeros.exit()).as(zeros.toString()).isEqualTo(3);
        assertThat(zeros.err()).contains("does not start with a WAL segment header");
        assertThat(archived("p/main/wal")).isEmpty();

        for (int i = 2; i <= 3; i++) {
            assertThat(run("wal-push", "--job", "phys", "--ahead", "0", ready(segment(i), i).toString(), segment(i)).exit()).isZero();
        }
        // segment 3's object under segment 2's name: its bytes match the digest in the name, but it is not segment 2
        Path wal = dir.resolve("store/p/main/wal");
        String twoKey = archived("p/main/wal").stream().filter(k -> k.contains(segment(2))).findFirst().orElseThrow();
        String threeKey = archived("p/main/wal").stream().filter(k -> k.contains(segment(3))).findFirst().orElseThrow();
        Files.delete(wal.resolve(twoKey));
        Files.copy(wal.resolve(threeKey), wal.resolve(threeKey.replace(segment(3), segment(2))));
        Path dest = pgWal.resolve("RECOVERYXLOG");
        Cli.Result swapped = run("wal-fetch", "--job", "phys", segment(2), "pg_wal/RECOVERYXLOG");
        assertThat(swapped.exit()).as(swapped.toString()).isEqualTo(3);
        assertThat(swapped.err()).contains("is not WAL file " + segment(2)).contains("not written to");
        assertThat(run("wal-fetch", "--job", "phys", "--stop-recovery-on-error", segment(2), "pg_wal/RECOVERYXLOG").exit())
                .isEqualTo(255);
        assertThat(dest).doesNotExist();

        // a data directory of another database system: its recovery must not take this archive's segments
        assertThat(run("wal-fetch", "--job", "phys", segment(3), "pg_wal/RECOVERYXLOG").exit()).isZero();
        Files.delete(dest);
        Path global = Files.createDirectories(dir.resolve("pgdata/global"));
        Files.write(global.resolve("pg_control"), FakeWal.pgControl(FakeWal.SYSTEM + 1));
        Cli.Result foreign = run("wal-fetch", "--job", "phys", "--stop-recovery-on-error", segment(3), "pg_wal/RECOVERYXLOG");
        assertThat(foreign.exit()).as(foreign.toString()).isEqualTo(255);
        assertThat(foreign.err()).contains("written by database system " + FakeWal.SYSTEM)
                .contains("this data directory is database system " + (FakeWal.SYSTEM + 1));
        assertThat(dest).doesNotExist();
        Files.write(global.resolve("pg_control"), FakeWal.pgControl(FakeWal.SYSTEM));
        assertThat(run("wal-fetch", "--job", "phys", segment(3), "pg_wal/RECOVERYXLOG").exit()).isZero();
        try (Stream<Path> s = Files.list(pgWal)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
        }
    }

    @Test
    void encryptedArchivesNeedTheKeyToFetch() throws IOException {
        Path f = ready(segment(7), 7);
        Cli.Result push = run("wal-push", "--job", "secret", f.toString(), segment(7));
        assertThat(push.exit()).as(push.toString()).isZero();
        assertThat(archived("s/main/wal")).singleElement().asString().endsWith(".lz4.age");
        Cli noKey = new Cli().workingDir(dir);
        Files.writeString(dir.resolve("nokey.yaml"), Files.readString(dir.resolve("config.yaml"))
                .replace("encryption: {passphrase_env: WAL_PASS, scrypt_work_factor: 10}", "encryption: {recipients: "
                        + "[age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p]}"));
        Cli.Result denied = noKey.run("-c", "nokey.yaml", "wal-fetch", "--job", "secret", segment(7), "out");
        assertThat(denied.exit()).isEqualTo(1);
        assertThat(denied.err()).contains("is encrypted and no key to decrypt it was given");
        Cli.Result ok = noKey.env("P", "correct horse battery").run("-c", "nokey.yaml", "wal-fetch", "--job", "secret",
                "--passphrase-env", "P", segment(7), "out");
        assertThat(ok.exit()).as(ok.toString()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("out"))).isEqualTo(Files.readAllBytes(f));
        assertThat(ok.err()).doesNotContain("correct horse");
    }

    @Test
    void anArchiveCommandWithATimeoutStillTakesTheShortcutAndABadTimeoutIsRefused() throws IOException {
        ready(segment(1), 1);
        ready(segment(2), 2);
        ready(segment(3), 3);
        Cli.Result r = run("wal-push", "--job", "phys", "--timeout", "30s", "pg_wal/" + segment(1), segment(1));
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).contains("also_archived_ahead=2");
        String cfg = dir.resolve("config.yaml").toString();
        assertThat(shortcut("-c", cfg, "wal-push", "--job", "phys", "--timeout", "30s", "pg_wal/" + segment(2), segment(2))).isTrue();
        assertThat(shortcut("-c", cfg, "wal-push", "--timeout=2m", "--job", "phys", "pg_wal/" + segment(3), segment(3))).isTrue();
        Cli.Result bad = run("wal-push", "--job", "phys", "--timeout", "soon", "pg_wal/" + segment(1), segment(1));
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("--timeout: expected a duration such as 120s or 5m, 0 = no limit (units ms, s, m, h, d, in lower case), "
                + "got 'soon'");
        Cli.Result none = run("wal-push", "--job", "phys", "--timeout", "0", "pg_wal/" + segment(1), segment(1));
        assertThat(none.exit()).as(none.toString()).isZero();
        assertThat(none.err()).contains("wal already archived with identical content");
    }

    @Test
    void argumentsAreCheckedBeforeAnythingIsWritten() {
        Cli.Result logical = run("wal-push", "--job", "dump", "x", segment(1));
        assertThat(logical.exit()).isEqualTo(1);
        assertThat(logical.err()).contains("WAL archiving needs a physical job");
        Cli.Result name = run("wal-fetch", "--job", "phys", "RECOVERYHISTORY", "x");
        assertThat(name.exit()).isEqualTo(1);
        assertThat(name.err()).contains("is not a WAL file name");
        Cli.Result missing = run("wal-push", "--job", "phys", "pg_wal/" + segment(5), segment(5));
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("no such file");
        Cli.Result target = run("restore", "phys", "--target", "latest");
        assertThat(target.exit()).isEqualTo(1);
        assertThat(target.err()).contains("add --pgdata DIR");
        Cli.Result logicalPgdata = run("restore", "dump", "--pgdata", dir.resolve("x").toString());
        assertThat(logicalPgdata.exit()).isEqualTo(1);
        assertThat(logicalPgdata.err()).contains("--pgdata restores physical base backups");
        Cli.Result two = run("restore", "phys", "--pgdata", "x", "--target", "latest", "--target-lsn", "0/1");
        assertThat(two.exit()).isEqualTo(1);
        Cli.Result badMode = run("restore", "phys", "--pgdata", dir.resolve("x").toString(), "--archive-mode", "maybe");
        assertThat(badMode.exit()).isEqualTo(1);
        assertThat(badMode.err().strip()).isEqualTo("error: --archive-mode 'maybe' is not off or preserve (nothing was written)");
        Cli.Result modeWithoutPgdata = run("restore", "phys", "--archive-mode", "off");
        assertThat(modeWithoutPgdata.exit()).isEqualTo(1);
        assertThat(modeWithoutPgdata.err()).contains("--archive-mode").contains("add --pgdata DIR");
        Cli.Result noPgdata = run("restore", "phys");
        assertThat(noPgdata.exit()).isEqualTo(1);
        assertThat(noPgdata.err()).contains("restore one into a data directory with --pgdata DIR");
        assertThat(dir.resolve("x")).doesNotExist();
        assertThat(dir.resolve("store")).doesNotExist();
    }

    @Test
    void targetTimesNeedAnOffset() {
        assertThat(RecoveryTargets.parseTime("2026-03-10T14:30:00Z")).isEqualTo("2026-03-10T14:30:00Z");
        assertThat(RecoveryTargets.parseTime("2026-03-10 15:30:00+01:00").toString()).isEqualTo("2026-03-10T14:30:00Z");
        assertThat(RecoveryTargets.parseTime("2026-03-10 14:30:00.25+00").toString()).isEqualTo("2026-03-10T14:30:00.250Z");
        assertThat(RecoveryTargets.parseTime("2026-03-10 14:30:00 UTC").toString()).isEqualTo("2026-03-10T14:30:00Z");
        assertThatThrownBy(() -> RecoveryTargets.parseTime("2026-03-10 14:30:00")).hasMessageContaining("zone offset");
        assertThatThrownBy(() -> RecoveryTargets.of(null, "0-1", null)).hasMessageContaining("not a WAL position");
        assertThatThrownBy(() -> RecoveryTargets.of(null, null, "immediate")).hasMessageContaining("not supported");
        assertThat(RecoveryTargets.of(null, null, null)).isNull();
        assertThat(RecoveryTargets.of(null, null, "latest").isLatest()).isTrue();
        assertThat(RecoveryTargets.of(null, null, null, null)).isNull();
        assertThat(RecoveryTargets.of("2026-03-10T14:30:00Z", null, null, "Current").timeline()).isEqualTo("current");
        assertThat(RecoveryTargets.of(null, null, "latest", "3").toString()).isEqualTo("latest on timeline 3");
        assertThat(RecoveryTargets.of(null, "0/1", null, null).followsNewestTimeline()).isTrue();
        assertThatThrownBy(() -> RecoveryTargets.of(null, null, null, "current")).hasMessageContaining("add --target-time");
        assertThatThrownBy(() -> RecoveryTargets.of(null, null, "latest", "0")).hasMessageContaining("not latest, current or a timeline number");
        assertThat(io.dbbackup.core.ShellWords.join(List.of("/usr/bin/java", "-jar", "/opt/it's here/x.jar", "%f")))
                .isEqualTo("/usr/bin/java -jar '/opt/it'\\''s here/x.jar' %f");
    }

    /**
     * The restore_command a point-in-time restore writes, run as PostgreSQL runs it (%f, %p and %% replaced, then
     * /bin/sh -c in the data directory), with a real JVM: only "not in the archive" may exit 1..125, the status
     * PostgreSQL takes for the end of the archive (it then promotes). A dbbackup that cannot start — the jar moved by an
     * upgrade, a heap the JVM cannot have — exits 1 by itself and must stop recovery (above 125) instead.
     */
    @Test
    void theRestoreCommandStopsRecoveryWhenDbbackupCannotEvenStart() throws IOException {
        for (int i = 1; i <= 3; i++) {
            assertThat(run("wal-push", "--job", "phys", "--ahead", "0", ready(segment(i), i).toString(), segment(i)).exit()).isZero();
            Files.delete(pgWal.resolve(segment(i)));
        }
        Path config = dir.resolve("config.yaml");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path dest = pgWal.resolve("RECOVERYXLOG");

        Shell.Result noJar = restoreCommand(io.dbbackup.job.RestoreCommand.of(
                io.dbbackup.core.ShellWords.join(List.of(javaBin, "-jar", "/nope/50%full/dbbackup.jar")), config,
                "phys", List.of()), segment(2));
        assertThat(noJar.exit()).as(noJar.toString()).isEqualTo(255);
        assertThat(noJar.output()).contains("Unable to access jarfile /nope/50%full/dbbackup.jar");
        // a --dbbackup-command that execs its program (as launcher scripts do) must not skip the case
        Shell.Result execNoJar = restoreCommand(io.dbbackup.job.RestoreCommand.of(
                "exec " + io.dbbackup.core.ShellWords.join(List.of(javaBin, "-jar", "/nope/dbbackup.jar")), config,
                "phys", List.of()), segment(2));
        assertThat(execNoJar.exit()).as(execNoJar.toString()).isEqualTo(255);
        Shell.Result noHeap = restoreCommand(io.dbbackup.job.RestoreCommand.of(
                io.dbbackup.core.ShellWords.join(List.of(javaBin, "-Xmx1k", "-cp", System.getProperty("java.class.path"), Main.class.getName())),
                config, "phys", List.of()), segment(2));
        assertThat(noHeap.exit()).as(noHeap.toString()).isEqualTo(255);

        String real = io.dbbackup.job.RestoreCommand.of(SelfCommand.current(), config, "phys", List.of());
        Shell.Result fetched = restoreCommand(real, segment(2));
        assertThat(fetched.exit()).as(fetched.toString()).isZero();
        assertThat(dest).exists();
        Files.delete(dest);
        Shell.Result end = restoreCommand(real, segment(4));
        assertThat(end.exit()).as(end.toString()).isEqualTo(1);
        assertThat(end.output()).contains("is not in the archive");
        Path two = dir.resolve("store/p/main/wal").resolve(archived("p/main/wal").stream()
                .filter(k -> k.contains(segment(2))).findFirst().orElseThrow());
        byte[] stored = Files.readAllBytes(two);
        Files.write(two, java.util.Arrays.copyOf(stored, stored.length / 2));
        Shell.Result corrupt = restoreCommand(real, segment(2));
        assertThat(corrupt.exit()).as(corrupt.toString()).isEqualTo(255);
        assertThat(corrupt.output()).contains("is corrupt");
        assertThat(dest).doesNotExist();
    }

    /**
     * An Error nobody caught — here WalArchive's class data is damaged, as a jar overwritten during an upgrade leaves
     * it — left main() and exited 1, the JVM's status for an uncaught exception: "not archived" to PostgreSQL, even with
     * --stop-recovery-on-error. Now it stops recovery (255), and without the flag it is the internal error it is (2).
     */
    @Test
    void anErrorNobodyCaughtStopsRecoveryAndIsNoUserError() throws IOException {
        Path broken = Files.createDirectories(dir.resolve("broken/io/dbbackup/job"));
        Files.writeString(broken.resolve("WalArchive.class"), "not a class");
        List<String> walFetch = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                dir.resolve("broken") + java.io.File.pathSeparator + System.getProperty("java.class.path"), Main.class.getName(),
                "-c", dir.resolve("config.yaml").toString(), "wal-fetch", "--job", "phys");
        Shell.Result stop = Shell.run(dir.resolve("pgdata"), Stream.concat(walFetch.stream(),
                Stream.of("--stop-recovery-on-error", segment(1), "pg_wal/RECOVERYXLOG")).toArray(String[]::new));
        assertThat(stop.exit()).as(stop.toString()).isEqualTo(255);
        assertThat(stop.output()).contains("ClassFormatError").contains("PostgreSQL stops recovery here");
        Shell.Result plain = Shell.run(dir.resolve("pgdata"), Stream.concat(walFetch.stream(),
                Stream.of(segment(1), "pg_wal/RECOVERYXLOG")).toArray(String[]::new));
        assertThat(plain.exit()).as(plain.toString()).isEqualTo(2);
        assertThat(plain.output()).contains("error: internal error: ClassFormatError");
    }

    /**
     * --not-archived-exit: what "not in the archive" exits (the restore_command restore writes maps it back to 1);
     * a code PostgreSQL would not read as "not archived", or one of dbbackup's own, is refused before anything is fetched.
     */
    @Test
    void notInTheArchiveExitsTheCodeAskedFor() throws IOException {
        Path f = ready(segment(1), 1);
        assertThat(run("wal-push", "--job", "phys", "--ahead", "0", f.toString(), segment(1)).exit()).isZero();
        Cli.Result end = run("wal-fetch", "--job", "phys", "--stop-recovery-on-error", "--not-archived-exit", "99", segment(5),
                "pg_wal/RECOVERYXLOG");
        assertThat(end.exit()).as(end.toString()).isEqualTo(99);
        assertThat(end.err()).contains("is not in the archive").doesNotContain("error");
        Cli.Result json = cli.run("--log-format", "json", "-c", dir.resolve("config.yaml").toString(), "wal-fetch", "--job", "phys",
                "--not-archived-exit", "99", segment(5), "pg_wal/RECOVERYXLOG");
        assertThat(json.exit()).isEqualTo(99);
        assertThat(json.err()).contains("\"level\":\"info\"").contains("\"exit\":99");
        Cli.Result fetched = run("wal-fetch", "--job", "phys", "--not-archived-exit", "99", segment(1), "pg_wal/RECOVERYXLOG");
        assertThat(fetched.exit()).as(fetched.toString()).isZero();
        for (String code : List.of("0", "2", "3", "4", "126", "255", "x")) {
            Cli.Result stop = run("wal-fetch", "--job", "phys", "--stop-recovery-on-error", "--not-archived-exit", code, segment(5),
                    "pg_wal/RECOVERYXLOG");
            assertThat(stop.exit()).as(code + "\n" + stop).isEqualTo(255);
            assertThat(stop.err()).contains("--not-archived-exit").contains("PostgreSQL stops recovery here");
            assertThat(run("wal-fetch", "--job", "phys", "--not-archived-exit", code, segment(5), "pg_wal/RECOVERYXLOG").exit())
                    .as(code).isEqualTo(1);
        }
        assertThat(run("wal-fetch", "--job", "phys", "--not-archived-exit", "3", segment(5), "pg_wal/RECOVERYXLOG").err())
                .contains("--not-archived-exit 3 is not 1 to 125, or is one of dbbackup's own exit codes 2, 3, 4");
    }

    /** {@code command} as PostgreSQL runs a restore_command for {@code name}: placeholders replaced, {@code /bin/sh -c}. */
    private Shell.Result restoreCommand(String command, String name) {
        StringBuilder sh = new StringBuilder();
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if (c == '%' && i + 1 < command.length()) {
                char n = command.charAt(++i);
                sh.append(n == 'f' ? name : n == 'p' ? "pg_wal/RECOVERYXLOG" : n == '%' ? "%" : "%" + n);
            } else {
                sh.append(c);
            }
        }
        return Shell.run(dir.resolve("pgdata"), "/bin/sh", "-c", sh.toString());
    }

    /**
     * A restore_command whose arguments are wrong (no %p, an option this version does not know, one too many) used to
     * exit 1, "not archived", for every file: PostgreSQL ends recovery at once and promotes. With
     * --stop-recovery-on-error it stops recovery instead; without the flag it stays a usage error (exit 1).
     */
    @Test
    void argumentErrorsOfAWalFetchThatStopsRecoveryStopIt() {
        String s = segment(1);
        List<String[]> wrong = List.of(
                new String[] {"wal-fetch", "--job", "phys", "--stop-recovery-on-error", s},
                new String[] {"wal-fetch", "--stop-recovery-on-error", s, "pg_wal/RECOVERYXLOG"},
                new String[] {"wal-fetch", "--job", "phys", "--stop-recovery-on-error", "--no-such-option", s, "pg_wal/RECOVERYXLOG"},
                new String[] {"wal-fetch", "--job", "phys", "--stop-recovery-on-error", s, "pg_wal/RECOVERYXLOG", "extra"},
                new String[] {"wal-fetch", "--job", "phys", "--stop-recovery-on-error=true", s});
        for (String[] args : wrong) {
            Cli.Result r = run(args);
            assertThat(r.exit()).as(String.join(" ", args) + "\n" + r).isEqualTo(255);
            assertThat(r.err()).contains("PostgreSQL stops recovery here");
        }
        Cli.Result global = cli.run("--log-format", "yaml", "-c", dir.resolve("config.yaml").toString(), "wal-fetch", "--job",
                "phys", "--stop-recovery-on-error", s, "pg_wal/RECOVERYXLOG");
        assertThat(global.exit()).as("a bad option before wal-fetch\n" + global).isEqualTo(255);
        assertThat(run("wal-fetch", "--job", "phys", s).exit()).as("without the flag: a usage error").isEqualTo(1);
        assertThat(run("wal-fetch", "--job", "phys", "--stop-recovery-on-error=false", s).exit()).isEqualTo(1);
        // a config error and an unknown job already stopped it (through call())
        assertThat(run("wal-fetch", "--job", "nope", "--stop-recovery-on-error", s, "pg_wal/RECOVERYXLOG").exit()).isEqualTo(255);
        assertThat(cli.run("-c", dir.resolve("missing.yaml").toString(), "wal-fetch", "--job", "phys",
                "--stop-recovery-on-error", s, "pg_wal/RECOVERYXLOG").exit()).isEqualTo(255);
    }

    /** prune's WAL row counts one archived file in the singular ("1 archived file", not "1 archived files"). */
    @Test
    void pruneCountsOneArchivedFileInTheSingular() throws IOException {
        Path f = ready(segment(1), 1);
        assertThat(run("wal-push", "--job", "phys", "--ahead", "0", f.toString(), segment(1)).exit()).isZero();
        Cli.Result one = run("prune", "phys", "--dry-run");
        assertThat(one.exit()).as(one.toString()).isZero();
        assertThat(one.out()).contains("  wal: keep all 1 archived file (no base backup kept)\n");
        Path g = ready(segment(2), 2);
        assertThat(run("wal-push", "--job", "phys", "--ahead", "0", g.toString(), segment(2)).exit()).isZero();
        assertThat(run("prune", "phys", "--dry-run").out()).contains("  wal: keep all 2 archived files (no base backup kept)\n");
    }
}
