package io.dbbackup.codec.age;

import com.exceptionfactory.jagged.EncryptingChannelFactory;
import com.exceptionfactory.jagged.RecipientStanzaWriter;
import com.exceptionfactory.jagged.framework.stream.StandardEncryptingChannelFactory;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaWriterFactory;
import io.dbbackup.codec.Encryptor;
import io.dbbackup.codec.PipelinedOutputStream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

/**
 * Encrypts to a standard age file (binary, not armored): to X25519 recipients ({@code age1...})
 * through jagged, or to a passphrase through the project's scrypt stanza. The payload is age's
 * STREAM: 64 KiB ChaCha20-Poly1305 chunks, encrypted on a thread of their own so that encryption
 * overlaps with compression.
 */
public final class AgeEncryptor implements Encryptor {
    private static final EncryptingChannelFactory FACTORY = new StandardEncryptingChannelFactory();
    private static final int BLOCK = 256 * 1024;
    private static final int QUEUED_BLOCKS = 8;

    private final List<RecipientStanzaWriter> writers;
    private final String description;
    private final List<String> recipients;

    private AgeEncryptor(List<RecipientStanzaWriter> writers, String description, List<String> recipients) {
        this.writers = List.copyOf(writers);
        this.description = description;
        this.recipients = List.copyOf(recipients);
    }

    /** To one or more X25519 recipients; each must parse ({@link AgeKeys#checkRecipient}). */
    public static AgeEncryptor toRecipients(List<String> recipients) {
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("age encryption needs at least one recipient");
        }
        List<RecipientStanzaWriter> writers = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (String r : recipients) {
            try {
                keys.add(AgeKeys.checkRecipient(r));
                writers.add(X25519RecipientStanzaWriterFactory.newRecipientStanzaWriter(keys.get(keys.size() - 1)));
            } catch (GeneralSecurityException e) {
                throw new AgeKeys.KeyFormatException(0, AgeKeys.shown(r) + " is not an age X25519 recipient");
            }
        }
        int n = recipients.size();
        return new AgeEncryptor(writers, "age (" + n + (n == 1 ? " recipient)" : " recipients)"), keys);
    }

    /** To a passphrase, with scrypt work factor {@code workFactor} (log2 N; age's default is 18). */
    public static AgeEncryptor withPassphrase(String passphrase, int workFactor) {
        if (passphrase.isEmpty()) {
            throw new IllegalArgumentException("the passphrase is empty");
        }
        ScryptRecipientStanzaWriter writer = new ScryptRecipientStanzaWriter(passphrase.getBytes(StandardCharsets.UTF_8), workFactor);
        // before anything is dumped or written: a heap too small for scrypt is a user error, not an OutOfMemoryError
        // half-way through the upload
        ScryptMemory.requireCapacity(workFactor, ScryptRecipientStanzaWriter.what(workFactor), true);
        return new AgeEncryptor(List.of(writer), "age (passphrase)", List.of("passphrase"));
    }

    @Override
    public OutputStream encrypt(OutputStream out) throws IOException {
        try {
            // the header (and for a passphrase, scrypt) now, on the caller's thread; the payload on its own
            return new PipelinedOutputStream(ChannelStreams.output(FACTORY.newEncryptingChannel(ChannelStreams.writable(out), writers)),
                    "age-encrypt", BLOCK, QUEUED_BLOCKS);
        } catch (GeneralSecurityException e) {
            throw new IOException("age encryption could not start: " + e.getMessage(), e);
        } catch (Scrypt.Cancelled e) {
            throw (IOException) new java.io.InterruptedIOException("age encryption: scrypt " + e.getMessage()).initCause(e);
        }
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public List<String> recipients() {
        return recipients;
    }

    @Override
    public String toString() {
        return description;
    }
}
