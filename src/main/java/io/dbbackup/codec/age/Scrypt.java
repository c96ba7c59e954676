package io.dbbackup.codec.age;

import io.dbbackup.core.CancelSignal;
import org.bouncycastle.crypto.engines.Salsa20Engine;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The age scrypt recipient type (https://age-encryption.org/v1, "The scrypt recipient type"):
 * {@code -> scrypt <base64 16-byte salt> <log2 N>}, wrap key = scrypt(passphrase,
 * "age-encryption.org/v1/scrypt" || salt, N = 2^wf, r = 8, p = 1, 32 bytes), body =
 * ChaCha20-Poly1305(wrap key, zero nonce, file key). A header with an scrypt stanza holds no other.
 *
 * <p>scrypt itself (RFC 7914) is computed here from the JDK's HMAC-SHA256 and BouncyCastle's Salsa20 core rather than by its
 * {@code SCrypt.generate}, for two things that one cannot do: it stops when the operation it works for is cancelled
 * ({@link CancelSignal}: a signal, the job's timeout; a work factor of 20 takes many seconds), and it checks before it
 * allocates that the heap can hold its array ({@link ScryptMemory}). One scrypt runs at a time in the process, so that
 * the check holds for parallel jobs too.
 */
final class Scrypt {
    static final String TYPE = "scrypt";
    static final int SALT_LENGTH = 16;
    static final int FILE_KEY_LENGTH = 16;
    static final int BODY_LENGTH = FILE_KEY_LENGTH + 16;
    static final int MIN_WORK_FACTOR = 1;
    /** As the age CLI: files asking for more (4 GiB of memory and more) are refused when reading. */
    static final int MAX_WORK_FACTOR = 22;
    private static final int R = 8;
    /** Iterations of a loop between two looks at the cancellation (1024 blocks of 1 KiB: about a millisecond). */
    private static final int CHECK_EVERY = 1024;
    private static final byte[] LABEL = "age-encryption.org/v1/scrypt".getBytes(StandardCharsets.US_ASCII);
    private static final ReentrantLock ONE_AT_A_TIME = new ReentrantLock();

    /** Scrypt stopped because the operation it works for was cancelled. */
    static final class Cancelled extends RuntimeException {
        Cancelled(String reason) {
            super("cancelled: " + reason);
        }
    }

    private Scrypt() {
    }

    /**
     * The wrap key. {@code what} names the work factor's origin for the memory error ("scrypt work factor 19 (new
     * backups)"); {@code lower}: whether lowering it is a way out.
     *
     * @throws io.dbbackup.core.DbBackupException a user error when the heap cannot hold scrypt's array
     * @throws Cancelled when the current operation is cancelled meanwhile
     */
    static byte[] wrapKey(byte[] passphrase, byte[] salt, int workFactor, String what, boolean lower) {
        byte[] labeledSalt = Arrays.copyOf(LABEL, LABEL.length + salt.length);
        System.arraycopy(salt, 0, labeledSalt, LABEL.length, salt.length);
        CancelSignal.Token cancel = CancelSignal.current();
        lock(cancel);
        try {
            ScryptMemory.require(workFactor, what, lower);
            return scrypt(passphrase, labeledSalt, workFactor, cancel);
        } finally {
            ONE_AT_A_TIME.unlock();
        }
    }

    private static void lock(CancelSignal.Token cancel) {
        try {
            while (!ONE_AT_A_TIME.tryLock(100, TimeUnit.MILLISECONDS)) {
                if (cancel.isCancelled()) {
                    throw new Cancelled(cancel.reason());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Cancelled("interrupted");
        }
    }

    /** RFC 7914 scrypt with r = 8, p = 1 and a 32-byte key. */
    static byte[] scrypt(byte[] passphrase, byte[] salt, int workFactor, CancelSignal.Token cancel) {
        return scrypt(passphrase, salt, workFactor, cancel, new Work());
    }

    /**
     * scrypt's working memory: every array that holds bytes derived from the passphrase (B, X, V and the block mix's
     * temporaries), so that all of it is zeroed after use, whether scrypt finished, was cancelled or failed.
     */
    static final class Work {
        byte[] b;
        int[] x;
        int[][] v;
        final int[] y = new int[32 * R];
        final int[] t = new int[16];
        final int[] u = new int[16];

        void wipe() {
            if (b != null) {
                Arrays.fill(b, (byte) 0);
            }
            if (x != null) {
                Arrays.fill(x, 0);
            }
            if (v != null) {
                for (int[] chunk : v) {
                    if (chunk != null) {
                        Arrays.fill(chunk, 0);
                    }
                }
            }
            Arrays.fill(y, 0);
            Arrays.fill(t, 0);
            Arrays.fill(u, 0);
        }

        /** Whether nothing derived from the passphrase is left in it (tests). */
        boolean wiped() {
            boolean zero = (b == null || allZero(b)) && (x == null || allZero(x)) && allZero(y) && allZero(t) && allZero(u);
            if (v != null) {
                for (int[] chunk : v) {
                    zero &= chunk == null || allZero(chunk);
                }
            }
            return zero;
        }

        private static boolean allZero(byte[] a) {
            for (byte e : a) {
                if (e != 0) {
                    return false;
                }
            }
            return true;
        }

        private static boolean allZero(int[] a) {
            for (int e : a) {
                if (e != 0) {
                    return false;
                }
            }
            return true;
        }
    }

    /** scrypt in {@code work}, wiped before it returns or throws (tests look at it after). */
    static byte[] scrypt(byte[] passphrase, byte[] salt, int workFactor, CancelSignal.Token cancel, Work work) {
        try {
            return derive(passphrase, salt, workFactor, cancel, work);
        } finally {
            work.wipe();
        }
    }

    private static byte[] derive(byte[] passphrase, byte[] salt, int workFactor, CancelSignal.Token cancel, Work work) {
        int words = 32 * R;
        work.b = pbkdf2(passphrase, salt, 4 * words);
        byte[] b = work.b;
        work.x = new int[words];
        int[] x = work.x;
        for (int i = 0; i < words; i++) {
            x[i] = littleEndian(b, 4 * i);
        }
        if (cancel.isCancelled()) {
            throw new Cancelled(cancel.reason());
        }
        roMix(work, 1 << workFactor, cancel);
        for (int i = 0; i < words; i++) {
            int v = x[i];
            b[4 * i] = (byte) v;
            b[4 * i + 1] = (byte) (v >>> 8);
            b[4 * i + 2] = (byte) (v >>> 16);
            b[4 * i + 3] = (byte) (v >>> 24);
        }
        return pbkdf2(passphrase, b, 32);
    }

    /** PBKDF2-HMAC-SHA256 with one iteration (all scrypt asks of it), on the JDK's HMAC. */
    private static byte[] pbkdf2(byte[] passphrase, byte[] salt, int length) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.SecretKey() { // SecretKeySpec refuses an empty key; HMAC takes any
                @Override
                public String getAlgorithm() {
                    return "HmacSHA256";
                }

                @Override
                public String getFormat() {
                    return "RAW";
                }

                @Override
                public byte[] getEncoded() {
                    return passphrase.clone(); // the JDK's HMAC zeroes the copy it is given
                }
            });
            byte[] out = new byte[length];
            for (int block = 1, off = 0; off < length; block++, off += 32) {
                mac.update(salt);
                mac.update(new byte[] {(byte) (block >>> 24), (byte) (block >>> 16), (byte) (block >>> 8), (byte) block});
                byte[] t = mac.doFinal();
                System.arraycopy(t, 0, out, off, Math.min(32, length - off));
                Arrays.fill(t, (byte) 0);
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** scryptROMix on {@code work.x} (32·r words), its V in chunks of at most 4 MiB (no single array of up to 4 GiB). */
    private static void roMix(Work work, int n, CancelSignal.Token cancel) {
        int[] x = work.x;
        int words = x.length;
        int blocksPerChunk = Math.max(1, Math.min(n, (1 << 20) / words));
        int[][] v = new int[(n + blocksPerChunk - 1) / blocksPerChunk][];
        work.v = v;
        for (int c = 0; c < v.length; c++) {
            if (cancel.isCancelled()) { // taking 256 MiB from the OS may take seconds on a busy host
                throw new Cancelled(cancel.reason());
            }
            v[c] = new int[Math.min(blocksPerChunk, n - c * blocksPerChunk) * words];
        }
        int[] y = work.y;
        int[] t = work.t;
        int[] u = work.u;
        for (int i = 0; i < n; i++) {
            if (i % CHECK_EVERY == 0 && cancel.isCancelled()) {
                throw new Cancelled(cancel.reason());
            }
            System.arraycopy(x, 0, v[i / blocksPerChunk], (i % blocksPerChunk) * words, words);
            blockMix(x, y, t, u);
            System.arraycopy(y, 0, x, 0, words);
        }
        for (int i = 0; i < n; i++) {
            if (i % CHECK_EVERY == 0 && cancel.isCancelled()) {
                throw new Cancelled(cancel.reason());
            }
            int j = x[words - 16] & (n - 1); // integerify: the last 64-byte block's first word (N ≤ 2^22)
            int[] chunk = v[j / blocksPerChunk];
            int off = (j % blocksPerChunk) * words;
            for (int k = 0; k < words; k++) {
                x[k] ^= chunk[off + k];
            }
            blockMix(x, y, t, u);
            System.arraycopy(y, 0, x, 0, words);
        }
    }

    /** scryptBlockMix: {@code out} = (Y0, Y2, …, Y2r-2, Y1, Y3, …, Y2r-1) of {@code in}'s 2r 64-byte blocks. */
    private static void blockMix(int[] in, int[] out, int[] t, int[] u) {
        int blocks = in.length / 16;
        System.arraycopy(in, in.length - 16, u, 0, 16);
        for (int i = 0; i < blocks; i++) {
            for (int k = 0; k < 16; k++) {
                t[k] = u[k] ^ in[16 * i + k];
            }
            Salsa20Engine.salsaCore(8, t, u);
            int to = (i % 2 == 0 ? i / 2 : blocks / 2 + i / 2) * 16;
            System.arraycopy(u, 0, out, to, 16);
        }
    }

    private static int littleEndian(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
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
