package io.dbbackup.codec.age;

import com.exceptionfactory.jagged.FileKey;
import com.exceptionfactory.jagged.RecipientStanza;
import com.exceptionfactory.jagged.RecipientStanzaReader;
import com.exceptionfactory.jagged.UnsupportedRecipientStanzaException;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Unwraps the file key with a passphrase. Follows the age spec strictly: the scrypt stanza must
 * be the header's only stanza, the salt 16 bytes of canonical base64, the work factor a decimal
 * without leading zeros and at most {@value Scrypt#MAX_WORK_FACTOR}, the body 32 bytes.
 */
final class ScryptRecipientStanzaReader implements RecipientStanzaReader {
    private final byte[] passphrase;

    ScryptRecipientStanzaReader(byte[] passphrase) {
        this.passphrase = passphrase.clone();
    }

    @Override
    public FileKey getFileKey(Iterable<RecipientStanza> stanzas) throws GeneralSecurityException {
        List<RecipientStanza> all = new ArrayList<>();
        stanzas.forEach(all::add);
        List<RecipientStanza> scrypt = all.stream().filter(s -> Scrypt.TYPE.equals(s.getType())).toList();
        if (scrypt.isEmpty()) {
            throw new UnsupportedRecipientStanzaException("the file is not encrypted with a passphrase (no scrypt stanza)");
        }
        if (all.size() != 1) {
            throw new InvalidKeyException("malformed age header: an scrypt stanza must be the only stanza");
        }
        RecipientStanza s = scrypt.get(0);
        List<String> args = s.getArguments();
        if (args.size() != 2) {
            throw new InvalidKeyException("malformed scrypt stanza: expected a salt and a work factor");
        }
        byte[] salt = Scrypt.decode(args.get(0));
        if (salt == null || salt.length != Scrypt.SALT_LENGTH) {
            throw new InvalidKeyException("malformed scrypt stanza: the salt is not 16 bytes of canonical base64");
        }
        int workFactor = workFactor(args.get(1));
        byte[] body = s.getBody();
        if (body.length != Scrypt.BODY_LENGTH) {
            throw new InvalidKeyException("malformed scrypt stanza: the body is " + body.length + " bytes, not " + Scrypt.BODY_LENGTH);
        }
        byte[] wrapKey = Scrypt.wrapKey(passphrase, salt, workFactor, "this backup's passphrase (scrypt work factor " + workFactor
                + ")", false);
        try {
            return new FileKey(Scrypt.seal(wrapKey, body, Cipher.DECRYPT_MODE));
        } catch (AEADBadTagException e) {
            throw new InvalidKeyException("wrong passphrase", e);
        } finally {
            Arrays.fill(wrapKey, (byte) 0);
        }
    }

    private static int workFactor(String text) throws InvalidKeyException {
        if (!text.matches("[1-9][0-9]{0,1}")) {
            throw new InvalidKeyException("malformed scrypt stanza: work factor '" + text + "' is not a decimal between "
                    + Scrypt.MIN_WORK_FACTOR + " and " + Scrypt.MAX_WORK_FACTOR);
        }
        int wf = Integer.parseInt(text);
        if (wf > Scrypt.MAX_WORK_FACTOR) {
            throw new InvalidKeyException("scrypt work factor " + wf + " is above the limit of " + Scrypt.MAX_WORK_FACTOR);
        }
        return wf;
    }
}
