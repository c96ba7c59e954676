package io.dbbackup.codec;

/**
 * The bytes read are not the ones the sidecar records ({@link VerifyingInputStream#mismatchOf}): known apart from other
 * integrity failures (an archive that does not decode whose checksum holds), so that a restore whose check passed can
 * tell that its second read got other bytes.
 */
public final class ChecksumMismatchException extends IntegrityException {
    public ChecksumMismatchException(String message) {
        super(message);
    }

    /** Whether {@code e} or one of its causes is a {@link ChecksumMismatchException}. */
    public static boolean in(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ChecksumMismatchException) {
                return true;
            }
        }
        return false;
    }
}
