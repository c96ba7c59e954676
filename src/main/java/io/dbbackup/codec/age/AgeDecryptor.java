package io.dbbackup.codec.age;

import com.exceptionfactory.jagged.DecryptingChannelFactory;
import com.exceptionfactory.jagged.PayloadException;
import com.exceptionfactory.jagged.RecipientStanza;
import com.exceptionfactory.jagged.RecipientStanzaReader;
import com.exceptionfactory.jagged.framework.stream.StandardDecryptingChannelFactory;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaReaderFactory;
import io.dbbackup.codec.Decryptor;
import io.dbbackup.codec.IntegrityException;
import io.dbbackup.codec.WrongKeyException;
import io.dbbackup.core.Secret;
import io.dbbackup.core.SingleByte;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.SignatureException;
import java.util.ArrayList;
import java.util.List;

/**
 * Decrypts an age file with X25519 identities and/or a passphrase, tried in that order. A key that
 * opens nothing (a header that parses, no stanza of which any key given unwraps) raises {@link WrongKeyException}; a
 * header that does not parse or holds a malformed stanza, a header whose MAC does not match once a stanza unwrapped, and
 * a payload chunk that fails authentication (tampered, truncated, or trailing bytes) raise {@link IntegrityException}.
 */
public final class AgeDecryptor implements Decryptor {
    private static final DecryptingChannelFactory FACTORY = new StandardDecryptingChannelFactory();

    private final List<RecipientStanzaReader> readers;
    private final List<String> tried;
    private final List<String> triedRecipients;
    private final String keys;

    private AgeDecryptor(List<RecipientStanzaReader> readers, List<String> tried, List<String> triedRecipients, String keys) {
        this.readers = List.copyOf(readers);
        this.tried = List.copyOf(tried);
        this.triedRecipients = List.copyOf(triedRecipients);
        this.keys = keys;
    }

    /**
     * @param identities X25519 identities ({@code AGE-SECRET-KEY-1...}), may be empty
     * @param passphrase may be null
     */
    public static AgeDecryptor of(List<String> identities, String passphrase) {
        return trying(identities, passphrase == null ? List.of() : List.of(new Secret(passphrase, null)));
    }

    /**
     * Tries the identities, then the passphrases, each in the order given (the command line's before the job's own).
     *
     * @param identities  X25519 identities ({@code AGE-SECRET-KEY-1...}), may be empty
     * @param passphrases passphrases, each named by where it came from ({@link Secret#source()}, null: unnamed), may be empty
     */
    public static AgeDecryptor trying(List<String> identities, List<Secret> passphrases) {
        List<RecipientStanzaReader> readers = new ArrayList<>();
        List<String> tried = new ArrayList<>();
        List<String> publicKeys = new ArrayList<>();
        for (String id : identities) {
            try {
                readers.add(onlyWithoutScrypt(X25519RecipientStanzaReaderFactory.newRecipientStanzaReader(id.strip())));
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new AgeKeys.KeyFormatException(0, "not an age X25519 identity (AGE-SECRET-KEY-1...)");
            }
            String publicKey = AgeKeys.recipientOf(id);
            if (!publicKeys.contains(publicKey)) {
                publicKeys.add(publicKey);
                tried.add("identity " + publicKey);
            }
        }
        for (Secret p : passphrases) {
            readers.add(new ScryptRecipientStanzaReader(p.reveal().getBytes(StandardCharsets.UTF_8)));
            tried.add(p.source() == null ? "the passphrase" : "the passphrase from " + p.source());
        }
        if (readers.isEmpty()) {
            throw new IllegalArgumentException("age decryption needs an identity or a passphrase");
        }
        List<String> what = new ArrayList<>();
        if (!identities.isEmpty()) {
            what.add(identities.size() == 1 ? "the identity" : "the " + identities.size() + " identities");
        }
        if (!passphrases.isEmpty()) {
            what.add(passphrases.size() == 1 ? "the passphrase" : "the " + passphrases.size() + " passphrases");
        }
        return new AgeDecryptor(readers, tried, publicKeys, String.join(" and ", what));
    }

    /** age forbids mixing scrypt with other stanzas; jagged's X25519 reader does not check it. */
    private static RecipientStanzaReader onlyWithoutScrypt(RecipientStanzaReader x25519) {
        return stanzas -> {
            int n = 0;
            boolean scrypt = false;
            for (RecipientStanza s : stanzas) {
                n++;
                scrypt |= Scrypt.TYPE.equals(s.getType());
            }
            if (scrypt && n > 1) {
                throw new InvalidKeyException("malformed age header: an scrypt stanza must be the only stanza");
            }
            return x25519.getFileKey(stanzas);
        };
    }

