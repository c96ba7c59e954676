package io.dbbackup.spi;

import java.io.IOException;

/**
 * An operation on a store after it was closed (the command returned, and a job's thread still ran on): refused, so that
 * nothing connects again that nobody would close.
 */
public class StoreClosedException extends IOException {
    /** What the refusal says after words that name the store already: the store said once. */
    static final String SAID_ONCE = "the store is closed";

    private final String store;

    public StoreClosedException(String store) {
        super("store " + store + " is closed");
        this.store = store;
    }

    /** The store refused, as its {@link Store#describe} says it. */
    public String store() {
        return store;
    }

    /**
     * {@code said}, the line of a failure {@code t} that {@code context} leads, with a refusal in {@code t}'s chain said as
     * {@code the store is closed} where {@code context} names that store: {@code cannot list d/ in sftp u@h:/p: the store
     * is closed}, not {@code …: store sftp u@h:/p is closed}; a local store's file said without {@code local store ROOT: }
     * ({@link io.dbbackup.core.LocalFileException#saidOnce}).
     */
    public static String saidOnce(String context, Throwable t, String said) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof StoreClosedException closed) {
                return context.contains(closed.store) ? said.replace(closed.getMessage(), SAID_ONCE) : said;
            }
            if (c instanceof io.dbbackup.core.LocalFileException local) { // "local store ROOT: cannot write …"
                return local.saidOnce(context, said);
            }
        }
        return said;
    }
}
