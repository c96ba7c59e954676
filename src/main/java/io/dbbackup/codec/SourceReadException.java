package io.dbbackup.codec;

import java.io.IOException;

/** Reading the stored object itself failed (network, disk): a system error, not corruption. */
public class SourceReadException extends IOException {
    public SourceReadException(IOException cause) {
        super(cause.getMessage(), cause);
    }
}
