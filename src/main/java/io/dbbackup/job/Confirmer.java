package io.dbbackup.job;

/** Asks the user before something is overwritten. */
public interface Confirmer {
    /** Whether anyone can be asked (a terminal is attached). */
    boolean interactive();

    /** Asks {@code question}; true only for an explicit yes. */
    boolean confirm(String question);
}
