package io.dbbackup.core;

/**
 * An object's stored size against the size its manifest records: the rule by size of what is no backup, and its words,
 * in one place for every layer that says them — {@code job}'s {@code CutShort} (list, prune, a copy job) and
 * {@code pipeline}'s {@code ArtifactReader} (verify, restore, download), which cannot import {@code job}. An object of
 * another size than recorded is cut short (shorter: an upload or a copy that died, a full disk) or longer (written over
 * or appended to, or beside another backup's manifest); an empty (0 bytes) one is no backup whatever is beside it.
 */
public final class RecordedSize {
    /** What may make an object longer than its manifest records, as asked after its sizes. */
    private static final String LONGER_CAUSES = "written over or appended to, or another backup's manifest";

    private RecordedSize() {
    }

    /** Whether an object of {@code size} bytes is empty, so no backup whatever is beside it (-1: the store cannot say). */
    public static boolean empty(long size) {
        return size == 0;
    }

    /**
     * Whether an object of {@code size} bytes whose manifest records {@code recorded} (null: records none) is cut short:
     * empty, or of a known size that is not the recorded one.
     */
    public static boolean cutShort(long size, Long recorded) {
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
     * Both sizes: {@code N bytes, its manifest records M}, or with {@code bySource} {@code N bytes, its source's manifest
     * records M} (a copy judged by its source backup's manifest).
     */
    public static String sizes(long size, Long recorded, boolean bySource) {
        return size + " bytes, " + (bySource ? "its source's manifest" : "its manifest") + " records " + recorded;
    }

    /**
     * Why retention does not count it: {@code empty (0 bytes)}, {@code cut short (N of M bytes)} (with {@code , by its
     * source's manifest}), or, longer than recorded, {@link #sizes}.
     */
    public static String notCounted(long size, Long recorded, boolean bySource) {
        if (empty(size)) {
            return "empty (0 bytes)";
        }
        if (longer(size, recorded)) {
            return sizes(size, recorded, bySource);
        }
        return "cut short (" + size + " of " + recorded + " bytes" + (bySource ? ", by its source's manifest" : "") + ")";
    }

    /**
     * What may have made an object of {@code size} bytes of another size than {@code recorded}, in parentheses:
     * {@code (cut short: CUTCAUSES?)} or, longer, {@code (longer: written over or appended to, or another backup's manifest?)}.
     */
    public static String cause(long size, Long recorded, String cutCauses) {
        return longer(size, recorded) ? "(longer: " + LONGER_CAUSES + "?)" : "(cut short: " + cutCauses + "?)";
    }

    /**
     * What a read of {@code count} stored bytes found against the {@code recorded} size (they differ), after a checksum
     * mismatch: {@code it is cut short: N of the M bytes its manifest records (an upload or copy that did not finish, a
     * full disk)} or {@code it is N bytes, its manifest records M (written over or appended to, or another backup's
     * manifest?)}.
     */
    public static String read(long count, long recorded) {
        if (count < recorded) {
            return "it is cut short: " + count + " of the " + recorded
                    + " bytes its manifest records (an upload or copy that did not finish, a full disk)";
        }
        return "it is " + sizes(count, recorded, false) + " (" + LONGER_CAUSES + "?)";
    }
}
