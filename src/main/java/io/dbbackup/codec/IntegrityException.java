package io.dbbackup.codec;

import java.io.IOException;

/** Stored bytes do not match their checksum, or an archive does not decode: exit code 3. */
public class IntegrityException extends IOException {
    public IntegrityException(String message) {
        super(message);
    }

    public IntegrityException(String message, Throwable cause) {
        super(message, cause);
    }
}
