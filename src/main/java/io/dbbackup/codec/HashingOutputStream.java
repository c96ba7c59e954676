package io.dbbackup.codec;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;

/** Passes bytes through while computing their SHA-256 and counting them. */
public final class HashingOutputStream extends FilterOutputStream {
    private final MessageDigest digest = Sha256.newDigest();
    private long count;
    private String hex;

    public HashingOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        digest.update((byte) b);
        count++;
        out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        digest.update(b, off, len);
        count += len;
        out.write(b, off, len);
    }

    public long count() {
        return count;
    }

    /** The digest of everything written; call once writing is over. */
    public String hex() {
        if (hex == null) {
            hex = Sha256.hex(digest.digest());
        }
        return hex;
    }
}
