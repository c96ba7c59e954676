package io.dbbackup.spi;

/** Options of one restore: {@code clean} drops existing objects first where the engine supports it. */
public record RestoreOptions(boolean clean) {
}
