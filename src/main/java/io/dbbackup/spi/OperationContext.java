package io.dbbackup.spi;

import io.dbbackup.core.Log;

import java.nio.file.Path;

/**
 * What a plugin gets for one operation: a cancellation token, the log, a scratch folder it may use, and how to write
 * a dbbackup command it suggests ({@link Commands}: with this run's {@code -c FILE}).
 */
public record OperationContext(Cancellation cancellation, Log log, Path scratchDir, Commands commands) {
    public OperationContext {
        commands = commands == null ? Commands.PLAIN : commands;
    }

    /** Without this run's global options: suggestions read {@code dbbackup VERB ...}. */
    public OperationContext(Cancellation cancellation, Log log, Path scratchDir) {
        this(cancellation, log, scratchDir, Commands.PLAIN);
    }
}
