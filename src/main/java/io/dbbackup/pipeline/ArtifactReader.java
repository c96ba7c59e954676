package io.dbbackup.pipeline;

import io.dbbackup.codec.Codecs;
import io.dbbackup.codec.Decryptor;
import io.dbbackup.codec.IntegrityException;
import io.dbbackup.codec.Sha256;
import io.dbbackup.codec.SourceReadException;
import io.dbbackup.codec.VerifyingInputStream;
import io.dbbackup.core.BackupKey;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.spi.NoSuchKeyException;
import io.dbbackup.spi.Store;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a stored backup back: {@code store → SHA-256 check → (decrypt) → decompress}. The format
 * comes from the key. The decoded stream ends cleanly only if the whole object was read and its
 * digest matches the sidecar; otherwise the reader gets an {@link IntegrityException}.
 */
public final class ArtifactReader {
    private static final int VERIFY_BUFFER = 256 * 1024;

    private final Store store;

    public ArtifactReader(Store store) {
        this.store = store;
    }

    /** The digest recorded in the key's {@code .sha256} sidecar; a missing or malformed one is an integrity error. */
    public String expectedSha256(BackupKey key) {
        byte[] content;
        try (InputStream in = store.open(key.sha256Key())) {
            content = in.readNBytes(4096);
        } catch (NoSuchKeyException e) {
            throw DbBackupException.integrity("no checksum sidecar " + key.sha256Key() + ": cannot verify " + key.key());
        } catch (IOException e) {
            throw Failures.map("cannot read " + key.sha256Key(), e);
        }
        return Sha256.parseSidecar(content, key.fileName()).orElseThrow(() ->
                DbBackupException.integrity("malformed checksum sidecar " + key.sha256Key()));
    }

    /** Opens the decoded dump; closing it closes the store stream. */
    public InputStream open(BackupKey key, Decryptor decryptor) throws IOException {
        return open(key, decryptor, true);
    }

    /**
     * Opens the stored bytes checked against the sidecar as they flow, decrypted when {@code decryptor}
     * is given (and the key is encrypted) and decompressed when {@code decompress}; with neither, the
     * stream is the stored artifact unchanged. It ends cleanly only when every stored byte was read and
     * the digest matched; closing it closes the store stream.
     */
    public Decoded open(BackupKey key, Decryptor decryptor, boolean decompress) throws IOException {
        String expected = expectedSha256(key);
        InputStream raw;
        try {
            raw = store.open(key.key());
        } catch (NoSuchKeyException e) {
            throw DbBackupException.user("no backup " + key.key() + " in " + store.describe());
        }
        VerifyingInputStream verifying = new VerifyingInputStream(raw, expected, key.key());
        InputStream decoded = verifying;
        try {
            if (key.encrypted() && (decompress || decryptor != null)) {
                if (decryptor == null) {
                    raw.close();
                    throw DbBackupException.user(key.key() + " is encrypted: give an identity or passphrase to decrypt it");
                }
                decoded = decryptor.decrypt(decoded);
            }
            if (decompress) {
                decoded = Codecs.decompress(decoded, key.compression());
            }
        } catch (SourceReadException | IntegrityException e) {
            raw.close();
            throw e;
        } catch (IOException e) {
            // the header did not decode: find out whether the bytes are corrupt or merely not what the key says
            try {
                verifying.drain();
            } catch (IntegrityException mismatch) {
                raw.close();
                throw mismatch;
            }
            raw.close();
            throw new IntegrityException(key.key() + " does not decode as " + key.compression().id() + ": " + e.getMessage(), e);
        }
        return new Decoded(decoded, verifying, key);
    }

    /** Reads the whole artifact, checking digest and decodability; returns the decoded size. */
    public long verify(BackupKey key, Decryptor decryptor) throws IOException {
        try (InputStream in = open(key, decryptor)) {
            // 256 KiB reads, not transferTo's 8 KiB: a fraction of the calls into the native decoder
            byte[] buf = new byte[VERIFY_BUFFER];
            long total = 0;
            int n;
            while ((n = in.read(buf, 0, buf.length)) >= 0) {
                total += n;
            }
            return total;
        }
    }

    /**
     * The decoded stream: at its end it drains the stored object so the digest covers every byte;
     * decoder errors become integrity errors (after checking whether the digest also fails).
     */
    public static final class Decoded extends FilterInputStream {
        private final VerifyingInputStream verifying;
        private final BackupKey key;

        private Decoded(InputStream decoded, VerifyingInputStream verifying, BackupKey key) {
            super(decoded);
            this.verifying = verifying;
            this.key = key;
        }

        /** Stored (encoded) bytes read so far, for progress. */
        public long storedBytes() {
            return verifying.count();
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = in.read(b, off, len);
            } catch (SourceReadException | IntegrityException e) {
                throw e;
            } catch (IOException e) {
                drainAfterDecoderError(e);
                throw new IntegrityException(key.key() + " is corrupt: " + e.getMessage(), e);
            }
            if (n < 0) {
                verifying.drain();
            }
            return n;
        }

        private void drainAfterDecoderError(IOException decoderError) throws IOException {
            try {
                verifying.drain();
            } catch (IntegrityException mismatch) {
                mismatch.addSuppressed(decoderError);
                throw mismatch;
            }
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buf = new byte[(int) Math.min(n, 1 << 16)];
            int r = read(buf, 0, buf.length);
            return Math.max(r, 0);
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
