package io.dbbackup.spi;

import java.io.IOException;
import java.util.List;

/**
 * A delete the store refused because the object is held where it is: an S3 bucket's Object Lock (a retention period in
 * governance or compliance mode, a legal hold), an Azure container's or blob version's immutability policy (time-based
 * retention) or legal hold, a vendor's compliance or WORM setting. Not a permission the credentials lack and not a
 * failure a retry fixes: the object can be deleted once its retention ends or its legal hold is cleared. Prune keeps
 * such a backup, goes on with the others, and fails at the end naming it.
 *
 * <p>{@link #keys}: from {@link Store#deleteAll}, the keys (as given to it) that were held; every other key given was
 * deleted. Empty from a single {@link Store#delete}: the key deleted is the one held.
 */
public class HeldObjectException extends IOException {
    private final List<String> keys;

    public HeldObjectException(String message) {
        this(message, List.of());
    }

    public HeldObjectException(String message, List<String> keys) {
        super(message);
        this.keys = List.copyOf(keys);
    }

    /** The keys held (of a {@link Store#deleteAll}: the others were deleted); empty for a single delete. */
    public List<String> keys() {
        return keys;
    }

    /**
     * Deletes each of {@code keys} by {@code delete}, one by one, going on past the ones held; throws at the end one
     * {@link HeldObjectException} naming every key held (its message the first refusal's), or the first other failure
     * at once.
     */
    public static void deleteEach(List<String> keys, Deleter delete) throws IOException {
        List<String> held = new java.util.ArrayList<>();
        String first = null;
        for (String key : keys) {
            try {
                delete.delete(key);
            } catch (HeldObjectException e) {
                held.add(key);
                first = first == null ? e.getMessage() : first;
            }
        }
        if (!held.isEmpty()) {
            throw new HeldObjectException(first, held);
        }
    }

    /** One key's delete. */
    @FunctionalInterface
    public interface Deleter {
        void delete(String key) throws IOException;
    }
}
