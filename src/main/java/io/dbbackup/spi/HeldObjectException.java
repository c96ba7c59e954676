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
     * {@link HeldObjectException} naming every key held (its message the first refusal's). Another failure stops it
     * there, thrown as it was (its type, whether a retry may fix it, its advice), its line led by the count of the keys
     * held before it and the first of them ({@link #heldThen}) when there were some.
     *
     * @param store the store, as {@link Store#describe} says it, for that line
     */
    public static void deleteEach(String store, List<String> keys, Deleter delete) throws IOException {
        List<String> held = new java.util.ArrayList<>();
        String first = null;
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            try {
                delete.delete(key);
            } catch (HeldObjectException e) {
                held.add(key);
                first = first == null ? e.getMessage() : first;
            } catch (IOException | io.dbbackup.core.DbBackupException e) {
                if (held.isEmpty()) {
                    throw e;
                }
                throw heldThen("delete of " + io.dbbackup.core.Human.count(keys.size(), "object") + " in " + store,
                        keys.size(), i, held.size(), held.get(0), e);
            }
        }
        if (!held.isEmpty()) {
            throw new HeldObjectException(first, held);
        }
    }

    /**
     * A delete of {@code asked} keys ({@code deleteOf}: "delete of 1010 objects in s3 s3://…", the store's kind said once, by {@link Store#describe}) that failed at the key of
     * index {@code failedAt} for another reason than a lock ({@code failure}: a missing permission, the service's "try
     * again") after a lock held {@code held} keys before it, the first {@code first}: the failure as it was (its type,
     * whether a retry may fix it, its advice), its line led by the count of the keys held and the first of them, which
     * it used to lose. A {@link io.dbbackup.core.DbBackupException} is thrown, anything else returned.
     */
    public static IOException heldThen(String deleteOf, int asked, int failedAt, int held, String first, Exception failure) {
        return heldThen(deleteOf, failedAt - held, 1, asked - failedAt - 1, held, first, failure);
    }

    /**
     * As {@link #heldThen(String, int, int, int, String, Exception)}, for a delete whose requests run at once (Azure's
     * parallel deleteAll), counted as they ended rather than by where the failure stopped: {@code deleted} keys
     * deleted, {@code failed} that failed for another reason than a lock ({@code failure} the first of them in the
     * order given; when more, their count is said), {@code notTried} not tried once a failure stopped the delete,
     * {@code held} held by a lock, the first {@code first}.
     */
    public static IOException heldThen(String deleteOf, int deleted, int failed, int notTried, int held, String first,
                                       Exception failure) {
        String line = io.dbbackup.core.Redactor.redact(deleteOf + " failed for " + (held + failed) + " of them ("
                + (deleted <= 0 ? "none was deleted" : deleted + (deleted == 1 ? " was" : " were") + " deleted")
                + (notTried > 0 ? ", " + notTried + " not tried" : "") + "): " + held + " held by a lock, first " + first
                + "; then " + (failed > 1 ? failed + " failed for another reason, the first: " : "") + failure.getMessage());
        if (failure instanceof io.dbbackup.core.DbBackupException d) {
            throw new io.dbbackup.core.DbBackupException(d.status(), line, d, d.retryable());
        }
        IOException said = failure instanceof java.io.InterruptedIOException
                ? new java.io.InterruptedIOException(line) : new IOException(line);
        said.initCause(failure);
        return said;
    }

    /** One key's delete. */
    @FunctionalInterface
    public interface Deleter {
        void delete(String key) throws IOException;
    }
}
