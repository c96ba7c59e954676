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
        return withDetail(mismatch, "decoding it failed", decoderError);
    }

    /**
     * {@code mismatch} found after {@code verify --deep}'s engine check failed on the same bytes: the engine's words
     * ("pg_restore cannot read the archive to its end: …") kept after "; the deep check failed: ", and as a suppressed
     * exception. The mismatch is the diagnosis; the engine's words say what the damage did to the backup. Not added when
     * the engine only passed the mismatch on (its failure is the mismatch met through its read).
     */
    public static IntegrityException withEngineDetail(IntegrityException mismatch, Throwable engineError) {
        if (engineError != null && (in(engineError) || engineError.getMessage() != null
                && engineError.getMessage().contains(mismatch.getMessage()))) {
            if (engineError != mismatch) {
                mismatch.addSuppressed(engineError);
            }
            return mismatch;
        }
        return withDetail(mismatch, "the deep check failed", engineError);
    }

    /** {@code mismatch} with "; {@code clause}: " and {@code error}'s words after its own, once. */
    private static IntegrityException withDetail(IntegrityException mismatch, String clause, Throwable error) {
        if (!(mismatch instanceof ChecksumMismatchException) || error == null || error.getMessage() == null
                || mismatch.getMessage().contains("; " + clause + ": ")) {
            if (error != null && error != mismatch) {
                mismatch.addSuppressed(error);
            }
            return mismatch;
        }
        ChecksumMismatchException said = new ChecksumMismatchException(mismatch.getMessage() + "; " + clause + ": "
                + error.getMessage());
        said.initCause(mismatch);
        said.addSuppressed(error);
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
