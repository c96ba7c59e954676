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
     * {@code said}, a line holding this refusal, with it said as {@code the store is closed} where {@code context} (the
     * words leading the line) names this store: {@code cannot list d/ in sftp u@h:/p: the store is closed}, not
     * {@code …: store sftp u@h:/p is closed}; as it is otherwise.
     */
    public String saidOnce(String context, String said) {
        return context.contains(store) ? said.replace(getMessage(), SAID_ONCE) : said;
    }
}
