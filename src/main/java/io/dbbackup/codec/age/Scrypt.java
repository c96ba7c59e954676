package io.dbbackup.codec.age;

import org.bouncycastle.crypto.generators.SCrypt;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;

/**
 * The age scrypt recipient type (https://age-encryption.org/v1, "The scrypt recipient type"):
 * {@code -> scrypt <base64 16-byte salt> <log2 N>}, wrap key = scrypt(passphrase,
 * "age-encryption.org/v1/scrypt" || salt, N = 2^wf, r = 8, p = 1, 32 bytes), body =
 * ChaCha20-Poly1305(wrap key, zero nonce, file key). A header with an scrypt stanza holds no other.
 */
final class Scrypt {
    static final String TYPE = "scrypt";
    static final int SALT_LENGTH = 16;
    static final int FILE_KEY_LENGTH = 16;
    static final int BODY_LENGTH = FILE_KEY_LENGTH + 16;
    static final int MIN_WORK_FACTOR = 1;
    /** As the age CLI: files asking for more (4 GiB of memory and more) are refused when reading. */
    static final int MAX_WORK_FACTOR = 22;
    private static final byte[] LABEL = "age-encryption.org/v1/scrypt".getBytes(StandardCharsets.US_ASCII);

    private Scrypt() {
    }

    static byte[] wrapKey(byte[] passphrase, byte[] salt, int workFactor) {
        byte[] labeledSalt = Arrays.copyOf(LABEL, LABEL.length + salt.length);
        System.arraycopy(salt, 0, labeledSalt, LABEL.length, salt.length);
        return SCrypt.generate(passphrase, labeledSalt, 1 << workFactor, 8, 1, 32);
    }

    static byte[] seal(byte[] wrapKey, byte[] fileKey, int mode) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("ChaCha20-Poly1305");
        cipher.init(mode, new SecretKeySpec(wrapKey, "ChaCha20"), new IvParameterSpec(new byte[12]));
        return cipher.doFinal(fileKey);
    }

    /** Unpadded standard base64, as age writes stanza arguments. */
    static String encode(byte[] bytes) {
        return Base64.getEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Decodes canonical unpadded base64 or returns null. */
    static byte[] decode(String text) {
        if (text.indexOf('=') >= 0) {
            return null;
        }
        try {
            byte[] b = Base64.getDecoder().decode(text);
            return encode(b).equals(text) ? b : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
