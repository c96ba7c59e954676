package io.dbbackup.pipeline;

import io.dbbackup.codec.ChecksumMismatchException;
import io.dbbackup.codec.Codecs;
import io.dbbackup.codec.Decryptor;
import io.dbbackup.codec.EncryptedFor;
import io.dbbackup.codec.age.AgeHeaderStanzas;
import io.dbbackup.codec.IntegrityException;
import io.dbbackup.codec.Sha256;
import io.dbbackup.codec.SourceReadException;
import io.dbbackup.codec.VerifyingInputStream;
import io.dbbackup.codec.WrongKeyException;
import io.dbbackup.core.BackupKey;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.DeletedSinceListedException;
import io.dbbackup.core.Json;
import io.dbbackup.core.Log;
import io.dbbackup.core.RecordedSize;
import io.dbbackup.core.SingleByte;
import io.dbbackup.spi.NoSuchKeyException;
import io.dbbackup.spi.Store;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads a stored backup back: {@code store → SHA-256 check → (decrypt) → decompress}. The format
 * comes from the key. The decoded stream ends cleanly only if the whole object was read and its
 * digest matches the sidecar; otherwise the reader gets an {@link IntegrityException}.
 */
public final class ArtifactReader {
    private static final int VERIFY_BUFFER = 256 * 1024;

    private final Store store;
    private final boolean manifestFallback;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /** A reader that needs the {@code .sha256} sidecar (verify, the check after a backup). */
    public ArtifactReader(Store store) {
        this(store, false);
    }

    private ArtifactReader(Store store, boolean manifestFallback) {
        this.store = store;
        this.manifestFallback = manifestFallback;
    }

    /**
     * A reader for getting data back (restore, download): when the sidecar is missing or malformed, it
     * checks the bytes against the SHA-256 the backup's manifest recorded for the same key, and says so.
     * On the day of a restore a lost sidecar must not leave only an unchecked manual restore.
     */
    public static ArtifactReader forRecovery(Store store) {
        return new ArtifactReader(store, true);
    }

    /**
     * The digest recorded in the key's {@code .sha256} sidecar; a missing or malformed one is an integrity
     * error — unless this reader is {@link #forRecovery} and the manifest records the digest.
     */
    public String expectedSha256(BackupKey key) {
        String problem;
        try (InputStream in = store.open(key.sha256Key())) {
            byte[] content = in.readNBytes(4096);
            Optional<String> hex = Sha256.parseSidecar(content, key.fileName());
            if (hex.isPresent()) {
                return hex.get();
            }
            problem = Sha256.sidecarFileName(content)
                    .map(other -> "checksum sidecar " + store.nameOf(key.sha256Key()) + " is for another file, " + other
                            + ", not " + key.fileName() + " (copied or renamed with its sidecars?)")
                    .orElse("malformed checksum sidecar " + store.nameOf(key.sha256Key()));
        } catch (NoSuchKeyException e) {
            problem = "no checksum sidecar " + store.nameOf(key.sha256Key());
            requireArtifact(key);
        } catch (IOException e) {
            throw Failures.map("cannot read " + key.sha256Key(), e);
        }
        Optional<String> recorded = manifestSha256(key);
        if (manifestFallback && recorded.isPresent()) {
            if (warned.add(key.key())) { // once, though a restore reads the backup twice (check, then restore)
                Log.get().warn(problem + ": checking " + store.nameOf(key.key()) + " against the SHA-256 its manifest recorded "
                        + "instead (" + putBack(key, recorded.get()) + ")", "manifest", store.nameOf(key.manifestKey()), "sha256", recorded.get());
            }
            return recorded.get();
        }
        throw DbBackupException.integrity(problem + ": cannot verify " + key.key()
                + (recorded.isPresent() ? " (its manifest records sha256 " + recorded.get()
                + ": restore and download check against that; " + putBack(key, recorded.get()) + ")" : manifestOfAnother(key).map(other -> " (and its manifest "
                + key.manifestKey() + " describes another backup, " + other + ")").orElse(" (nor does a manifest record its SHA-256)")
                + ", and a backup is "
                + "never read unchecked: put its sidecar back beside it ('sha256sum " + key.fileName() + " > "
                + key.fileName() + BackupKey.SHA256_SUFFIX + "' in its folder writes one — only if you trust these bytes) or "
                + "take another backup"));
    }

