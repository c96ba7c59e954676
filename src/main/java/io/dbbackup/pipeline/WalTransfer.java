package io.dbbackup.pipeline;

import io.dbbackup.codec.Codecs;
import io.dbbackup.codec.Decryptor;
import io.dbbackup.codec.Encryptor;
import io.dbbackup.codec.HashingOutputStream;
import io.dbbackup.codec.IntegrityException;
import io.dbbackup.codec.WrongKeyException;
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
     * object does not decode or its content does not hash to the digest in its name; a write to {@code out} that fails
     * as a {@link io.dbbackup.core.LocalFileException} (a full disk) passes as it is. Returns the size.
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
            } catch (WrongKeyException e) {
                throw e.about(key.key(), null);
            } catch (IOException e) {
                if (e instanceof io.dbbackup.codec.SourceReadException || e instanceof io.dbbackup.core.LocalFileException) {
                    throw e; // the store's read, or the write of what it decodes to: neither is damage in the file
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

    /** What {@link #copy} stored: its size, and whether its content was checked against the digest in its name. */
    public record Copied(long bytes, boolean checked) {
    }

    /**
     * Copies {@code key} from {@code from} to {@code target} in {@code to} as stored (no re-compression, no re-encryption),
     * in one read: the stored bytes go to the upload as they are read, and through the decoder whose output must hash
     * to the digest in the name before the upload is committed. An encrypted file that {@code decryptor} (none, or one
     * whose keys do not open it) cannot decode is copied unchecked (a fetch checks it): a key missing on this host must
     * not keep the archive from its second store. Throws {@link IntegrityException} for a file that does not decode or
     * hash as its name says (nothing is stored then).
     */
    public static Copied copy(Store from, WalKey key, Store to, WalKey target, Decryptor decryptor, OperationContext ctx)
            throws IOException {
        // the hook dropped once this copy ended: a copy job's run copies thousands of files in one operation
        try (Upload upload = to.upload(target.key(), ctx); InputStream raw = from.open(key.key());
             var stop = ctx.cancellation().onCancel(() -> {
                 try {
                     raw.close();
                 } catch (IOException ignored) {
                     // the read below fails and reports the cancellation
                 }
             })) {
            TeeInputStream tee = new TeeInputStream(new SourceReads(raw), upload.stream());
            InputStream in = tee;
            if (key.encrypted()) {
                in = decryptor == null ? null : openOrNull(decryptor, tee);
            }
            if (in != null) {
                HashingOutputStream hashing = new HashingOutputStream(OutputStream.nullOutputStream());
                try {
                    Codecs.decompress(in, key.compression()).transferTo(hashing);
                } catch (IntegrityException | io.dbbackup.codec.SourceReadException e) {
                    throw e;
                } catch (IOException e) {
                    ctx.cancellation().throwIfCancelled();
                    throw new IntegrityException(key.key() + " is corrupt: it does not decode as " + key.compression().id()
                            + (key.encrypted() ? " (age)" : "") + ": " + e.getMessage(), e);
                }
                if (!hashing.hex().equals(key.sha256())) {
                    throw new IntegrityException(key.key() + " is corrupt: its content hashes to " + hashing.hex()
                            + ", not to the SHA-256 in its name");
                }
            }
            tee.transferTo(OutputStream.nullOutputStream()); // what the decoder did not need (or all, unchecked)
            ctx.cancellation().throwIfCancelled();
            upload.stream().close();
            upload.commit();
            return new Copied(tee.count(), in != null);
        }
    }

    /** The decrypted stream, or null when these keys do not open the file (its header read, and copied, either way). */
    private static InputStream openOrNull(Decryptor decryptor, InputStream in) throws IOException {
        try {
            return decryptor.decrypt(in);
        } catch (WrongKeyException e) {
            return null; // no identity of this host's opens it: not a sign of damage
        }
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
