package io.dbbackup.codec;

import java.io.IOException;
import java.io.OutputStream;

/** The optional encryption stage of a backup, after compression (artifact keys get {@code .age}). */
public interface Encryptor {
    /** Wraps {@code out}; closing the result finishes the ciphertext and closes {@code out}. */
    OutputStream encrypt(OutputStream out) throws IOException;

    /** For the manifest, without secrets, e.g. {@code age (2 recipients)}. */
    String describe();

    /**
     * Whom it encrypts for, for the manifest (public, never a secret): the recipients' public keys ({@code age1...}), or
     * {@code passphrase}.
     */
    java.util.List<String> recipients();
}