    /**
     * How to put back the missing sidecar of {@code key} with the digest its manifest records, in the store's own terms
     * ({@link Store#howToWrite}): safe whatever the bytes are, since the next verify checks them against it.
     */
    private String putBack(BackupKey key, String recorded) {
        return "to put the sidecar back as the manifest records it, " + store.howToWrite(key.sha256Key(), recorded + "  "
                + key.fileName()) + " writes it, and verify then checks the bytes against it";
    }

    /**
     * Bytes whose digest is not the sidecar's: when it is the digest the manifest recorded for the same key, the
     * sidecar is what was damaged (a restore goes on, with a warning; verify still fails, and says so), else the bytes
     * are corrupt.
     */
    private void mismatch(BackupKey key, String sidecar, String actual, long count) throws IntegrityException {
        IntegrityException corrupt = VerifyingInputStream.mismatchOf(key.key(), sidecar, actual, count);
        Optional<Map<?, ?>> manifest = manifestOf(key); // read once: its digest, then perhaps its size
        Optional<String> recorded = sha256Of(manifest);
        if (recorded.isEmpty() || !recorded.get().equalsIgnoreCase(actual)) {
            OptionalLong size = sizeOf(manifest);
            if (size.isPresent() && count != size.getAsLong()) { // cut short, or longer as list and prune word it
                throw new ChecksumMismatchException(corrupt.getMessage() + "; " + RecordedSize.read(count, size.getAsLong()));
            }
            throw corrupt;
        }
        String damaged = "the checksum sidecar " + store.nameOf(key.sha256Key()) + " records " + sidecar + ", but the bytes of "
                + store.nameOf(key.key()) + " are the ones its manifest recorded (sha256 " + actual + "): the sidecar is damaged";
        if (!manifestFallback) {
            throw new IntegrityException(damaged + " (restore and download check against the manifest; to mend it, write '"
                    + actual + "  " + key.fileName() + "' into the sidecar)");
        }
        if (warned.add(key.key())) {
            Log.get().warn(damaged + ": going on with the bytes the manifest vouches for", "manifest",
                    store.nameOf(key.manifestKey()), "sha256", actual);
        }
    }

    /**
     * A sidecar that is gone with its backup is no damage: the backup was deleted since it was listed (a prune on
     * another host, between a restore's check and its restore). Said as such, not as an integrity failure.
     */
    private void requireArtifact(BackupKey key) {
        try {
            if (store.stat(key.key()).isEmpty()) {
                throw deletedSinceListed(key);
            }
        } catch (IOException e) {
            throw Failures.unreachable(store, key.key(), e);
        }
    }

    private DbBackupException deletedSinceListed(BackupKey key) {
        return new DeletedSinceListedException("backup " + key.key() + " is no longer in " + store.describe()
                + ": it was deleted since it was listed (a prune?)");
    }

