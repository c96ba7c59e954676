package io.dbbackup.core;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BackupKeyTest {
    private static final Instant T = Instant.parse("2026-02-10T14:30:00Z");

    @Test
    void keyFollowsTheDesignNaming() {
        BackupKey k = new BackupKey("prod", "appdb", T, DumpFormat.SQL, Compression.GZIP, false);
        assertThat(k.key()).isEqualTo("prod/appdb/appdb-20260210-143000.sql.gz");
        assertThat(k.sha256Key()).isEqualTo("prod/appdb/appdb-20260210-143000.sql.gz.sha256");
        assertThat(k.manifestKey()).isEqualTo("prod/appdb/appdb-20260210-143000.sql.gz.manifest.json");
        assertThat(new BackupKey("/a/b/", "x", T, DumpFormat.DUMP, Compression.ZSTD, true).key())
                .isEqualTo("a/b/x/x-20260210-143000.dump.zst.age");
        assertThat(new BackupKey("", "x", T, DumpFormat.SQLITE, Compression.NONE, false).key())
                .isEqualTo("x/x-20260210-143000.sqlite");
    }

    /**
     * A prefix is refused when the longest key dbbackup would write under it is over 1024 bytes (S3's limit; Azure's is
     * 1024 characters). The key named as the longest is at least as long as every key the code really builds.
     */
    @Test
    void aPrefixIsRefusedWhenItsLongestKeyPassesTheKeyLimit() {
        for (DumpFormat f : DumpFormat.values()) {
            String longest = BackupKey.longestKeyBelowPrefix("appdb", f);
            for (Compression c : Compression.values()) {
                for (boolean enc : new boolean[] {false, true}) {
                    BackupKey k = new BackupKey("", "appdb", T, f, c, enc);
                    for (String key : List.of(k.key(), k.sha256Key(), k.manifestKey(), k.pinKey())) {
                        assertThat(longest.length()).as(f + " " + key).isGreaterThanOrEqualTo(key.length());
                    }
                }
            }
        }
        for (Compression c : Compression.values()) {
            for (String name : List.of("000000010000000000000001", "00000001.history", "000000010000000000000001.partial",
                    "000000010000000000000001.00000028.backup")) {
                String wal = new WalKey(WalKey.walFolder("", "main"), WalFileName.parse(name).orElseThrow(), "0".repeat(64), c,
                        true).key();
                assertThat(BackupKey.longestKeyBelowPrefix("main", DumpFormat.TAR).length()).as(wal)
                        .isGreaterThanOrEqualTo(wal.length());
            }
        }
        String below = BackupKey.longestKeyBelowPrefix("app", DumpFormat.SQLITE);
        assertThat(below).isEqualTo("app/app-YYYYMMDD-HHMMSS.sqlite.zst.age.manifest.json");
        String fits = "p".repeat(BackupKey.MAX_KEY_BYTES - 1 - below.length());
        assertThat(BackupKey.prefixTooLong(fits, "app", DumpFormat.SQLITE)).isEmpty();
        assertThat(BackupKey.prefixTooLong("/" + fits + "/", "app", DumpFormat.SQLITE)).as("the '/' stripped").isEmpty();
        assertThat(BackupKey.prefixTooLong(fits + "p", "app", DumpFormat.SQLITE)).contains("is 972 bytes (of UTF-8), too "
                + "long: the longest key dbbackup writes under it, PREFIX/app/app-YYYYMMDD-HHMMSS.sqlite.zst.age.manifest.json, "
                + "would be 1025 bytes, over the 1024 that S3 and Azure allow; keep the prefix within 971 bytes");
        // bytes, not characters: 971 bytes of 'é' is 485 characters and a half
        assertThat(BackupKey.prefixTooLong("\u00e9".repeat(243) + "/" + "\u00e9".repeat(243), "app", DumpFormat.SQLITE)).isPresent();
        assertThat(BackupKey.prefixTooLong("\u00e9".repeat(242) + "/" + "\u00e9".repeat(242), "app", DumpFormat.SQLITE)).isEmpty();
        // a base backup's folder also holds the WAL, whose keys are longer
        assertThat(BackupKey.prefixTooLong("p".repeat(900), "main", DumpFormat.TAR)).hasValueSatisfying(w -> assertThat(w)
                .contains("PREFIX/main/wal/0000000100000000/000000010000000000000001.00000028.backup-"));
        assertThat(BackupKey.prefixProblem("a/" + "b".repeat(255) + "/c")).isEmpty();
        assertThat(BackupKey.prefixProblem("a/" + "b".repeat(256) + "/c")).hasValueSatisfying(w -> assertThat(w)
                .startsWith("has a folder name of 256 bytes ('bbbbbbbbbbbbbbbb…')"));
    }

    @Test
    void parseRoundTripsEveryCombination() {
        for (DumpFormat f : DumpFormat.values()) {
            for (Compression c : Compression.values()) {
                for (boolean enc : new boolean[] {false, true}) {
                    BackupKey k = new BackupKey("p/q", "db_1", T, f, c, enc);
                    assertThat(BackupKey.parse(k.key(), "p/q", "db_1")).contains(k);
                }
            }
        }
    }

    @Test
    void foreignNamesAreNotBackups() {
        for (String key : List.of("prod/appdb/appdb-20260210-143000.sql.gz.sha256",
                "prod/appdb/appdb-20260210-143000.sql.gz.manifest.json", "prod/appdb/notes.txt",
                "prod/appdb/.dbbackup-tmp-appdb-20260210-143000.sql.gz.123", "prod/appdb/appdb-20260230-143000.sql",
                "prod/appdb/appdb-20260210-143000.sql.bz2", "prod/appdb/appdb-20260210-143000.exe",
                "prod/appdb/appdb2-20260210-143000.sql", "prod/other/appdb-20260210-143000.sql",
                "prod/appdb/sub/appdb-20260210-143000.sql", "staging/appdb/appdb-20260210-143000.sql",
                "prod/appdb/appdb-20260210-1430.sql")) {
            assertThat(BackupKey.parse(key, "prod", "appdb")).as(key).isEmpty();
        }
    }

    @Test
    void orderIsNewestFirstThenKeyDescending() {
        BackupKey a = new BackupKey("", "d", T, DumpFormat.SQL, Compression.GZIP, false);
        BackupKey b = new BackupKey("", "d", T, DumpFormat.SQL, Compression.ZSTD, false);
        BackupKey older = new BackupKey("", "d", T.minusSeconds(1), DumpFormat.SQL, Compression.ZSTD, false);
        List<BackupKey> l = new ArrayList<>(List.of(older, a, b));
        Collections.shuffle(l);
        Collections.sort(l);
        assertThat(l).containsExactly(b, a, older);
    }
}
