package io.dbbackup.retention;

import io.dbbackup.core.Compression;
import io.dbbackup.core.WalFileName;
import io.dbbackup.core.WalKey;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The WAL cutoff: what the oldest kept base backup no longer needs. */
class WalRetentionTest {
    private static WalKey key(String name) {
        return new WalKey("c/wal/", WalFileName.parse(name).orElseThrow(), "0".repeat(64), Compression.ZSTD, false);
    }

    private static List<WalKey> keys(String... names) {
        return Stream.of(names).map(WalRetentionTest::key).toList();
    }

    private static WalFileName start(String name) {
        return WalFileName.parse(name).orElseThrow();
    }

    @Test
    void everythingBeforeTheOldestKeptStartGoesExceptHistory() {
        List<WalKey> archived = keys("000000010000000000000001", "000000010000000000000002", "000000010000000000000002.00000028.backup",
                "000000010000000000000003", "000000010000000000000004", "000000010000000000000005.00000060.backup",
                "000000010000000000000005", "000000010000000000000006");
        WalRetention.Decision d = WalRetention.decide(archived, List.of(start("000000010000000000000005"),
                start("000000010000000000000003")));
        assertThat(d.keepFrom()).contains(start("000000010000000000000003"));
        assertThat(d.delete()).extracting(k -> k.file().name()).containsExactly("000000010000000000000001",
                "000000010000000000000002", "000000010000000000000002.00000028.backup");
        assertThat(d.keep()).extracting(k -> k.file().name()).startsWith("000000010000000000000003").hasSize(5);
    }

    @Test
    void timelinesDoNotMatterOnlyPositionsDoAndHistoryFilesStay() {
        // a restore promoted timeline 2 at segment 6; the kept backup was taken on timeline 2 at segment 8
        List<WalKey> archived = keys("00000002.history", "000000010000000000000005", "000000010000000000000006",
                "000000010000000000000006.partial", "000000010000000000000007", "000000020000000000000006",
                "000000020000000000000007", "000000020000000000000008", "000000020000000000000009");
        WalRetention.Decision d = WalRetention.decide(archived, List.of(start("000000020000000000000008")));
        assertThat(d.delete()).extracting(k -> k.file().name()).containsExactly("000000010000000000000005",
                "000000010000000000000006", "000000010000000000000006.partial", "000000010000000000000007",
                "000000020000000000000006", "000000020000000000000007");
        assertThat(d.keep()).extracting(k -> k.file().name()).containsExactly("00000002.history",
                "000000020000000000000008", "000000020000000000000009");
    }

    @Test
    void anOlderKeptBackupOnTimelineOneKeepsTheOldBranchToo() {
        List<WalKey> archived = keys("000000010000000000000003", "000000010000000000000004", "000000010000000000000009",
                "000000020000000000000008");
        WalRetention.Decision d = WalRetention.decide(archived, List.of(start("000000020000000000000008"),
                start("000000010000000000000004")));
        assertThat(d.delete()).extracting(k -> k.file().name()).containsExactly("000000010000000000000003");
    }

    @Test
    void withNoKeptBackupNothingIsDeleted() {
        List<WalKey> archived = keys("000000010000000000000001", "000000010000000000000002");
        WalRetention.Decision d = WalRetention.decide(archived, List.of());
        assertThat(d.keepFrom()).isEmpty();
        assertThat(d.delete()).isEmpty();
        assertThat(d.keep()).hasSize(2);
    }

    @Test
    void positionsCompareAcrossLogFilesAndInputOrderDoesNotMatter() {
        List<WalKey> archived = keys("0000000100000001000000FF", "000000010000000200000000", "0000000100000000000000FF",
                "000000010000000200000001");
        WalRetention.Decision d = WalRetention.decide(archived, List.of(start("000000010000000200000000")));
        assertThat(d.delete()).extracting(k -> k.file().name()).containsExactly("0000000100000000000000FF", "0000000100000001000000FF");
        assertThat(d.keep()).extracting(k -> k.file().name()).containsExactly("000000010000000200000000", "000000010000000200000001");
    }
}
