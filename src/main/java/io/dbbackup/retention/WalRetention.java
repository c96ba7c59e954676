package io.dbbackup.retention;

import io.dbbackup.core.WalFileName;
import io.dbbackup.core.WalKey;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which archived WAL the kept base backups no longer need, as a pure function. Recovery from a base
 * backup reads WAL from the segment its backup started in ({@code start_wal_file}) onwards, on its
 * timeline and any later one; WAL positions only grow across timelines. So every segment, {@code .partial}
 * and {@code .backup} file whose position (log and segment, whatever its timeline) lies before the oldest
 * start among the kept backups can go; timeline {@code .history} files are always kept (tiny, and needed
 * to follow timelines). With no kept backup nothing is deleted: WAL archived before the first base backup
 * lands is what that backup will need.
 */
public final class WalRetention {
    private WalRetention() {
    }

    /** The decision: {@code keepFrom} is the oldest start segment among the kept backups (empty: keep all). */
    public record Decision(Optional<WalFileName> keepFrom, List<WalKey> delete, List<WalKey> keep) {
        public Decision {
            delete = List.copyOf(delete);
            keep = List.copyOf(keep);
        }
    }

    public static Decision decide(List<WalKey> archived, List<WalFileName> keptBackupStarts) {
        List<WalKey> sorted = new ArrayList<>(archived);
        sorted.sort(Comparator.comparing(WalKey::file).thenComparing(WalKey::key));
        Optional<WalFileName> from = keptBackupStarts.stream()
                .min((a, b) -> Long.compareUnsigned(a.position(), b.position()));
        if (from.isEmpty()) {
            return new Decision(Optional.empty(), List.of(), sorted);
        }
        List<WalKey> delete = new ArrayList<>();
        List<WalKey> keep = new ArrayList<>();
        for (WalKey k : sorted) {
            (needed(k.file(), from) ? keep : delete).add(k);
        }
        return new Decision(from, delete, keep);
    }

    /** Whether the kept backups need {@code file} when their WAL starts at {@code keepFrom} (empty: keep all). */
    public static boolean needed(WalFileName file, Optional<WalFileName> keepFrom) {
        return keepFrom.isEmpty() || file.kind() == WalFileName.Kind.HISTORY
                || Long.compareUnsigned(file.position(), keepFrom.get().position()) >= 0;
    }
}
