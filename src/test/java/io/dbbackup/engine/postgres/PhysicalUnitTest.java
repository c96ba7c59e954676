package io.dbbackup.engine.postgres;

import io.dbbackup.config.ConfigException;
import io.dbbackup.core.ArchiveMode;
import io.dbbackup.core.DumpFormat;
import io.dbbackup.core.Lsn;
import io.dbbackup.core.RecoveryTarget;
import io.dbbackup.core.Log;
import io.dbbackup.spi.Cancellation;
import io.dbbackup.spi.DirectoryRestore;
import io.dbbackup.spi.Engine;
import io.dbbackup.spi.OperationContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The physical engine's pure parts: tar reading/extraction/watching, backup facts, recovery settings, config. */
class PhysicalUnitTest {
    static final String LABEL = """
            START WAL LOCATION: 0/2000028 (file 000000010000000000000002)
            CHECKPOINT LOCATION: 0/2000060
            BACKUP METHOD: streamed
            BACKUP FROM: primary
            START TIME: 2026-11-30 02:54:21 UTC
            LABEL: pg_basebackup base backup
            START TIMELINE: 1
            """;
    static final String MANIFEST_TAIL = """
            { "Path": "global/pg_control", "Size": 8192, "Last-Modified": "2026-11-30 02:54:21 GMT", "Checksum-Algorithm": "CRC32C", "Checksum": "43872087" }
            ],
            "WAL-Ranges": [
            { "Timeline": 1, "Start-LSN": "0/2000028", "End-LSN": "0/2000100" }
            ],
            "Manifest-Checksum": "5539a5b8f7d5bf4328adb6a289074f855ec4eec70c2f1e99af577b49f524939d"}
            """;

    @TempDir
    Path dir;

    /** A tar as pg_basebackup writes it: ustar headers, './'-prefixed folder names, two zero blocks at the end. */
    static final class TarBuilder {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        TarBuilder dir(String name) {
            header(name, '5', 0, "");
            return this;
        }

        TarBuilder file(String name, byte[] content) {
            header(name, '0', content.length, "");
            out.writeBytes(content);
            out.writeBytes(new byte[(512 - content.length % 512) % 512]);
            return this;
        }

        TarBuilder link(String name, String target) {
            header(name, '2', 0, target);
            return this;
        }

        byte[] end() {
            out.writeBytes(new byte[1024]);
            return out.toByteArray();
        }

        private void header(String name, char type, long size, String link) {
            out.writeBytes(TarHeader.build(name, type, size, link, 0));
        }
    }

    /** The backup_manifest of {@link #baseBackup}. */
    static final byte[] MANIFEST = ("{ \"PostgreSQL-Backup-Manifest-Version\": 1,\n\"Files\": [\n" + "x".repeat(40_000)
            + MANIFEST_TAIL).getBytes(StandardCharsets.UTF_8);

    /** A base backup as pg_basebackup streams it, with {@code big} as base/1/1259. */
    static byte[] baseBackup(byte[] big) {
        return new TarBuilder().dir("./").dir("./global").file("PG_VERSION", "15\n".getBytes())
                .file("global/pg_control", new byte[8192]).file("backup_label", LABEL.getBytes())
                .file("base/1/1259", big).dir("./pg_wal/archive_status").file("pg_wal/000000010000000000000002", new byte[1000])
                .file("backup_manifest", MANIFEST).end();
    }

    private static PhysicalEngine engine(FileSyncer.Flush flush) {
        PostgresSettings conn = new PostgresSettings("127.0.0.1", 5432, "postgres", null, "main", null, null, null, null,
                DumpFormat.TAR, null, null, null, DumpOptions.NONE);
        PhysicalEngine e = new PhysicalEngine(new PhysicalSettings(conn, "main", true, null, true),
                new ClientLocator(Path.of("/nonexistent"), null, null));
        e.flush = flush;
        return e;
    }

    private OperationContext context() {
        return new OperationContext(new Cancellation(), Log.get(), dir.resolve("scratch"));
    }