    @Override
    public InputStream decrypt(InputStream in) throws IOException {
        Attempt attempt = new Attempt();
        ReadableByteChannel channel;
        try {
            channel = FACTORY.newDecryptingChannel(ChannelStreams.readable(in), readers.stream().map(attempt::watch).toList());
        } catch (SignatureException e) {
            throw new IntegrityException("age header is corrupt: its MAC does not match", e);
        } catch (GeneralSecurityException e) {
            if (!attempt.headerParsed) {
                throw new IntegrityException("not a valid age file: its header does not parse" + detail(e), e);
            }
            if (attempt.malformed != null) {
                String why = attempt.malformed.getMessage();
                throw new IntegrityException((why.startsWith("malformed") ? "age header is corrupt: " : "age header is refused: ")
                        + why, e);
            }
            if (attempt.unwrapped) { // a key opened it, and what follows the header failed (cut short before its nonce)
                throw new IntegrityException("age file is corrupt or truncated after its header" + detail(e), e);
            }
            // the header parses and no key given unwraps any stanza: a key problem, not damage
            throw new WrongKeyException(tried, triedRecipients, attempt.scrypt ? 0 : attempt.stanzas, e);
        } catch (PayloadException e) {
            throw new IntegrityException("age payload is corrupt or truncated: " + e.getMessage(), e);
        } catch (Scrypt.Cancelled e) {
            throw (IOException) new java.io.InterruptedIOException("age decryption: scrypt " + e.getMessage()).initCause(e);
        } catch (io.dbbackup.core.DbBackupException e) {
            throw e; // scrypt's memory: this JVM cannot open it, the file is not at fault
        } catch (RuntimeException e) {
            throw new IntegrityException("not a valid age file: " + e.getClass().getSimpleName(), e);
        }
        return new PayloadStream(channel);
    }

    private static String detail(GeneralSecurityException e) {
        return e.getMessage() == null ? "" : " (" + e.getMessage() + ")";
    }

    /**
     * What one decryption's readers met: whether the header parsed (a reader was given its stanzas), whether a key
     * unwrapped a stanza, and a stanza that is malformed (not a key's failure: the header is damaged, or holds a work
     * factor beyond what is accepted).
     */
    private static final class Attempt {
        volatile boolean headerParsed;
        volatile boolean unwrapped;
        volatile GeneralSecurityException malformed;
        volatile int stanzas = -1; // what the header holds, for a wrong key's hint
        volatile boolean scrypt;

        RecipientStanzaReader watch(RecipientStanzaReader reader) {
            return stanzas -> {
                headerParsed = true;
                int n = 0;
                for (RecipientStanza s : stanzas) {
                    n++;
                    scrypt |= Scrypt.TYPE.equals(s.getType());
                }
                this.stanzas = n;
                try {
                    com.exceptionfactory.jagged.FileKey key = reader.getFileKey(stanzas);
                    unwrapped = true;
                    return key;
                } catch (GeneralSecurityException e) {
                    if (e.getMessage() != null && (e.getMessage().startsWith("malformed") || e.getMessage().startsWith("scrypt work factor"))) {
                        malformed = e;
                    }
                    throw e;
                }
            };
        }
    }

    @Override
    public String toString() {
        return "age decryption with " + keys;
    }

    /** The plaintext; a chunk failing authentication becomes an {@link IntegrityException}. */
    private static final class PayloadStream extends InputStream {
        private final ReadableByteChannel channel;
        private boolean eof;

        PayloadStream(ReadableByteChannel channel) {
            this.channel = channel;
        }

        @Override
        public int read() throws IOException {
            return SingleByte.read(this);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (eof) {
                return -1;
            }
            ByteBuffer buf = ByteBuffer.wrap(b, off, len);
            while (true) {
                int r;
                try {
                    r = channel.read(buf);
                } catch (PayloadException e) {
                    throw new IntegrityException("age payload is corrupt, truncated or was tampered with (chunk authentication failed)", e);
                } catch (RuntimeException e) {
                    throw new IntegrityException("age payload is malformed: " + e.getClass().getSimpleName(), e);
                }
                // the channel may fill the buffer and still answer -1 at the end: count by position
                int n = buf.position() - off;
                if (r < 0) {
                    eof = true;
                }
                if (n > 0) {
                    return n;
                }
                if (eof) {
                    return -1;
                }
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
