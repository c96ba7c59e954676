package io.dbbackup.spi;

import java.io.IOException;

/**
 * An operation on a store after it was closed (the command returned, and a job's thread still ran on): refused, so that
 * nothing connects again that nobody would close.
 */
public class StoreClosedException extends IOException {
    public StoreClosedException(String store) {
        super("store " + store + " is closed");
    }
}
