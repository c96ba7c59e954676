package io.dbbackup.spi;

/**
 * Options of one restore: {@code clean} drops existing objects first where the engine supports it;
 * {@code allOrNothing} says the input is a live dump (a sync) that may fail at any byte, so the
 * engine must apply all of it or nothing (see {@link Engine#restore}).
 */
public record RestoreOptions(boolean clean, boolean allOrNothing) {
    /** A restore of a checked artifact. */
    public RestoreOptions(boolean clean) {
        this(clean, false);
    }
}
