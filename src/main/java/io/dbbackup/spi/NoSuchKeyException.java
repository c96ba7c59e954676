package io.dbbackup.spi;

import java.io.FileNotFoundException;

/** The key does not exist in the store. */
public class NoSuchKeyException extends FileNotFoundException {
    public NoSuchKeyException(String key) {
        super("no such object: " + key);
    }
}
