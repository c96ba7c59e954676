package io.dbbackup.codec.age;

import com.exceptionfactory.jagged.bech32.Bech32;
import com.exceptionfactory.jagged.bech32.Bech32Address;
import com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaReaderFactory;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaWriterFactory;
import io.dbbackup.core.Redactor;

import javax.crypto.KeyAgreement;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * age X25519 keys as text: recipients ({@code age1...}) and identities ({@code AGE-SECRET-KEY-1...}),
 * one per line in files, {@code #} comments and blank lines ignored (as the age CLI reads them).
 * Parse errors name the line, never the key material.
 */
public final class AgeKeys {
    public static final String RECIPIENT_PREFIX = "age1";
    public static final String IDENTITY_PREFIX = "AGE-SECRET-KEY-1";
    /** At most this many usable recipients are remembered: one more, and they are forgotten (and checked in full again). */
    static final int REMEMBERED_MAX = 256;
    /**
     * Recipients (stripped) that passed {@link #checkRecipient}: its X25519 operation is a pure function of the text, and
     * every config load and every encryptor checked each recipient again. Only usable ones are kept, never an error:
     * a refused recipient is checked (and its message, with its line, made) anew each time.
     */
    private static final Set<String> USABLE = ConcurrentHashMap.newKeySet();

    private AgeKeys() {
    }

    /** A key text that does not parse; {@code line} is 1-based within the text, 0 for a single value. */
    public static final class KeyFormatException extends IllegalArgumentException {
        private final int line;

        KeyFormatException(int line, String message) {
            super(message);
            this.line = line;
        }

        public int line() {
            return line;
        }
    }

    /** A fresh X25519 key pair. */
    public record GeneratedKey(String identity, String recipient) {
        @Override
        public String toString() {
            return "GeneratedKey[recipient=" + recipient + "]";
        }
    }

    /** Checks one recipient; returns it stripped. */
    public static String checkRecipient(String text) {
        return checkRecipient(text, 0);
    }

    private static String checkRecipient(String text, int line) {
        String r = text.strip();
        String at = line > 0 ? "line " + line + ": " : "";
        if (r.startsWith("ssh-")) {
            throw new KeyFormatException(line, at + "SSH recipients are not supported; use an age X25519 recipient (age1...)");
        }
        if (r.toUpperCase(Locale.ROOT).startsWith(IDENTITY_PREFIX)) {
            Redactor.register(r);
            throw new KeyFormatException(line, at + "this is a secret key (AGE-SECRET-KEY-1...), not a recipient: give its public key (age1...)"
                    + " and keep the secret key off this machine");
        }
        String[] parts = r.split("[\\s,;]+");
        if (parts.length > 1 && Arrays.stream(parts).allMatch(p -> p.startsWith(RECIPIENT_PREFIX))) {
            throw new KeyFormatException(line, at + "holds " + parts.length + " recipients in one value: give each its own list item"
                    + " (recipients: [age1..., age1...]) or its own line in recipients_file");
        }
        if (USABLE.contains(r)) {
            return r;
        }
        com.exceptionfactory.jagged.RecipientStanzaWriter writer;
        try {
            writer = X25519RecipientStanzaWriterFactory.newRecipientStanzaWriter(r);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new KeyFormatException(line, at + shown(r) + " is not an age X25519 recipient (age1..., 62 characters)"
                    + (r.startsWith(RECIPIENT_PREFIX) && r.matches("\\S+\\s+#.*")
                    ? ": a # comment must be on a line of its own (as age -R reads recipients files)" : ""));
        }
        try { // a well-formed key can still be a low-order point (all zeros): age refuses to encrypt to it
            writer.getRecipientStanzas(new com.exceptionfactory.jagged.FileKey());
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new KeyFormatException(line, at + shown(r) + " is not a usable age X25519 recipient (" + e.getMessage()
                    + "): no secret key can decrypt what is encrypted to it");
        }
        synchronized (USABLE) {
            if (USABLE.size() >= REMEMBERED_MAX) {
                USABLE.clear(); // bounded; and never full for good, the recipients in use now are remembered again
            }
            USABLE.add(r);
        }
        return r;
    }

    /** Whether {@code recipient} (stripped) is remembered as usable; for tests. */
    static boolean remembered(String recipient) {
        return USABLE.contains(recipient);
    }

    /** How many recipients are remembered as usable; for tests. */
    static int rememberedCount() {
        return USABLE.size();
    }

    /**
     * A value refused as a recipient, as a message may show it: quoted when it looks like a mistyped public key (age1...),
     * else not at all — it may be a secret pasted into the wrong place; a long or spaced one starting with age1 by its length.
     */
    static String shown(String r) {
        if (!r.startsWith(RECIPIENT_PREFIX)) {
            return "a value (not shown: it does not start with age1, it may be a secret)";
        }
        return r.length() <= 100 && r.chars().allMatch(c -> c > ' ' && c < 127) ? "'" + r + "'"
                : "a value of " + r.length() + " characters starting with age1 (not shown)";
    }

    /** The lines of a key file's text, without the byte order mark a Windows editor may put before the first. */
    private static String[] lines(String text) {
        return (text.startsWith("\uFEFF") ? text.substring(1) : text).split("\r?\n", -1);
    }

    /** The recipients in a recipients file's text. */
    public static List<String> parseRecipients(String text) {
        List<String> out = new ArrayList<>();
        String[] lines = lines(text);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            out.add(checkRecipient(l, i + 1));
        }
        return out;
    }

    /**
     * Whether {@code text} begins as an age-encrypted file does (binary {@code age-encryption.org/v1}, or armored): an
     * identity file protected with {@code age -p}, say.
     */
    public static boolean isAgeEncrypted(String text) {
        String t = text.stripLeading();
        return t.startsWith("age-encryption.org/") || t.startsWith("-----BEGIN AGE ENCRYPTED FILE-----");
    }

    /** What an age-encrypted identity file is, and what to do, for {@code file} (a path, or a name for one). */
    public static String passphraseProtected(String file) {
        return "is passphrase-protected (an age-encrypted file, as 'age -p' writes it): dbbackup needs the decrypted "
                + "identity; decrypt it once with 'age -d -o identity.txt " + file + "' and keep identity.txt as a secret "
                + "(e.g. a Kubernetes or Docker secret, mode 0600)";
    }

    /**
     * The text of identity file {@code file}'s bytes; a {@link KeyFormatException} when it is an age-encrypted file
     * ({@link #passphraseProtected}) or not UTF-8 text.
     */
    public static String identityText(byte[] bytes, String file) {
        String lenient = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (isAgeEncrypted(lenient)) {
            throw new KeyFormatException(0, passphraseProtected(file));
        }
        try {
            return java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            if (io.dbbackup.core.Utf16Text.is(bytes)) { // age-keygen > key.txt in Windows PowerShell 5
                throw new KeyFormatException(0, io.dbbackup.core.Utf16Text.WHY);
            }
            throw new KeyFormatException(0, "is not a text file (not UTF-8): an identity file holds AGE-SECRET-KEY-1... lines");
        }
    }

    /**
     * The identities in an identity file's text (or one identity); each is registered with the
     * {@link Redactor}. Errors name the line only.
     */
    public static List<String> parseIdentities(String text) {
        return parseIdentities(text, "FILE");
    }

    /** As {@link #parseIdentities(String)}, for the text of {@code file} (named in the advice for an encrypted one). */
    public static List<String> parseIdentities(String text, String file) {
        if (isAgeEncrypted(text)) {
            throw new KeyFormatException(0, passphraseProtected(file));
        }
        List<String> out = new ArrayList<>();
        String[] lines = lines(text);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            Redactor.register(l);
            if (l.startsWith(RECIPIENT_PREFIX)) {
                throw new KeyFormatException(i + 1, "line " + (i + 1) + " is a recipient (public key), not an identity (AGE-SECRET-KEY-1...)");
            }
            if (l.startsWith("AGE-PLUGIN-")) {
                throw new KeyFormatException(i + 1, "line " + (i + 1) + " is an age plugin identity; only X25519 identities (AGE-SECRET-KEY-1...) are supported");
            }
            try {
                X25519RecipientStanzaReaderFactory.newRecipientStanzaReader(l);
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new KeyFormatException(i + 1, "line " + (i + 1) + " is not an age X25519 identity (AGE-SECRET-KEY-1...)");
            }
            out.add(l);
        }
        if (out.isEmpty()) {
            throw new KeyFormatException(0, "holds no identity (AGE-SECRET-KEY-1... lines)");
        }
        return out;
    }

    public static GeneratedKey generate() {
        try {
            KeyPair kp = new X25519KeyPairGenerator().generateKeyPair();
            String identity = kp.getPrivate().toString();
            Redactor.register(identity);
            return new GeneratedKey(identity, kp.getPublic().toString());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("X25519 is not available in this JVM: " + e.getMessage(), e);
        }
    }

    /** The recipient (public key) of an identity, as {@code age-keygen -y} prints it. */
    public static String recipientOf(String identity) {
        Bech32Address address;
        try {
            address = Bech32.getDecoder().decode(identity.strip());
        } catch (RuntimeException e) {
            throw new KeyFormatException(0, "not an age X25519 identity (AGE-SECRET-KEY-1...)");
        }
        byte[] scalar = address.getData();
        try {
            if (!address.getHumanReadablePart().toString().equalsIgnoreCase("AGE-SECRET-KEY-") || scalar.length != 32) {
                throw new KeyFormatException(0, "not an age X25519 identity (AGE-SECRET-KEY-1...)");
            }
            KeyFactory kf = KeyFactory.getInstance("XDH");
            PrivateKey pk = kf.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, scalar));
            PublicKey base = kf.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, BigInteger.valueOf(9)));
            KeyAgreement ka = KeyAgreement.getInstance("XDH");
            ka.init(pk);
            ka.doPhase(base, true);
            return Bech32.getEncoder().encode("age", ka.generateSecret()).toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("X25519 is not available in this JVM: " + e.getMessage(), e);
        } finally {
            Arrays.fill(scalar, (byte) 0);
        }
    }
}
