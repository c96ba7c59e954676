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
