package io.dbbackup.config;

/**
 * A secret the config names that could not be read when it was loaded (variable not set, file missing or
 * empty): {@code key} is its full path, e.g. {@code stores.s3.secret_key}; {@code problem} says where and why.
 */
public record UnresolvedSecret(String key, Problem problem) {

    /** Whether it belongs to the section or key {@code path} (e.g. {@code datasources.db}). */
    public boolean under(String path) {
        return key.equals(path) || key.startsWith(path + ".");
    }

    /** The same problem as a warning (for a secret that is only needed by other work). */
    public Problem asWarning() {
        return new Problem(problem.file(), problem.line(), problem.column(), Problem.Severity.WARNING, problem.message());
    }

    /** {@code config.yaml:4:19: datasources.db.password_env: environment variable PGPASS is not set} */
    public String format() {
        return problem.file() + ":" + problem.line() + ":" + problem.column() + ": " + problem.message();
    }
}
