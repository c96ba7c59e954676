package io.dbbackup.job;

import io.dbbackup.core.BackupKey;
import io.dbbackup.core.RecordedSize;

/**
 * A backup object cut short: of another size than the one its manifest records (a copy or an upload that died, a full
 * disk). The one rule by size of what is no backup, that prune ({@link Pruner}) and a copy job ({@link Copier}) apply:
 * such an object is not counted by retention — never one of the kept N, never what makes an older good backup be deleted
 * or left uncopied — and never deleted on that ground (the evidence stays for a human, or for the copy job's next run).
 * An empty (0 bytes) object is the case that needs no manifest ({@link RecordedSize#empty}): no dump is empty (each has
 * a header, compressed or encrypted), so {@link Catalog#counts} passes it by from the listing alone. A backup whose
 * manifest records no size (none beside it, one that is not JSON or cannot be read, one that describes another backup)
 * is judged by {@link RecordedSize#empty} alone: nothing says what it should be — except a copy job's, judged by its
 * source backup's manifest ({@link Catalog#cutShort}, as {@link Copier} judges it). The rule by size and its words are
 * {@link RecordedSize}'s, in core, which verify's, restore's and download's reader says them from too.
 *
 * @param key      the backup
 * @param size     its stored size, as listed
 * @param recorded the stored size its manifest records; null for an empty object, judged by the listing alone (its
 *                 manifest is not read)
 * @param bySource whether {@code recorded} is its source backup's manifest's: a copy job's backup without a manifest
 *                 that records a size, judged as the copy run judges it ({@link Copier})
 */
public record CutShort(BackupKey key, long size, Long recorded, boolean bySource) {
    /** An empty (0 bytes) object, no backup whatever its manifest says ({@link RecordedSize#empty}). */
    public static CutShort emptyObject(BackupKey key) {
        return new CutShort(key, 0, null, false);
    }

    /** Why retention does not count it, as {@code prune --json} says it: {@code empty} or {@code cut_short}. */
    public String reason() {
        return RecordedSize.empty(size) ? "empty" : "cut_short";
    }

    /**
     * Why retention does not count it — the words {@code list} marks it with too ({@code ListedDamage}), prune's table and
     * its report: {@link RecordedSize#notCounted}.
     */
    public String notCounted() {
        return RecordedSize.notCounted(size, recorded, bySource);
    }

    /** In words, after the key: {@code is N bytes, its manifest records M} (or {@code its source's manifest}). */
    public String describe() {
        return "is " + RecordedSize.sizes(size, recorded, bySource);
    }
}
