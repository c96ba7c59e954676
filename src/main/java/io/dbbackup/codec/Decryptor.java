package io.dbbackup.codec;

import java.io.IOException;
import java.io.InputStream;

/** Decrypts an encrypted artifact; a wrong key or tampered ciphertext raises {@link IntegrityException}. */
public interface Decryptor {
    InputStream decrypt(InputStream in) throws IOException;
}
