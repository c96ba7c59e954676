package io.dbbackup.job;

import io.dbbackup.core.Compression;
import io.dbbackup.core.WalFileName;
import io.dbbackup.core.WalKey;
import io.dbbackup.retention.WalRetention;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class HeldWalTest {
    /** Eleven runs of held files, ten named: the rest was "and 1 more runs". */
    @Test
    void theRunsBeyondTheNamedOnesAreCountedSingularForOne() {
        List<WalKey> delete = new ArrayList<>();
        List<WalKey> held = new ArrayList<>();
        for (int i = 1; i <= 22; i++) {
            WalKey k = new WalKey("wal/main", WalFileName.parse("0000000100000000%08X".formatted(i)).orElseThrow(),
                    "0".repeat(64), Compression.ZSTD, false);
            delete.add(k);
            if (i % 2 == 1) {
                held.add(k);
            }
        }
        String said = new HeldWal(new WalRetention.Decision(Optional.empty(), delete, List.of()), held).describe();
        assertThat(said).startsWith("11 archived WAL files not deleted").contains(" and 1 more run (kept; ");
    }
}
