package io.dbbackup.job;

import io.dbbackup.core.BackupKey;

/**
 * A backup object cut short: of another size than the one its manifest records (a copy or an upload that died, a full
 * disk). The one rule by size of what is no backup, that prune ({@link Pruner}) and a copy job ({@link Copier}) apply:
 * such an object is not counted by retention — never one of the kept N, never what makes an older good backup be deleted
 * or left uncopied — and never deleted on that ground (the evidence stays for a human, or for the copy job's next run).
 * An empty (0 bytes) object is the case that needs no manifest ({@link #empty}): no dump is empty (each has a header,
 * compressed or encrypted), so {@link Catalog#counts} passes it by from the listing alone. A backup whose manifest
 * records no size (none beside it, one that is not JSON or cannot be read, one that describes another backup) is judged
 * by {@link #empty} alone: nothing says what it should be — except a copy job's, judged by its source backup's manifest
 * ({@link Catalog#cutShort}, as {@link Copier} judges it).
 *
 * @param key      the backup
 * @param size     its stored size, as listed
 * @param recorded the stored size its manifest records; null for an empty object, judged by the listing alone (its
 *                 manifest is not read)
 * @param bySource whether {@code recorded} is its source backup's manifest's: a copy job's backup without a manifest
 *                 that records a size, judged as the copy run judges it ({@link Copier})
 */
public record CutShort(BackupKey key, long size, Long recorded, boolean bySource) {
    /** An empty (0 bytes) object, no backup whatever its manifest says ({@link #empty}). */
    public static CutShort emptyObject(BackupKey key) {
        return new CutShort(key, 0, null, false);
    }

    /** Why retention does not count it, as {@code prune --json} says it: {@code empty} or {@code cut_short}. */
    public String reason() {
        return empty(size) ? "empty" : "cut_short";
    }

    /** Whether an object of {@code size} bytes is empty, so no backup whatever is beside it (-1: the store cannot say). */
    public static boolean empty(long size) {
        return size == 0;
    }

    /**
     * Whether an object of {@code size} bytes whose manifest records {@code recorded} (null: records none) is cut short:
     * empty, or of a known size that is not the recorded one.
     */
    public static boolean is(long size, Long recorded) {
        return empty(size) || size > 0 && recorded != null && recorded != size;
    }

    /**
     * Whether an object of {@code size} bytes is LONGER than the {@code recorded} size (null: none): not cut short but
     * written over or appended to, or beside another backup's manifest — no backup either, in other words.
     */
    public static boolean longer(long size, Long recorded) {
        return recorded != null && size > recorded;
    }

    /**
     * Why retention does not count it — the words {@code list} marks it with too ({@code ListedDamage}), prune's table and
     * its report: {@code empty (0 bytes)}, {@code cut short (N of M bytes)} (with {@code , by its source's manifest}), or,
     * longer than recorded, {@code N bytes, its manifest records M} (or {@code its source's manifest}).
     */
    public String notCounted() {
        if (empty(size)) {
            return "empty (0 bytes)";
        }
        if (longer(size, recorded)) {
            return size + " bytes, " + (bySource ? "its source's manifest" : "its manifest") + " records " + recorded;
        }
        return "cut short (" + size + " of " + recorded + " bytes" + (bySource ? ", by its source's manifest" : "") + ")";
    }

    /**
     * What may have made an object of {@code size} bytes of another size than {@code recorded}, in parentheses:
     * {@code (cut short: CUTCAUSES?)} or, longer, {@code (longer: written over or appended to, or another backup's manifest?)}.
     */
    public static String cause(long size, Long recorded, String cutCauses) {
        return longer(size, recorded) ? "(longer: written over or appended to, or another backup's manifest?)"
                : "(cut short: " + cutCauses + "?)";
    }

    /** In words, after the key: {@code is N bytes, its manifest records M} (or {@code its source's manifest}). */
    public String describe() {
        return "is " + size + " bytes, " + (bySource ? "its source's manifest" : "its manifest") + " records " + recorded;
    }
}
