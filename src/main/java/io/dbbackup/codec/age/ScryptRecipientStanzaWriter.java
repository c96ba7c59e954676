package io.dbbackup.codec.age;

import com.exceptionfactory.jagged.FileKey;
import com.exceptionfactory.jagged.RecipientStanza;
import com.exceptionfactory.jagged.RecipientStanzaWriter;

import javax.crypto.Cipher;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;

/** Wraps the file key for a passphrase: one {@code scrypt} stanza with a fresh random salt. */
final class ScryptRecipientStanzaWriter implements RecipientStanzaWriter {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] passphrase;
    private final int workFactor;

    ScryptRecipientStanzaWriter(byte[] passphrase, int workFactor) {
        if (workFactor < Scrypt.MIN_WORK_FACTOR || workFactor > Scrypt.MAX_WORK_FACTOR) {
            throw new IllegalArgumentException("scrypt work factor must be between " + Scrypt.MIN_WORK_FACTOR + " and "
                    + Scrypt.MAX_WORK_FACTOR + " (got " + workFactor + ")");
        }
        this.passphrase = passphrase.clone();
        this.workFactor = workFactor;
    }

    @Override
    public Iterable<RecipientStanza> getRecipientStanzas(FileKey fileKey) throws GeneralSecurityException {
        byte[] salt = new byte[Scrypt.SALT_LENGTH];
        RANDOM.nextBytes(salt);
        return List.of(stanza(fileKey, salt));
    }

    static String what(int workFactor) {
        return "scrypt_work_factor " + workFactor + " (passphrase encryption of new backups)";
    }

    /** The stanza for a given salt (tests use fixed salts). */
    RecipientStanza stanza(FileKey fileKey, byte[] salt) throws GeneralSecurityException {
        byte[] wrapKey = Scrypt.wrapKey(passphrase, salt, workFactor, what(workFactor), true);
        byte[] key = fileKey.getEncoded();
        try {
            byte[] body = Scrypt.seal(wrapKey, key, Cipher.ENCRYPT_MODE);
            return new Stanza(Scrypt.TYPE, List.of(Scrypt.encode(salt), Integer.toString(workFactor)), body);
        } finally {
            Arrays.fill(wrapKey, (byte) 0);
            Arrays.fill(key, (byte) 0);
        }
    }
}
