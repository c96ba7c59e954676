package io.dbbackup.core;

/**
 * A secret value read from the environment or a file. Its toString never shows the value.
 *
 * <p>An <em>unresolved</em> secret stands for one the config names but whose variable is not set or whose file
 * cannot be read where this command runs (another job's secret, say, not mounted in this pod): every command but
 * {@code config validate} loads the config anyway and fails only when the secret is needed, {@link #reveal()}
 * throwing the config problem as a user error.
 */
public final class Secret {
    private final String value;
    private final String source;
    private final String problem;

    public Secret(String value, String source) {
        this(value, source, null);
        Redactor.register(value);
    }

    private Secret(String value, String source, String problem) {
        this.value = value;
        this.source = source;
        this.problem = problem;
    }

    /** A secret the config names but that cannot be read here; {@code problem} is the one-line config error. */
    public static Secret unresolved(String source, String problem) {
        return new Secret(null, source, problem);
    }

    /** Whether the value was read (false for {@link #unresolved}). */
    public boolean resolved() {
        return problem == null;
    }

    /** Why an unresolved secret could not be read (the config's one line), or null when it was read. */
    public String problem() {
        return problem;
    }

    /**
     * The secret itself, for handing to a library or a child process's environment: never log it.
     *
     * @throws DbBackupException a user error naming the config file, line and key, when it is unresolved
     */
    public String reveal() {
        if (problem != null) {
            throw DbBackupException.user(problem);
        }
        return value;
    }

    /** Where it came from, e.g. "env PGPASSWORD" or "file /run/secrets/pg": safe to show. */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return "***(" + source + (problem == null ? "" : ", unresolved") + ")";
    }
}
