package io.dbbackup.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** WAL file names, archive keys and LSNs as PostgreSQL spells them. */
class WalNamesTest {
    @Test
    void everyKindOfFileTheArchiverHandsOver() {
        WalFileName seg = WalFileName.parse("0000000200000001000000A3").orElseThrow();
        assertThat(seg.kind()).isEqualTo(WalFileName.Kind.SEGMENT);
        assertThat(seg.timeline()).isEqualTo(2);
        assertThat(seg.position()).isEqualTo((1L << 32) | 0xA3);
        assertThat(seg.folder()).isEqualTo("0000000200000001/");
        WalFileName partial = WalFileName.parse("0000000200000001000000A3.partial").orElseThrow();
        assertThat(partial.kind()).isEqualTo(WalFileName.Kind.PARTIAL);
        assertThat(partial.segment()).isEqualTo("0000000200000001000000A3");
        WalFileName backup = WalFileName.parse("000000010000000000000002.00000028.backup").orElseThrow();
        assertThat(backup.kind()).isEqualTo(WalFileName.Kind.BACKUP);
        assertThat(backup.position()).isEqualTo(2);
        WalFileName history = WalFileName.parse("00000003.history").orElseThrow();
        assertThat(history.kind()).isEqualTo(WalFileName.Kind.HISTORY);
        assertThat(history.timeline()).isEqualTo(3);
        assertThat(history.folder()).isEmpty();
        for (String bad : List.of("", "00000001000000000000000", "0000000100000000000000001", "000000010000000000000a01",
                "../../etc/passwd", "00000001.history.tmp", "RECOVERYXLOG", "000000010000000000000001.backup",
                "000000010000000000000001/x")) {
            assertThat(WalFileName.parse(bad)).as(bad).isEmpty();
        }
    }

    @Test
    void aBackupsStartNamesTheSegmentSizeAndASegmentEndsWhereTheNextBegins() {
        WalFileName start = WalFileName.parse("000000010000000000000002").orElseThrow();
        assertThat(start.segmentSizeHolding(Lsn.parse("0/2000028").orElseThrow())).hasValue(16L << 20);
        assertThat(start.segmentSizeHolding(Lsn.parse("0/8000028").orElseThrow())).hasValue(64L << 20); // initdb --wal-segsize=64
        assertThat(start.segmentSizeHolding(Lsn.parse("1/2000028").orElseThrow())).isEmpty(); // another log
        assertThat(start.segmentSizeHolding(Lsn.parse("0/28").orElseThrow())).isEmpty();
        // a log's first segment fits every size from the start's offset on: the largest, so a target is never warned of too early
        assertThat(WalFileName.parse("000000010000000300000000").orElseThrow()
                .segmentSizeHolding(Lsn.parse("3/1000028").orElseThrow())).hasValue(1L << 30);
        WalFileName seg = WalFileName.parse("0000000200000001000000A3").orElseThrow();
        assertThat(seg.end(16L << 20)).hasToString("1/A4000000");
        assertThat(WalFileName.parse("0000000100000001000000FF").orElseThrow().end(16L << 20)).hasToString("2/0");
        assertThat(WalFileName.parse("000000010000000000000005").orElseThrow().end(64L << 20)).hasToString("0/18000000");
    }

    @Test
    void walOrderIsTimelineThenPosition() {
        List<WalFileName> names = new ArrayList<>();
        for (String n : List.of("000000020000000000000001", "00000002.history", "000000010000000100000000",
                "0000000100000000000000FF", "000000010000000000000002.00000028.backup")) {
            names.add(WalFileName.parse(n).orElseThrow());
        }
        names.sort(null);
        assertThat(names).extracting(WalFileName::name).containsExactly("000000010000000000000002.00000028.backup",
                "0000000100000000000000FF", "000000010000000100000000", "00000002.history", "000000020000000000000001");
    }

    @Test
    void archiveKeysCarryTheDigestAndRoundTrip() {
        String sha = "ab".repeat(32);
        WalKey k = new WalKey(WalKey.walFolder("/prod/", "main"), WalFileName.parse("000000010000000000000007").orElseThrow(),
                sha, Compression.ZSTD, true);
        assertThat(k.key()).isEqualTo("prod/main/wal/0000000100000000/000000010000000000000007-" + sha + ".zst.age");
        assertThat(WalKey.parse(k.key(), "prod/main/wal/")).contains(k);
        WalKey h = new WalKey("main/wal/", WalFileName.parse("00000002.history").orElseThrow(), sha, Compression.NONE, false);
        assertThat(h.key()).isEqualTo("main/wal/00000002.history-" + sha);
        assertThat(WalKey.parse(h.key(), "main/wal/")).contains(h);
        assertThat(WalKey.prefixOf("main/wal/", k.file())).isEqualTo("main/wal/0000000100000000/000000010000000000000007-");
        // not ours: wrong folder for the name, temp files, sidecars, other folders
        assertThat(WalKey.parse("main/wal/000000010000000000000007-" + sha + ".zst", "main/wal/")).isEmpty();
        assertThat(WalKey.parse("main/wal/0000000100000000/.dbbackup-tmp-x", "main/wal/")).isEmpty();
        assertThat(WalKey.parse("main/wal/0000000100000000/000000010000000000000007-" + sha + ".zst.sha256", "main/wal/")).isEmpty();
        assertThat(WalKey.parse("other/wal/00000002.history-" + sha, "main/wal/")).isEmpty();
    }

    @Test
    void lsnsParseCompareAndPrintAsPostgresDoes() {
        Lsn a = Lsn.parse("0/3000028").orElseThrow();
        Lsn b = Lsn.parse("1/0").orElseThrow();
        assertThat(a).isLessThan(b);
        assertThat(Lsn.parse("ffffffff/fffffff0").orElseThrow()).isGreaterThan(b);
        assertThat(a.toString()).isEqualTo("0/3000028");
        assertThat(Lsn.parse("a/b0").orElseThrow().toString()).isEqualTo("A/B0");
        assertThat(Lsn.parse("0-3000028")).isEmpty();
        assertThat(Lsn.parse("0/123456789")).isEmpty();
    }
}
