package io.dbbackup.codec;

import io.dbbackup.core.SingleByte;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Reads the stored bytes of an artifact, hashing them; at end of stream it compares the digest
 * with the expected one and throws {@link IntegrityException} instead of returning end-of-stream
 * when they differ, so a consumer never sees a clean end of corrupt data. Errors of the source
 * itself are wrapped in {@link SourceReadException} to tell them from corruption.
 */
public final class VerifyingInputStream extends FilterInputStream {
    /**
     * Decides about bytes whose digest is not the expected one: throws (the default: a plain mismatch), or returns
     * to accept them because another record of the same bytes vouches for them.
     */
    @FunctionalInterface
    public interface Mismatch {
        void handle(String expectedHex, String actualHex, long count) throws IntegrityException;
    }

    private final MessageDigest digest = Sha256.newDigest();
    private final String expectedHex;
    private final Mismatch mismatch;
    private long count;
    private boolean checked;
    private String actualHex;

    public VerifyingInputStream(InputStream in, String expectedHex, String name) {
        this(in, expectedHex, name, null);
    }

    /** {@code mismatch}: asked when the digest is not {@code expectedHex} (null: always a failure). */
    public VerifyingInputStream(InputStream in, String expectedHex, String name, Mismatch mismatch) {
        super(in);
        this.expectedHex = expectedHex;
        this.mismatch = mismatch != null ? mismatch : (expected, actual, n) -> {
            throw mismatchOf(name, expected, actual, n);
        };
    }

    /** What a checksum mismatch means, said by every command that finds one (verify, restore, download, copy). */
    public static final String CHANGED = "it does not match its checksum (the stored bytes changed since the backup)";

    /** "checksum mismatch for NAME: expected E, got A (N bytes): it does not match its checksum (…)". */
    public static IntegrityException mismatchOf(String name, String expectedHex, String actualHex, long count) {
        return new ChecksumMismatchException("checksum mismatch for " + name + ": expected " + expectedHex + ", got " + actualHex
                + " (" + count + " bytes): " + CHANGED);
    }

    @Override
    public int read() throws IOException {
        return SingleByte.read(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n;
        try {
            n = in.read(b, off, len);
        } catch (IOException e) {
            throw new SourceReadException(e);
        }
        if (n > 0) {
            digest.update(b, off, n);
            count += n;
        } else if (n < 0) {
            check();
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[(int) Math.min(n, Codecs.BUFFER)];
        int r = read(buf, 0, buf.length);
        return Math.max(r, 0);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Reads whatever is left (a decoder may stop before the end) so that the whole object is checked. */
    public void drain() throws IOException {
        byte[] buf = new byte[Codecs.BUFFER];
        while (read(buf, 0, buf.length) >= 0) {
            // hashing happens in read
        }
    }

    private void check() throws IntegrityException {
        if (checked) {
            return;
        }
        checked = true;
        String actual = Sha256.hex(digest.digest());
        if (!actual.equalsIgnoreCase(expectedHex)) {
            mismatch.handle(expectedHex, actual, count);
        }
        actualHex = actual;
    }

    public long count() {
        return count;
    }

    public boolean verified() {
        return checked;
    }

    /** The digest of every byte read, once the end was reached and accepted; null before. */
    public String actualHex() {
        return actualHex;
    }
}
