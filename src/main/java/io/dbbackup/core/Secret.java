package io.dbbackup.core;

/** A secret value read from the environment or a file. Its toString never shows the value. */
public final class Secret {
    private final String value;
    private final String source;

    public Secret(String value, String source) {
        this.value = value;
        this.source = source;
        Redactor.register(value);
    }

    /** The secret itself, for handing to a library or a child process's environment: never log it. */
    public String reveal() {
        return value;
    }

    /** Where it came from, e.g. "env PGPASSWORD" or "file /run/secrets/pg": safe to show. */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return "***(" + source + ")";
    }
}
