package io.dbbackup.spi;

/** Creates engines of one {@code engine:} type from their config section; found by ServiceLoader. */
public interface EngineProvider {
    String type();

    /** Reads and validates the section; records problems on it; no I/O beyond reading local files. */
    Engine create(ConfigSection section);
}