    @Test
    void aRestoreFlushesEveryFileToDiskAndThenEveryFolderDeepestFirst() throws IOException {
        List<String> flushed = Collections.synchronizedList(new ArrayList<>());
        FileSyncer.Flush recording = (path, folder) -> {
            FileSyncer.FSYNC.flush(path, folder);
            flushed.add((folder ? "D " : "F ") + dir.relativize(path));
        };
        Path target = dir.resolve("restored/data");
        Files.createDirectories(target);
        engine(recording).restoreFiles(new ByteArrayInputStream(baseBackup(new byte[70_000])), DumpFormat.TAR,
                new DirectoryRestore(target, RecoveryTarget.at(Lsn.parse("0/3000000").orElseThrow()), "dbbackup wal-fetch"), context());

        List<String> written;
        try (var walk = Files.walk(target)) {
            written = walk.map(p -> (Files.isDirectory(p) ? "D " : "F ") + dir.relativize(p)).sorted().toList();
        }
        assertThat(written).contains("F restored/data/" + RecoveryConfig.SIGNAL, "F restored/data/" + RecoveryConfig.AUTO_CONF,
                "D restored/data/base/1", "F restored/data/base/1/1259");
        assertThat(flushed).as("every file and folder restored, and the folder holding the data directory")
                .containsExactlyInAnyOrderElementsOf(concat(written, List.of("D restored")));
        int lastFile = 0;
        for (int i = 0; i < flushed.size(); i++) {
            if (flushed.get(i).startsWith("F ")) {
                lastFile = i;
            }
        }
        List<String> folders = flushed.subList(lastFile + 1, flushed.size());
        assertThat(folders).as("folders come after the last file, deepest first").allMatch(f -> f.startsWith("D "))
                .hasSize((int) written.stream().filter(w -> w.startsWith("D ")).count() + 1);
        assertThat(folders.stream().map(f -> f.split("/").length).toList()).isSortedAccordingTo(Comparator.reverseOrder());
    }

    /** A large file is handed to the flushing threads every 64 MiB while it is written, and once more after its last byte. */
    @Test
    void aLargeFileIsFlushedAsItIsWrittenNotOnlyAtItsEnd() throws IOException {
        List<String> flushed = Collections.synchronizedList(new ArrayList<>());
        FileSyncer.Flush recording = (path, folder) -> {
            FileSyncer.FSYNC.flush(path, folder);
            flushed.add((folder ? "D " : "F ") + dir.relativize(path));
        };
        long size = 2 * TarExtractor.EARLY + 12_345;
        InputStream tar = new java.io.SequenceInputStream(java.util.Collections.enumeration(List.of(
                new ByteArrayInputStream(TarHeader.build("base/1/16384", '0', size, "", 0)),
                zeros(size + (512 - size % 512) % 512),
                new ByteArrayInputStream(TarHeader.build("PG_VERSION", '0', 3, "", 0)),
                new ByteArrayInputStream(java.util.Arrays.copyOf("15\n".getBytes(StandardCharsets.UTF_8), 512)),
                new ByteArrayInputStream(new byte[1024]))));
        Path target = Files.createDirectories(dir.resolve("big"));
        try (FileSyncer sync = new FileSyncer("t", recording)) {
            TarExtractor.extract(tar, target, sync);
            sync.finish();
        }
        List<String> big = flushed.stream().filter(f -> f.startsWith("F big/base/1/16384")).toList();
        // at 64 MiB and 128 MiB written, then after the last byte (when the pages were written back is the kernel's affair)
        assertThat(big).as(flushed.toString()).hasSize(3);
        assertThat(Files.size(target.resolve("base/1/16384"))).isEqualTo(size);
        assertThat(flushed.stream().filter(f -> f.startsWith("F big/PG_VERSION"))).hasSize(1);
    }

    private static InputStream zeros(long n) {
        return new InputStream() {
            long left = n;

            @Override
            public int read() {
                return left-- > 0 ? 0 : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int k = (int) Math.min(len, left);
                java.util.Arrays.fill(b, off, off + k, (byte) 0);
                left -= k;
                return k;
            }
        };
    }

    @Test
    void aFileTheDiskCannotFlushFailsTheRestore() throws IOException {
        assertThatThrownBy(() -> restoreThrough((path, folder) -> {
            if (path.endsWith("base/1/1259")) {
                throw new IOException("Input/output error");
            }
        }, "data")).isInstanceOf(IOException.class).hasMessageContaining("cannot flush a restored file to disk: Input/output error");
        assertThatThrownBy(() -> restoreThrough((path, folder) -> {
            if (path.endsWith("PG_VERSION")) {
                throw new IllegalStateException("not a regular file system");
            }
        }, "odd")).as("any failure to flush fails the restore, not only an IOException")
                .isInstanceOf(IOException.class).hasMessageContaining("not a regular file system");
        assertThatThrownBy(() -> restoreThrough((path, folder) -> {
            if (folder) {
                throw new IOException("Input/output error");
            }
        }, "other")).as("a folder the injected disk cannot flush fails too (the real flush skips only file systems without directory fsync)")
                .isInstanceOf(IOException.class);
    }

