package io.dbbackup.spi;

import java.io.IOException;

/**
 * A write made only if nothing is stored under its key found something there: the service refused it (S3 and Azure
 * {@code If-None-Match: *}, an SFTP rename that does not replace). {@link Store#putIfAbsent} turns it into
 * {@code false}.
 */
public class KeyTakenException extends IOException {
    public KeyTakenException(String location) {
        super("something is already stored under " + location);
    }
}
