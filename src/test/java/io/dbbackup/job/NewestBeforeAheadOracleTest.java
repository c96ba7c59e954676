package io.dbbackup.job;

import io.dbbackup.core.BackupKey;
import io.dbbackup.core.Compression;
import io.dbbackup.core.DumpFormat;
import io.dbbackup.retention.GfsOracle;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The backup a plain prune holds when others are dated after this host's clock ({@link Pruner#newestBeforeAhead}),
 * against {@link GfsOracle}'s reading of the README, on seeded random inputs: many in the same second (different
 * extensions), "now" on, just before and just after a backup.
 */
class NewestBeforeAheadOracleTest {
    @Test
    void pruneHoldsTheBackupTheReadmeNames() {
        List<DumpFormat> formats = List.of(DumpFormat.SQL, DumpFormat.DUMP, DumpFormat.SQLITE, DumpFormat.TAR);
        for (long seed = 1; seed <= 2000; seed++) {
            Random r = new Random(seed);
            Instant base = Instant.parse("2026-03-29T00:00:00Z").plusSeconds(r.nextInt(86_400));
            Set<BackupKey> keys = new LinkedHashSet<>();
            for (int i = 0, n = r.nextInt(12); i < n; i++) {
                Instant t = base.plusSeconds(r.nextInt(4) == 0 ? 0 : r.nextInt(7200) - 3600);
                keys.add(new BackupKey("prod", "app", t, formats.get(r.nextInt(4)),
                        Compression.values()[r.nextInt(Compression.values().length)], r.nextBoolean()));
            }
            List<BackupKey> list = new ArrayList<>(keys);
            Instant now = list.isEmpty() || r.nextInt(4) == 0 ? base.plusSeconds(r.nextInt(7200) - 3600)
                    : list.get(r.nextInt(list.size())).timestamp().plusSeconds(r.nextInt(3) - 1);
            assertThat(Pruner.newestBeforeAhead(list, now)).as("seed %d, now %s, backups %s", seed, now, list)
                    .isEqualTo(GfsOracle.newestAtOrBeforeWhenOthersAreAfter(list, now));
        }
    }
}
