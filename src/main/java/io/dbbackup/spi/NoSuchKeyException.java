package io.dbbackup.spi;

import java.io.FileNotFoundException;

/** The key does not exist in the store. */
public class NoSuchKeyException extends FileNotFoundException {
    public NoSuchKeyException(String key) {
        super("no such object: " + key);
    }

    /** {@code gone}, said with what was under way when the object was found missing ({@code line}: the whole line). */
    public NoSuchKeyException(String line, NoSuchKeyException gone) {
        super(line);
        initCause(gone);
    }
}