    /** A plain restore of the test base backup into a new folder {@code name}, flushing through {@code flush}. */
    private void restoreThrough(FileSyncer.Flush flush, String name) throws IOException {
        Path target = Files.createDirectories(dir.resolve(name));
        engine(flush).restoreFiles(new ByteArrayInputStream(baseBackup(new byte[70_000])), DumpFormat.TAR,
                DirectoryRestore.plain(target), context());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    @Test
    void extractionWritesAPrivateDataDirectoryAndReadsToTheEnd() throws IOException {
        byte[] big = new byte[3_000_001];
        new Random(1).nextBytes(big);
        byte[] tar = baseBackup(big);
        byte[] withTrailer = new byte[tar.length + 4096];
        System.arraycopy(tar, 0, withTrailer, 0, tar.length);
        ByteArrayInputStream in = new ByteArrayInputStream(withTrailer);
        Path target = Files.createDirectories(dir.resolve("data"));
        TarExtractor.Result r = TarExtractor.extract(in, target);
        assertThat(r.files()).isEqualTo(6);
        assertThat(in.available()).as("read to the very end").isZero();
        assertThat(Files.readAllBytes(target.resolve("base/1/1259"))).isEqualTo(big);
        assertThat(Files.readString(target.resolve("backup_label"))).isEqualTo(LABEL);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("base/1/1259")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("pg_wal/archive_status"))))
                .isEqualTo("rwx------");
    }

    /** The day the restore's disk fills up: the error names the file being written, not only "No space left on device". */
    @Test
    void aFullDiskIsSaidWithTheFileBeingWritten() throws IOException {
        byte[] tar = baseBackup(new byte[100_000]);
        Path target = Files.createDirectories(dir.resolve("full"));
        Files.createDirectories(target.resolve("base/1"));
        Files.createSymbolicLink(target.resolve("base/1/1259"), Path.of("/dev/full")); // every write there: ENOSPC
        assertThatThrownBy(() -> TarExtractor.extract(new ByteArrayInputStream(tar), target))
                .hasMessage("cannot write " + target.resolve("base/1/1259") + ": No space left on device");
        Path blocked = Files.createDirectories(dir.resolve("blocked"));
        Files.writeString(blocked.resolve("base"), "a file where the backup has a folder");
        assertThatThrownBy(() -> TarExtractor.extract(new ByteArrayInputStream(tar), blocked))
                .hasMessageStartingWith("cannot create folder " + blocked.resolve("base"));
    }

    /**
     * After the end-of-archive block only zeros may come: tar pads an archive to its record size (10240 bytes), and they
     * are read and accepted. Data after it (something appended, a second archive after the first) means the stream is not
     * the archive that was backed up: an integrity failure (exit 3), read to its end all the same (the checksum beneath
     * is checked there). It was read and dropped, and the restore reported as done with the rest not restored.
     */
    @Test
    void onlyZerosMayFollowTheEndOfTheArchive() throws IOException {
        byte[] tar = baseBackup(new byte[100_000]);
        int records = (tar.length + 10239) / 10240 + 1;
        ByteArrayInputStream padded = new ByteArrayInputStream(java.util.Arrays.copyOf(tar, records * 10240));
        assertThat(TarExtractor.extract(padded, Files.createDirectories(dir.resolve("padded"))).files()).isEqualTo(6);
        assertThat(padded.available()).as("read to the very end").isZero();

        byte[] appended = java.util.Arrays.copyOf(tar, tar.length + 4096);
        System.arraycopy("appended".getBytes(StandardCharsets.UTF_8), 0, appended, tar.length + 700, 8);
        ByteArrayInputStream garbage = new ByteArrayInputStream(appended);
        assertThatThrownBy(() -> TarExtractor.extract(garbage, Files.createDirectories(dir.resolve("garbage"))))
                .isInstanceOf(io.dbbackup.codec.IntegrityException.class)
                .hasMessage("the tar stream goes on after its end-of-archive block, which ends at byte " + (tar.length - 512)
                        + ": 4608 more bytes, not all zeros (the first non-zero one at byte " + (tar.length + 700) + "), so it "
                        + "is not the archive that was backed up and its rest would not be restored");
        assertThat(garbage.available()).as("read to the very end").isZero();

        byte[] two = java.util.Arrays.copyOf(tar, tar.length * 2);
        System.arraycopy(tar, 0, two, tar.length, tar.length);
        assertThatThrownBy(() -> TarExtractor.extract(new ByteArrayInputStream(two), Files.createDirectories(dir.resolve("two"))))
                .isInstanceOf(io.dbbackup.codec.IntegrityException.class)
                .hasMessageContaining("(the first non-zero one at byte " + tar.length + ")");
    }

    /**
     * A stream that ends (cleanly: the checking stream beneath returned its end, the checksum held) before the tar's
     * end-of-archive block is an archive cut short — what a writer that lost its end stores, with a sidecar to match: an
     * integrity failure (exit 3) naming where it was cut, inside which entry and how many of its bytes are there. It was
     * an EOFException, which the restore and verify --deep said as a system failure (exit 2), to be retried in vain.
     */
    @Test
    void aCutArchiveIsAnIntegrityFailureNamingTheEntryAndItsBytes() throws IOException {
        byte[] tar = baseBackup(new byte[100_000]);
        int big = indexOf(tar, "base/1/1259") + 512; // the entry's first data byte
        String end = ", before its end-of-archive block (the archive is incomplete)";
        Map<Integer, String> cuts = new java.util.LinkedHashMap<>();
        cuts.put(big + 40_000, "the tar archive is cut short at byte " + (big + 40_000) + ", inside entry 'base/1/1259' "
                + "(40000 of its 100000 bytes there)" + end);
        cuts.put(big + 100_000 + 100, "the tar archive is cut short at byte " + (big + 100_100) + ", in the padding after "
                + "entry 'base/1/1259' (all of its 100000 bytes there)" + end);
        cuts.put(big + 100_352 + 200, "the tar archive is cut short at byte " + (big + 100_552) + ", inside the tar header "
                + "after entry 'base/1/1259' (200 of its 512 bytes there)" + end);
        cuts.put(tar.length - 1024, "the tar archive is cut short at byte " + (tar.length - 1024) + ", after entry "
                + "'backup_manifest' (all of its " + MANIFEST.length + " bytes there)" + end);
        cuts.put(0, "the tar archive is cut short at byte 0, before the first entry" + end);
        for (Map.Entry<Integer, String> cut : cuts.entrySet()) {
            Path target = Files.createDirectories(dir.resolve("cut-" + cut.getKey()));
            byte[] part = java.util.Arrays.copyOf(tar, cut.getKey());
            assertThatThrownBy(() -> TarExtractor.extract(new ByteArrayInputStream(part), target)).as("cut at " + cut.getKey())
                    .isInstanceOf(io.dbbackup.codec.IntegrityException.class).hasMessage(cut.getValue());
        }
        ByteArrayOutputStream longName = new ByteArrayOutputStream(); // a GNU long name: its own data block, cut in it
        longName.writeBytes(TarHeader.build("././@LongLink", 'L', 203, "", 0));
        longName.writeBytes(java.util.Arrays.copyOf(("a/" + "n".repeat(200)).getBytes(StandardCharsets.UTF_8), 512));
        int inLong = 512 + 50;
        assertThatThrownBy(() -> TarExtractor.extract(new ByteArrayInputStream(java.util.Arrays.copyOf(longName.toByteArray(), inLong)),
                Files.createDirectories(dir.resolve("long"))))
                .isInstanceOf(io.dbbackup.codec.IntegrityException.class)
                .hasMessage("the tar archive is cut short at byte " + inLong + ", inside the extended tar header before the "
                        + "first entry (50 of its 512 bytes there)" + end);
    }

    /**
     * Guard: a read of the stream that fails (a download cut by the network, which the store's stream says as an
     * IOException of its own) passes unchanged — a store failure the job retries, not a finding about the archive.
     */
    @Test
    void aFailingReadIsNotTakenForACutArchive() throws IOException {
        byte[] tar = baseBackup(new byte[100_000]);
        IOException dropped = new IOException("Connection reset");
        InputStream failing = new java.io.SequenceInputStream(new ByteArrayInputStream(tar, 0, tar.length / 2), new InputStream() {
            @Override
            public int read() throws IOException {
                throw dropped;
            }
        });
        assertThatThrownBy(() -> TarExtractor.extract(failing, Files.createDirectories(dir.resolve("dropped")))).isSameAs(dropped);
    }

    /** Where {@code what} first occurs in {@code in}. */
    static int indexOf(byte[] in, String what) {
        byte[] w = what.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i + w.length <= in.length; i++) {
            for (int j = 0; j < w.length; j++) {
                if (in[i + j] != w[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError(what + " not found");
    }

    @Test
    void unsafeNamesLinksTruncationAndGarbageAreRefused() {
        for (String bad : new String[] {"../evil", "/etc/passwd", "a/../../b", "a//b"}) {
            byte[] tar = new TarBuilder().file(bad, "x".getBytes()).end();
            assertThatThrownBy(() -> TarExtractor.extract(new ByteArrayInputStream(tar), dir)).as(bad)
                    .hasMessageContaining("unsafe path");
        }
        byte[] link = new TarBuilder().link("pg_tblspc/16384", "/elsewhere").end();
        assertThatThrownBy(() -> TarExtractor.extract(new ByteArrayInputStream(link), dir)).hasMessageContaining("a link or device");
        byte[] garbage = "this is not a tar archive".repeat(100).getBytes();
        assertThatThrownBy(() -> TarExtractor.extract(new ByteArrayInputStream(garbage), dir)).hasMessageContaining("not a tar stream");
    }

    @Test
    void theWatcherFindsLabelAndManifestWhateverTheChunking() throws IOException {
        byte[] tar = baseBackup(new byte[700_000]);
        Random random = new Random(7);
        for (int run = 0; run < 20; run++) {
            ByteArrayOutputStream copy = new ByteArrayOutputStream();
            TarWatcher w = new TarWatcher(copy);
            int off = 0;
            while (off < tar.length) {
                int n = Math.min(tar.length - off, run == 0 ? 1 : 1 + random.nextInt(run * 3000));
                w.write(tar, off, n);
                off += n;
            }
            assertThat(copy.toByteArray()).isEqualTo(tar);
            assertThat(w.sawEnd()).isTrue();
            assertThat(w.backupLabel()).contains(LABEL);
            assertThat(w.manifestTail().orElseThrow()).endsWith(MANIFEST_TAIL).hasSizeLessThanOrEqualTo(1 << 14);
            assertThat(w.entries()).isEqualTo(9);
        }
    }

    /** A sink that reads for itself, in reads of its own sizes, as the pipeline's chunks do. */
    private static final class ReadingCopy extends ByteArrayOutputStream implements io.dbbackup.spi.ReadingSink {
        private final Random random = new Random(11);
        int reads;

        @Override
        public long readFrom(java.io.InputStream in) throws IOException {
            long total = 0;
            byte[] buf = new byte[5000];
            int n;
            while ((n = in.read(buf, 0, 1 + random.nextInt(buf.length))) >= 0) {
                write(buf, 0, n);
                total += n;
                reads++;
            }
            return total;
        }
    }

    @Test
    void theWatcherSeesWhatASinkBelowReadsForItself() throws IOException {
        byte[] tar = baseBackup(new byte[300_000]);
        ReadingCopy below = new ReadingCopy();
        TarWatcher w = new TarWatcher(below);
        // the source hands out odd-sized pieces, as a pipe from pg_basebackup does
        java.io.InputStream source = new java.io.ByteArrayInputStream(tar) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1 + (int) ((pos * 7919L) % 3001)));
            }
        };
        assertThat(w.readFrom(source)).isEqualTo(tar.length);
        w.flush();
        assertThat(below.reads).as("read by the sink below, not written to it by the watcher").isGreaterThan(60);
        assertThat(below.toByteArray()).isEqualTo(tar);
        assertThat(w.sawEnd()).isTrue();
        assertThat(w.backupLabel()).contains(LABEL);
        assertThat(w.manifestTail().orElseThrow()).endsWith(MANIFEST_TAIL);
        assertThat(w.entries()).isEqualTo(9);
        // over a plain sink it copies, and watches the same
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        TarWatcher p = new TarWatcher(plain);
        assertThat(p.readFrom(new java.io.ByteArrayInputStream(tar))).isEqualTo(tar.length);
        assertThat(plain.toByteArray()).isEqualTo(tar);
        assertThat(p.backupLabel()).contains(LABEL);
    }

    @Test
    void factsComeFromTheLabelAndTheManifestsWalRanges() throws IOException {
        Map<String, String> f = BaseBackupFacts.read(LABEL, MANIFEST_TAIL);
        assertThat(f).containsEntry("start_lsn", "0/2000028").containsEntry("start_wal_file", "000000010000000000000002")
                .containsEntry("checkpoint_lsn", "0/2000060").containsEntry("timeline", "1")
                .containsEntry("backup_start_time", "2026-11-30 02:54:21 UTC").containsEntry("end_lsn", "0/2000100")
                .containsEntry("end_timeline", "1");
        assertThatThrownBy(() -> BaseBackupFacts.read("LABEL: x\n", MANIFEST_TAIL)).hasMessageContaining("START WAL LOCATION");
        assertThatThrownBy(() -> BaseBackupFacts.read(LABEL, null)).hasMessageContaining("no backup_manifest");
    }

    @Test
    void recoverySettingsQuoteTheCommandAndNameTheTarget() throws IOException {
        Instant now = Instant.parse("2026-11-30T03:00:00Z");
        String cmd = "'/opt/it''s/java' -jar /x.jar -c '/etc/a b.yaml' wal-fetch --job pg --stop-recovery-on-error %f %p";
        assertThat(RecoveryConfig.lines(RecoveryTarget.at(Instant.parse("2026-11-30T02:59:58.25Z")), cmd, now)).containsExactly(
                "# added by dbbackup restore at 2026-11-30T03:00:00Z: point-in-time recovery to time 2026-11-30T02:59:58.250Z",
                "restore_command = '''/opt/it''''s/java'' -jar /x.jar -c ''/etc/a b.yaml'' wal-fetch --job pg "
                        + "--stop-recovery-on-error %f %p'",
                "recovery_target_time = '2026-11-30 02:59:58.250000+00'",
                "recovery_target_action = 'promote'",
                "recovery_target_timeline = 'latest'");
        assertThat(RecoveryConfig.lines(RecoveryTarget.at(Lsn.parse("0/3000028").orElseThrow()), "x", now))
                .contains("recovery_target_lsn = '0/3000028'", "recovery_target_action = 'promote'");
        assertThat(RecoveryConfig.lines(RecoveryTarget.latest(), "x", now)).noneMatch(l -> l.startsWith("recovery_target_action")
                || l.startsWith("recovery_target_time =") || l.startsWith("recovery_target_lsn"));
        assertThat(RecoveryConfig.lines(RecoveryTarget.at(Lsn.parse("0/3000028").orElseThrow()).onTimeline("current"), "x", now))
                .contains("recovery_target_timeline = 'current'").doesNotContain("recovery_target_timeline = 'latest'");
        assertThat(RecoveryTarget.latest().onTimeline("4294967295").timeline()).isEqualTo("4294967295"); // TimeLineID is 32 bits
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RecoveryTarget.latest().onTimeline("4294967296"))
                .as("refused before a restore PostgreSQL would refuse at start").isInstanceOf(IllegalArgumentException.class);
        assertThat(RecoveryConfig.quote("a\\b")).isEqualTo("'a\\\\b'");

        Path data = Files.createDirectories(dir.resolve("pgdata"));
        Files.writeString(data.resolve("postgresql.auto.conf"), "archive_mode = 'on'");
        RecoveryConfig.write(data, RecoveryTarget.latest(), "dbbackup wal-fetch %f %p", now);
        assertThat(Files.readString(data.resolve("postgresql.auto.conf"))).startsWith("archive_mode = 'on'\n# added by dbbackup")
                .contains("restore_command = 'dbbackup wal-fetch %f %p'\n");
        assertThat(data.resolve("recovery.signal")).exists();
    }

    /**
     * The restore_command restore writes: wal-fetch's "not archived" (99) back to 1, every other status to 255, a '%' of
     * the command doubled for PostgreSQL, and the whole of it — quotes, a backslash, $? and all — read back by
     * PostgreSQL's rules for a postgresql.conf string ('' and \\) exactly as written.
     */
    @Test
    void theRestoreCommandMapsExitStatusesAndSurvivesPostgresqlConfQuoting() {
        String cmd = io.dbbackup.job.RestoreCommand.of("'/opt/it'\\''s 50%/java' -jar /x.jar", Path.of("/etc/a b.yaml"), "pg",
                List.of("--passphrase-env", "P"));
        assertThat(cmd).isEqualTo("('/opt/it'\\''s 50%%/java' -jar /x.jar -c '/etc/a b.yaml' wal-fetch --job pg --stop-recovery-on-error "
                + "--not-archived-exit 99 --passphrase-env P %f %p); case $? in 0) exit 0;; 99) exit 1;; *) exit 255;; esac");
        String line = RecoveryConfig.lines(RecoveryTarget.latest(), cmd, Instant.EPOCH).get(1);
        assertThat(line).startsWith("restore_command = '(''/opt/it''\\\\''''s 50%%/java''");
        String value = line.substring("restore_command = '".length(), line.length() - 1);
        assertThat(value.replace("''", "'").replace("\\\\", "\\")).isEqualTo(cmd);
    }

    @Test
    void archiveModeOffComesAfterTheRecoverySettingsAndNeedsNoTarget() throws IOException {
        Instant now = Instant.parse("2026-12-02T17:00:00Z");
        Path pitr = Files.createDirectories(dir.resolve("pitr"));
        Files.writeString(pitr.resolve("postgresql.auto.conf"), "archive_mode = 'on'\n");
        RecoveryConfig.write(pitr, RecoveryTarget.latest(), "dbbackup wal-fetch", true, now);
        List<String> lines = Files.readAllLines(pitr.resolve("postgresql.auto.conf"));
        assertThat(lines.get(lines.size() - 2)).startsWith("# added by dbbackup restore --archive-mode off at 2026-12-02T17:00:00Z:")
                .contains("archive_command is the source's");
        assertThat(lines.get(lines.size() - 1)).isEqualTo("archive_mode = 'off'");
        assertThat(lines.indexOf("archive_mode = 'off'")).isGreaterThan(lines.indexOf("recovery_target_timeline = 'latest'"));
        assertThat(pitr.resolve("recovery.signal")).exists();

        Path plain = Files.createDirectories(dir.resolve("plain"));
        RecoveryConfig.write(plain, null, null, true, now);
        assertThat(Files.readAllLines(plain.resolve("postgresql.auto.conf"))).hasSize(2).last().isEqualTo("archive_mode = 'off'");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(plain.resolve("postgresql.auto.conf")))).isEqualTo("rw-------");
        assertThat(plain.resolve("recovery.signal")).as("a plain restore stays plain").doesNotExist();

        Path untouched = Files.createDirectories(dir.resolve("untouched"));
        RecoveryConfig.write(untouched, null, null, false, now);
        assertThat(untouched.resolve("postgresql.auto.conf")).doesNotExist();

        assertThat(ArchiveMode.parse(null)).isEqualTo(ArchiveMode.PRESERVE);
        assertThat(ArchiveMode.parse("OFF")).isEqualTo(ArchiveMode.OFF);
        assertThatThrownBy(() -> ArchiveMode.parse("none")).hasMessage("--archive-mode 'none' is not off or preserve (nothing was written)");
    }

    @Test
    void theRestoredArchiveModeIsTheLastOfPostgresqlConfThenAutoConf() throws IOException {
        assertThat(RestoredArchiving.archiveMode("archive_mode = 'on'   # test")).contains("on");
        assertThat(RestoredArchiving.archiveMode("  ARCHIVE_MODE always")).contains("always");
        assertThat(RestoredArchiving.archiveMode("archive_mode=off")).contains("off");
        assertThat(RestoredArchiving.archiveMode("#archive_mode = on")).isEmpty();
        assertThat(RestoredArchiving.archiveMode("archive_command = 'archive_mode = on'")).isEmpty();
        assertThat(RestoredArchiving.archiveMode("archive_mode_x = on")).isEmpty();

        Path data = Files.createDirectories(dir.resolve("conf"));
        assertThat(RestoredArchiving.of(data)).as("no configuration files: nothing known").isEmpty();
        Files.writeString(data.resolve("postgresql.conf"), "#archive_mode = off\narchive_mode = on\n");
        assertThat(RestoredArchiving.of(data).orElseThrow().toString()).isEqualTo("archive_mode = 'on' in postgresql.conf");
        Files.writeString(data.resolve("postgresql.auto.conf"), "archive_mode = 'off'\n");
        assertThat(RestoredArchiving.of(data)).as("ALTER SYSTEM wins").isEmpty();
        Files.writeString(data.resolve("postgresql.auto.conf"), "archive_mode = 'always'\n");
        assertThat(RestoredArchiving.of(data).orElseThrow().toString()).isEqualTo("archive_mode = 'always' in postgresql.auto.conf");
        RecoveryConfig.write(data, null, null, true, Instant.EPOCH);
        assertThat(RestoredArchiving.of(data)).as("--archive-mode off").isEmpty();
    }

    /** A long quoted value (or one of many doubled quotes) is read in a stack that does not grow with it. */
    @Test
    void aLongQuotedSettingIsReadAsAShortOneIs() throws IOException {
        for (String unit : new String[] {"x", "''", "\\'"}) {
            String value = unit.repeat((100 << 10) / unit.length());
            assertThat(RestoredArchiving.archiveMode("archive_command = '" + value + "'")).isEmpty();
            assertThat(RestoredArchiving.archiveMode("archive_mode = '" + value + "on'")).contains(value.replace("''", "'")
                    .replace("\\'", "'") + "on");
            Path data = Files.createDirectories(dir.resolve("long-" + unit.length() + unit.charAt(0)));
            Files.writeString(data.resolve("postgresql.conf"), "archive_mode = on\narchive_command = '" + value + "'\n");
            assertThat(RestoredArchiving.of(data).orElseThrow().toString()).isEqualTo("archive_mode = 'on' in postgresql.conf");
        }
    }

    @Test
    void aStandbyRefusingToSwitchWalIsToldToCheckItsPrimaryNotToGrant() {
        assertThat(WalSwitchRefusal.STANDBY).contains("standby").contains("cannot switch WAL").contains("primary")
                .contains("pg_stat_archiver").doesNotContain("GRANT");
        assertThat(WalSwitchRefusal.note("the server refused pg_switch_wal()", "permission denied for function pg_switch_wal",
                "replicator")).contains("GRANT EXECUTE ON FUNCTION pg_switch_wal() TO replicator");
        assertThat(WalSwitchRefusal.note("the server refused pg_switch_wal()", "canceling statement due to statement timeout",
                "replicator")).isEqualTo("not checked: the server refused pg_switch_wal() (canceling statement due to statement timeout)");
    }

    /**
     * A standby whose lc_messages is German: its refusals are "FEHLER: Wiederherstellung läuft", which no English
     * text matches. A fake psql answers as that server; check must still say standby, from pg_is_in_recovery().
     */
    @Test
    void aStandbySpeakingAnotherLanguageIsStillSaidToBeAStandby() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path psql = bin.resolve("psql");
        Files.writeString(psql, """
                #!/bin/sh
                for a in "$@"; do last="$a"; done
                case "$last" in
                  "show archive_mode") echo on ;;
                  "select pg_is_in_recovery()") echo t ;;
                  *) echo "psql:<command>:1: FEHLER:  Wiederherstellung läuft" >&2; exit 1 ;;
                esac
                """);
        Files.setPosixFilePermissions(psql, PosixFilePermissions.fromString("rwx------"));
        Files.createDirectories(dir.resolve("scratch"));
        PostgresSettings conn = new PostgresSettings("127.0.0.1", 5432, "replicator", null, "main", null, null, null, null,
                DumpFormat.TAR, null, null, null, DumpOptions.NONE);
        PhysicalEngine e = new PhysicalEngine(new PhysicalSettings(conn, "main", true, null, true),
                new ClientLocator(dir.resolve("none"), bin, null));
        Engine.WalSwitch sw = e.switchWal(context());
        assertThat(sw.segment()).isEmpty();
        assertThat(sw.note()).contains("standby").contains("primary").doesNotContain("GRANT");
    }

    private Engine load(String keys) throws IOException {
        return PgTestEngines.fromYaml(dir, Map.of("PW", "pw"), """
                datasources:
                  pg:
                    engine: postgres
                    method: physical
                    password_env: PW
                """ + keys);
    }

    @Test
    void physicalConfigNamesTheClusterAndRefusesLogicalKeys() throws IOException {
        Engine e = load("    host: db.internal\n    user: replicator\n");
        assertThat(e.physical()).isTrue();
        assertThat(e.format()).isEqualTo(DumpFormat.TAR);
        assertThat(e.database()).as("the cluster defaults to the datasource's name").isEqualTo("pg");
        assertThat(e.describe()).isEqualTo("postgres physical replicator@db.internal:5432 (cluster pg)");
        assertThat(e.listedFacts()).contains("start_lsn", "end_lsn", "timeline", "system_identifier");
        assertThat(load("    cluster: main\n    checkpoint: spread\n    max_rate: 100M\n").database()).isEqualTo("main");
        assertThatThrownBy(() -> load("    database: app\n    format: custom\n    no_owner: true\n    max_rate: fast\n"
                + "    checkpoint: now\n    cluster: a/b\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("database: not used with method: physical")
                .hasMessageContaining("format: only for method: logical")
                .hasMessageContaining("no_owner: only for method: logical")
                .hasMessageContaining("max_rate")
                .hasMessageContaining("checkpoint")
                .hasMessageContaining("cannot name a backup folder");
        // the server's own limits (32 kB/s .. 1 GB/s), said at config time rather than by the server mid-job
        for (String rate : List.of("16", "31k", "2048M", "99999999999")) {
            assertThatThrownBy(() -> load("    max_rate: " + rate + "\n")).as(rate).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("max_rate").hasMessageContaining("between 32k and 1024M");
        }
        assertThat(load("    max_rate: 32\n").database()).isEqualTo("pg");
        assertThat(load("    max_rate: 1024M\n").database()).isEqualTo("pg");
        assertThatThrownBy(() -> PgTestEngines.fromYaml(dir, Map.of(), """
                datasources:
                  pg:
                    engine: postgres
                    database: app
                    cluster: main
                """)).hasMessageContaining("cluster");
    }
}
