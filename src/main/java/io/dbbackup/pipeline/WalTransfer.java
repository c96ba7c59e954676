package io.dbbackup.pipeline;

import io.dbbackup.codec.Codecs;
import io.dbbackup.codec.Decryptor;
import io.dbbackup.codec.Encryptor;
import io.dbbackup.codec.HashingOutputStream;
import io.dbbackup.codec.IntegrityException;
import io.dbbackup.core.WalKey;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.Store;
import io.dbbackup.spi.Upload;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One archived WAL file as a stream: {@code file → SHA-256 → compress → (encrypt) → store} on push,
 * {@code store → (decrypt) → decompress → SHA-256 → file} on fetch. The digest of the file as PostgreSQL
 * wrote it is part of the key ({@link WalKey}), so both directions check the bytes against it.
 */
public final class WalTransfer {
    private WalTransfer() {
    }

    /**
     * Uploads {@code source} under {@code key}; it becomes visible only if the bytes read hash to
     * {@code key.sha256()} (the file is read a second time: it must not have changed since it was hashed).
     * Returns the stored size.
     */
    public static long push(Store store, WalKey key, InputStream source, int level, Encryptor encryptor,
                            OperationContext ctx) throws IOException {
        try (Upload upload = store.upload(key.key(), ctx)) {
            HashingOutputStream stored = new HashingOutputStream(upload.stream());
            OutputStream chain = encryptor == null ? stored : encryptor.encrypt(stored);
            chain = Codecs.compress(chain, key.compression(), level);
            HashingOutputStream raw = new HashingOutputStream(chain);
            try (raw) {
                source.transferTo(raw);
            }
            if (!raw.hex().equals(key.sha256())) {
                throw new IOException(key.file().name() + " changed while it was being archived (SHA-256 "
                        + raw.hex() + ", expected " + key.sha256() + ")");
            }
            upload.commit();
            return stored.count();
        }
    }

    /**
     * Writes the decoded content of {@code key} to {@code out}; throws {@link IntegrityException} when the
     * object does not decode or its content does not hash to the digest in its name. Returns the size.
     */
    public static long fetch(Store store, WalKey key, Decryptor decryptor, OutputStream out) throws IOException {
        HashingOutputStream hashing = new HashingOutputStream(out);
        try (InputStream raw = store.open(key.key())) {
            InputStream in = new SourceReads(raw);
            try {
                if (key.encrypted()) {
                    in = decryptor.decrypt(in);
                }
                in = Codecs.decompress(in, key.compression());
                in.transferTo(hashing);
            } catch (IntegrityException e) {
                throw e;
            } catch (IOException e) {
                if (e instanceof io.dbbackup.codec.SourceReadException) {
                    throw e;
                }
                throw new IntegrityException(key.key() + " is corrupt: it does not decode as " + key.compression().id()
                        + (key.encrypted() ? " (age)" : "") + ": " + e.getMessage(), e);
            }
        }
        if (!hashing.hex().equals(key.sha256())) {
            throw new IntegrityException(key.key() + " is corrupt: its content hashes to " + hashing.hex()
                    + ", not to the SHA-256 in its name");
        }
        return hashing.count();
    }

    /** Marks failures of the store stream itself, so that they are not taken for corrupt content. */
    private static final class SourceReads extends java.io.FilterInputStream {
        SourceReads(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (IOException e) {
                throw new io.dbbackup.codec.SourceReadException(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (IOException e) {
                throw new io.dbbackup.codec.SourceReadException(e);
            }
        }
    }
}
