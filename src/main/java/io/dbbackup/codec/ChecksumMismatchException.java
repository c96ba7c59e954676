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

    /**
     * {@code mismatch} found after a decoder failed on the same bytes: its words ("Corrupt GZIP trailer") kept as detail,
     * and as a suppressed exception. The mismatch is the diagnosis (verify says the same); the decoder only met it.
     */
    public static IntegrityException withDecoderDetail(IntegrityException mismatch, Throwable decoderError) {
        if (!(mismatch instanceof ChecksumMismatchException) || decoderError == null || decoderError.getMessage() == null
                || mismatch.getMessage().contains("; decoding it failed: ")) {
            if (decoderError != null && decoderError != mismatch) {
                mismatch.addSuppressed(decoderError);
            }
            return mismatch;
        }
        ChecksumMismatchException said = new ChecksumMismatchException(mismatch.getMessage() + "; decoding it failed: "
                + decoderError.getMessage());
        said.initCause(mismatch);
        said.addSuppressed(decoderError);
        return said;
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
