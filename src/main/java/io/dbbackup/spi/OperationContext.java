package io.dbbackup.spi;

import io.dbbackup.core.Log;

import java.nio.file.Path;

/** What a plugin gets for one operation: a cancellation token, the log, and a scratch folder it may use. */
public record OperationContext(Cancellation cancellation, Log log, Path scratchDir) {
}