    /**
     * The stored object's stream, on which a {@link NoSuchKeyException} of a read (the object deleted since the read began:
     * the request for the rest after a dropped connection found it gone) is the same {@link DeletedSinceListedException}
     * as one gone at open, the store's line (the byte reached) after it — carried as the cause of the read's
     * {@link IOException}, which the decoders and an engine's pump pass on, and which {@link Failures#map} finds. It was
     * "verification of … failed: …", which {@code verify --all-backups} counted as a failure of its audit for a prune.
     */
    private InputStream goneMidRead(InputStream in, BackupKey key) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                return SingleByte.read(this);
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return in.read(b, off, len);
                } catch (NoSuchKeyException gone) {
                    DbBackupException deleted = new DeletedSinceListedException(deletedSinceListed(key).getMessage() + ": "
                            + gone.getMessage(), gone);
                    throw new IOException(deleted.getMessage(), deleted);
                }
            }

            @Override
            public long skip(long n) throws IOException {
                byte[] buf = new byte[(int) Math.min(Math.max(n, 0), 1 << 16)];
                return Math.max(read(buf, 0, buf.length), 0);
            }
        };
    }

    /** The size of the stored object {@code manifest} recorded; empty without a manifest or one that does not say. */
    private static OptionalLong sizeOf(Optional<Map<?, ?>> manifest) {
        return manifest.filter(m -> m.get("size") instanceof Number n && n.longValue() >= 0)
                .map(m -> OptionalLong.of(((Number) m.get("size")).longValue())).orElse(OptionalLong.empty());
    }

    /** The digest the manifest recorded for exactly this key, if the manifest is there and says so. */
    private Optional<String> manifestSha256(BackupKey key) {
        return sha256Of(manifestOf(key));
    }

    /** The digest {@code manifest} recorded, if it says so. */
    private static Optional<String> sha256Of(Optional<Map<?, ?>> manifest) {
        return manifest.filter(m -> m.get("sha256") instanceof String hex && hex.matches("[0-9a-f]{64}"))
                .map(m -> (String) m.get("sha256"));
    }

    /**
     * Whom the manifest recorded this key's backup was encrypted for ({@code age1...}, or {@code passphrase}); empty when
     * it does not say (no manifest, or one written before the field).
     */
    private Optional<java.util.List<String>> manifestRecipients(BackupKey key) {
        return manifestOf(key).filter(m -> m.get("recipients") instanceof java.util.List<?> l && !l.isEmpty()
                        && l.stream().allMatch(String.class::isInstance))
                .map(m -> ((java.util.List<?>) m.get("recipients")).stream().map(String.class::cast).toList());
    }

    /**
     * Whom the encrypted backup {@code key} was encrypted for, read without a key: its manifest's recipients, else what
     * its age header holds (the manifest lost or older), else {@link EncryptedFor#UNKNOWN} (neither readable). For the
     * error of a backup opened without any key: it names the one kind of key it needs.
     */
    public EncryptedFor encryptedFor(BackupKey key) {
        Optional<java.util.List<String>> recipients = manifestRecipients(key);
        return recipients.map(r -> new EncryptedFor(r, -1)).orElseGet(() -> headerOf(store, key.key()));
    }

    /** What the age header of the stored object {@code key} holds, without a key; {@link EncryptedFor#UNKNOWN} when unreadable. */
    public static EncryptedFor headerOf(Store store, String key) {
        try (InputStream in = store.open(key)) {
            return new EncryptedFor(null, AgeHeaderStanzas.count(in));
        } catch (IOException | RuntimeException e) {
            return EncryptedFor.UNKNOWN; // the read that follows (or not) says what is wrong with it; this is a hint only
        }
    }

    /**
     * Decoding a backup that a newer dbbackup wrote in a format this build does not know would read it by older rules:
     * refused (exit 1), naming both formats and the version that made it. Its stored bytes alone (copy, download as
     * stored, verify without a key) are still read: they are checked against the sidecar, whatever they hold.
     */
    private void requireKnownFormat(BackupKey key) {
        Optional<String> tooNew = manifestOf(key).flatMap(m -> Manifest.tooNew(key.key(), m));
        if (tooNew.isPresent()) {
            throw DbBackupException.user(tooNew.get());
        }
    }

    /** The manifest of exactly this key, if it is there and one of ours. */
    /** The key a manifest beside {@code key} describes when it is another's (copied or renamed with it by hand). */
    private Optional<String> manifestOfAnother(BackupKey key) {
        try (InputStream in = store.open(key.manifestKey())) {
            Object parsed = Json.parse(new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8));
            if (parsed instanceof Map<?, ?> m && m.get("key") instanceof String other && !other.equals(key.key())) {
                return Optional.of(other);
            }
        } catch (IOException | RuntimeException e) {
            // no manifest, or not one of ours
        }
        return Optional.empty();
    }

    private Optional<Map<?, ?>> manifestOf(BackupKey key) {
        try (InputStream in = store.open(key.manifestKey())) {
            Object parsed = Json.parse(new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8));
            if (parsed instanceof Map<?, ?> m && key.key().equals(m.get("key"))) {
                return Optional.of(m);
            }
        } catch (IOException | RuntimeException e) {
            // no manifest, or not one of ours: nothing to fall back on
        }
        return Optional.empty();
    }

    /**
     * No key given opens {@code key}: a key problem naming whom the backup was encrypted for — unless one of the
     * identities tried is a recipient the manifest records, whose stanza must then unwrap: its header is damaged; or
     * unless the stored bytes do not match the sidecar (checked when the manifest cannot settle it: a passphrase, or no
     * recipients recorded), which is damage.
     */
    private IOException wrongKey(BackupKey key, WrongKeyException e, VerifyingInputStream verifying, InputStream raw)
            throws IOException {
        Optional<java.util.List<String>> recipients = manifestRecipients(key);
        Optional<String> own = e.triedRecipients().stream().filter(r -> recipients.orElse(java.util.List.of()).contains(r)).findFirst();
        if (own.isPresent()) {
            try {
                verifying.drain(); // damage in the store says so as a checksum mismatch
            } finally {
                raw.close();
            }
            return new IntegrityException(key.key() + " is corrupt: its age header is damaged: identity " + own.get()
                    // caused by what age met, not by the WrongKeyException: damage the read-back must not take for a key problem
                    + " is one of the recipients its manifest records, yet unwraps no stanza of it", e.getCause());
        }
        boolean certain = recipients.isPresent() && !recipients.get().contains("passphrase");
        if (!certain) {
            // a passphrase that unwraps nothing, or recipients not recorded: a wrong key and a stanza damaged in the store
            // look alike to age; the stored bytes tell them apart (a recorded recipient list without the identities tried
            // says the key is wrong, whatever else may be)
            try {
                verifying.drain();
            } catch (IntegrityException mismatch) {
                raw.close();
                return mismatch;
            }
        }
        raw.close();
        return e.about(key.key(), recipients.orElse(null));
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
        if (decompress || decryptor != null) {
            requireKnownFormat(key);
        }
        String expected = expectedSha256(key);
        InputStream raw;
        try {
            raw = goneMidRead(store.open(key.key()), key);
        } catch (NoSuchKeyException e) {
            // the key was listed or looked up (Catalog.resolve) before: gone now, a prune took it meanwhile
            throw deletedSinceListed(key);
        }
        VerifyingInputStream verifying = new VerifyingInputStream(raw, expected, key.key(),
                (sidecar, actual, count) -> mismatch(key, sidecar, actual, count));
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
        } catch (SourceReadException e) {
            raw.close();
            throw e;
        } catch (IntegrityException e) {
            throw damage(key, verifying, raw, e);
        } catch (WrongKeyException e) {
            throw wrongKey(key, e, verifying, raw);
        } catch (java.io.InterruptedIOException e) {
            if (!(e instanceof java.net.SocketTimeoutException)) {
                raw.close(); // a signal or a timeout stopped the decoder's start (scrypt): no finding about the bytes
                throw e;
            }
            throw undecodable(key, verifying, raw, e);
        } catch (RuntimeException e) {
            raw.close(); // e.g. scrypt's memory: this JVM cannot open it; the store's stream must not stay open
            throw e;
        } catch (IOException e) {
            throw undecodable(key, verifying, raw, e);
        }
        return new Decoded(decoded, verifying, key, raw);
    }

    /**
     * The decoder found damage ({@code found}, e.g. an age header's MAC or payload chunk): a checksum mismatch when the
     * stored bytes are not the ones the sidecar records (changed in the store), else {@code found} naming the backup.
     */
    private static IntegrityException damage(BackupKey key, VerifyingInputStream verifying, InputStream raw, IntegrityException found)
            throws IOException {
        try {
            if (!verifying.verified()) { // the checksum's own finding has already been made when verified
                verifying.drain();
            }
        } catch (IntegrityException mismatch) {
            return ChecksumMismatchException.withDecoderDetail(mismatch, found);
        } finally {
            raw.close();
        }
        return verifying.actualHex() != null ? writtenWrong(key, verifying, found) : named(key, found);
    }

    /**
     * The decoder failed on bytes that match their checksum: they were bad already when it was taken, a fault in writing
     * the backup (or in what wrote its sidecar), not damage in the store — worse than a checksum mismatch, and said apart
     * from one: an older backup made the same way may be as bad.
     */
    static IntegrityException writtenWrong(BackupKey key, VerifyingInputStream verifying, IOException e) {
        return new IntegrityException(key.key() + " does not decode, although its stored bytes match their checksum"
                + (verifying.actualHex() == null ? "" : " (sha256 " + verifying.actualHex() + ")") + ": they were already bad "
                + "when the checksum was taken (a fault in writing the backup, not damage in the store): " + e.getMessage(), e);
    }

    /** The {@link ChecksumMismatchException} {@code e} is or was caused by (a decoder that met it wraps it), or null. */
    private static IntegrityException mismatchIn(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ChecksumMismatchException m) {
                return m;
            }
        }
        return null;
    }

    /** {@code e} with the backup's key in front, unless it names it already (a checksum mismatch does). */
    private static IntegrityException named(BackupKey key, IntegrityException e) {
        return e.getMessage() != null && e.getMessage().contains(key.key()) ? e : new IntegrityException(key.key() + ": " + e.getMessage(), e);
    }

    /** The header did not decode: whether the bytes are corrupt (the digest fails) or merely not what the key says. */
    private static IOException undecodable(BackupKey key, VerifyingInputStream verifying, InputStream raw, IOException e)
            throws IOException {
        try {
            verifying.drain();
        } catch (IntegrityException mismatch) {
            raw.close();
            throw ChecksumMismatchException.withDecoderDetail(mismatch, e);
        }
        raw.close();
        return writtenWrong(key, verifying, new IOException("it does not decode as " + key.compression().id() + ": "
                + e.getMessage(), e));
    }

    /** Reads the whole artifact, checking digest and decodability; returns the decoded size. */
    public long verify(BackupKey key, Decryptor decryptor) throws IOException {
        return verify(key, decryptor, null);
    }

    /**
     * As {@link #verify(BackupKey, Decryptor)}, stopped by {@code cancellation} (may be null) even while a read waits
     * on a stalled connection: the store's stream is closed under it.
     */
    public long verify(BackupKey key, Decryptor decryptor, io.dbbackup.spi.Cancellation cancellation) throws IOException {
        try (Decoded in = open(key, decryptor, true)) {
            return drain(in, cancellation);
        }
    }

    /**
     * The stored bytes alone checked against the sidecar, not decoded (an encrypted backup with no key here to open
     * it); returns how many there are. Stopped by {@code cancellation} (may be null) as {@link #verify} is.
     */
    public long verifyStored(BackupKey key, io.dbbackup.spi.Cancellation cancellation) throws IOException {
        try (Decoded in = open(key, null, false)) {
            drain(in, cancellation);
            return in.storedBytes();
        }
    }

    /** {@code in} to its end, stopped by {@code cancellation} even while a read waits on a stalled connection. */
    private static long drain(Decoded in, io.dbbackup.spi.Cancellation cancellation) throws IOException {
        if (cancellation == null) {
            return drain((InputStream) in, null);
        }
        // dropped once the read ended: an operation reading many backups (verify --all-backups) keeps none of them
        try (var stop = cancellation.onCancel(() -> in.abortRead(cancellation.reason()))) {
            return drain((InputStream) in, cancellation);
        }
    }

    /** Reads {@code in} to its end and returns how many bytes it gave. */
    public static long drain(InputStream in) throws IOException {
        return drain(in, null);
    }

    /** The same, stopping when {@code cancellation} (null: none) is cancelled (a signal) between two reads. */
    public static long drain(InputStream in, io.dbbackup.spi.Cancellation cancellation) throws IOException {
        // 256 KiB reads, not transferTo's 8 KiB: a fraction of the calls into the native decoder
        byte[] buf = new byte[VERIFY_BUFFER];
        long total = 0;
        int n;
        while ((n = in.read(buf, 0, buf.length)) >= 0) {
            total += n;
            if (cancellation != null) {
                cancellation.throwIfCancelled();
            }
        }
        return total;
    }

    /**
     * The decoded stream: at its end it drains the stored object so the digest covers every byte;
     * decoder errors become integrity errors (after checking whether the digest also fails).
     */
    public static final class Decoded extends FilterInputStream {
        private final VerifyingInputStream verifying;
        private final BackupKey key;
        private final InputStream raw;
        private volatile String abortedFor;

        private Decoded(InputStream decoded, VerifyingInputStream verifying, BackupKey key, InputStream raw) {
            super(decoded);
            this.verifying = verifying;
            this.key = key;
            this.raw = raw;
        }

        /**
         * Stops the read from another thread (a cancellation): closes the store's stream, whose store then closes the
         * connection, so that a read blocked on a stalled one fails at once. The decoders are left to the reader.
         */
        public void abortRead() {
            abortRead(null);
        }

        /**
         * {@link #abortRead()} for {@code reason} (a cancellation's: "signal SIGTERM"): the read it stops fails as an
         * {@link java.io.InterruptedIOException} "cancelled: REASON", which {@link Failures#map} says as interrupted, not
         * as the store stream's failure to read once closed (it was "failed: SourceReadException").
         */
        public void abortRead(String reason) {
            abortedFor = reason == null ? "the read was stopped" : reason;
            try {
                raw.close();
            } catch (IOException | RuntimeException ignored) {
                // the read fails either way
            }
        }

        /**
         * The SHA-256 of the stored bytes, once all were read and found good (the sidecar's, or when that one is
         * damaged, the manifest's); null before.
         */
        public String sha256() {
            return verifying.actualHex();
        }

        /** Stored (encoded) bytes read so far, for progress. */
        public long storedBytes() {
            return verifying.count();
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
            } catch (SourceReadException e) {
                throw stopped(e);
            } catch (IntegrityException e) {
                IntegrityException met = mismatchIn(e);
                if (met != null && met != e) { // a decoder that met the mismatch at the end wrapped it: the mismatch is the finding
                    throw ChecksumMismatchException.withDecoderDetail(met, e);
                }
                if (!verifying.verified()) {
                    drainAfterDecoderError(e);
                }
                throw met == null && verifying.actualHex() != null ? writtenWrong(key, verifying, e) : named(key, e);
            } catch (IOException e) {
                if (abortedFor != null) { // a decoder's words for its source closed under it: no finding about the bytes
                    throw (IOException) new java.io.InterruptedIOException("cancelled: " + abortedFor).initCause(e);
                }
                IntegrityException met = mismatchIn(e);
                if (met != null) {
                    throw ChecksumMismatchException.withDecoderDetail(met, e);
                }
                drainAfterDecoderError(e);
                throw writtenWrong(key, verifying, e);
            }
            if (n < 0) {
                verifying.drain();
            }
            return n;
        }

        /**
         * The store's read failed: because it was stopped ({@link #abortRead}, or a cancellation the store's stream saw
         * itself, an {@link java.io.InterruptedIOException} of its own class: a signal, a job's timeout), an
         * {@code InterruptedIOException} naming the cancellation, the store's failure its cause; else as it is.
         */
        private IOException stopped(SourceReadException e) {
            String reason = abortedFor;
            Throwable c = e.getCause();
            if (reason == null && (c == null || c.getClass() != java.io.InterruptedIOException.class)) {
                return e;
            }
            String said = reason != null ? "cancelled: " + reason : c.getMessage();
            return (IOException) new java.io.InterruptedIOException(said).initCause(e);
        }

        private void drainAfterDecoderError(IOException decoderError) throws IOException {
            try {
                verifying.drain();
            } catch (IntegrityException mismatch) {
                throw ChecksumMismatchException.withDecoderDetail(mismatch, decoderError);
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
