package io.dbbackup.job;

import io.dbbackup.core.Human;
import io.dbbackup.core.WalKey;
import io.dbbackup.retention.WalRetention;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The archived WAL files of a prune's delete that a lock held ({@link io.dbbackup.spi.HeldObjectException}): kept, and
 * named as runs of the delete list (a lock set by date holds hundreds of consecutive segments: one line, not one per
 * segment).
 */
record HeldWal(WalRetention.Decision asked, List<WalKey> held) {
    /** At most this many runs are named; the rest are counted. */
    static final int RUNS = 10;

    HeldWal {
        held = List.copyOf(held);
    }

    /** The files of {@code asked}'s delete whose keys are in {@code heldKeys}. */
    static HeldWal of(WalRetention.Decision asked, List<String> heldKeys) {
        Set<String> keys = Set.copyOf(heldKeys);
        return new HeldWal(asked, asked.delete().stream().filter(k -> keys.contains(k.key())).toList());
    }

    /** What the prune did: the files held moved from the delete to the kept, so nothing held is said to be deleted. */
    WalRetention.Decision done() {
        List<WalKey> keep = new ArrayList<>(asked.keep());
        keep.addAll(held);
        keep.sort(java.util.Comparator.comparing(WalKey::file).thenComparing(WalKey::key));
        Set<WalKey> kept = Set.copyOf(held);
        return new WalRetention.Decision(asked.keepFrom(), asked.delete().stream().filter(k -> !kept.contains(k)).toList(), keep);
    }

    /**
     * {@code 3 archived WAL files not deleted …: 000000010000000000000002 to 000000010000000000000004 (3 files)}: the held
     * files as runs of the delete list (each file between the two named was held too), the first {@value #RUNS} named.
     */
    String describe() {
        List<String> runs = new ArrayList<>();
        List<WalKey> delete = asked.delete();
        Set<WalKey> kept = Set.copyOf(held);
        int i = 0;
        while (i < delete.size()) {
            if (!kept.contains(delete.get(i))) {
                i++;
                continue;
            }
            int end = i;
            while (end + 1 < delete.size() && kept.contains(delete.get(end + 1))) {
                end++;
            }
            runs.add(end == i ? delete.get(i).file().name() : delete.get(i).file().name() + " to "
                    + delete.get(end).file().name() + " (" + (end - i + 1) + " files)");
            i = end + 1;
        }
        String named = String.join(", ", runs.subList(0, Math.min(RUNS, runs.size())))
                + (runs.size() > RUNS ? " and " + Human.count(runs.size() - RUNS, "more run") : "");
        int deleted = delete.size() - held.size();
        return Human.count(held.size(), "archived WAL file") + " not deleted, held by a lock on the store: " + named
                + " (kept; " + (deleted == 0 ? "no other expired file" : "the other " + deleted + " expired "
                + (deleted == 1 ? "file was" : "files were") + " deleted") + ")";
    }
}
