package io.dbbackup.cli;

import io.dbbackup.core.RecordedSize;
import io.dbbackup.job.Catalog;
import io.dbbackup.job.CutShort;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code list} says after a backup's key when it is no backup to restore: {@code cut short (N of M bytes)} (its
 * stored size below the one its manifest records), {@code empty (0 bytes)}, {@code N bytes, its manifest records M} (a
 * longer object), {@code no .sha256} (no checksum sidecar beside it). {@code recordedSize}: the size its manifest
 * records, null when list read none.
 */
record ListedDamage(List<String> marks, Long recordedSize) {
    ListedDamage {
        marks = List.copyOf(marks);
    }

    static ListedDamage of(Catalog.Entry e, Long recorded) {
        List<String> marks = new ArrayList<>();
        long size = e.object().size();
        if (RecordedSize.cutShort(size, recorded)) {
            CutShort c = RecordedSize.empty(size) ? CutShort.emptyObject(e.key()) : new CutShort(e.key(), size, recorded, false);
            marks.add(c.notCounted()); // prune's words for it: one place
        }
        if (!e.checksum()) {
            marks.add("no .sha256");
        }
        return new ListedDamage(marks, recorded);
    }
}
