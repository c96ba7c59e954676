package io.dbbackup.core;

/**
 * A secret value read from the environment, a file or a command ({@link #later}). Its toString never shows the
 * value.
 *
 * <p>An <em>unresolved</em> secret stands for one the config names but whose variable is not set or whose file
 * cannot be read where this command runs (another job's secret, say, not mounted in this pod): every command but
 * {@code config validate} loads the config anyway and fails only when the secret is needed, {@link #reveal()}
 * throwing the config problem as a user error.
 */
public final class Secret {
    private String value;
    private final String source;
    private final String problem;
    private java.util.function.Supplier<String> later;
    /** A thread runs {@link #later} now (outside the lock). */
    private boolean reading;
    /** The config key that gives it and its place, e.g. {@code stores.s3.secret_key_env at config.yaml:14:5}; or null. */
    private volatile String setting;

    public Secret(String value, String source) {
        this(value, source, null);
        Redactor.register(value);
    }

    private Secret(String value, String source, String problem) {
        this.value = value;
        this.source = source;
        this.problem = problem;
    }

    /**
     * A secret read when it is first needed (a secret manager's command), once: {@code read} returns the value or
     * throws a {@link DbBackupException} naming the config line.
     */
    public static Secret later(String source, java.util.function.Supplier<String> read) {
        Secret s = new Secret(null, source, null);
        s.later = read;
        return s;
    }

    /** A secret the config names but that cannot be read here; {@code problem} is the one-line config error. */
    public static Secret unresolved(String source, String problem) {
        return new Secret(null, source, problem);
    }

    /** False for an {@link #unresolved} secret; a command's secret counts as resolved until it runs (and fails). */
    public boolean resolved() {
        return problem == null;
    }

    /** Whether the value is in hand: not unresolved, and not a command still to run (validation may look at it). */
    public synchronized boolean available() {
        return problem == null && later == null;
    }

    /** Why an unresolved secret could not be read (the config's one line), or null when it was read. */
    public String problem() {
        return problem;
    }

    /**
     * The secret itself, for handing to a library or a child process's environment: never log it.
     *
     * <p>A command's secret is read by one thread at a time, without holding this secret's lock while it runs: another
     * operation that needs it meanwhile waits for that read, but only until its own operation is cancelled
     * ({@link CancelSignal}: its job's timeout, a signal). It waited for the other's program to end (up to its 30 s, or
     * the other job's timeout), so that its own timeout fired late.
     *
     * @throws DbBackupException a user error naming the config file, line and key, when it is unresolved; a system
     *                           error when the current operation was cancelled while waiting for another's read
     */
    public String reveal() {
        CancelSignal.Token cancel = CancelSignal.current();
        java.util.function.Supplier<String> read;
        synchronized (this) {
            if (problem != null) {
                throw DbBackupException.user(problem);
            }
            awaitOtherRead(cancel);
            if (later == null) {
                return value;
            }
            read = later;
            reading = true;
        }
        String v = null;
        try {
            v = read.get();
            Redactor.register(v);
            return v;
        } finally {
            synchronized (this) {
                reading = false;
                if (v != null) {
                    value = v;
                    later = null;
                }
                notifyAll(); // a failed read leaves it to the next one to run the command again, as before
            }
        }
    }

    /** Waits (holding the lock, released while waiting) until no other thread reads the secret, or {@code cancel}. */
    private void awaitOtherRead(CancelSignal.Token cancel) {
        if (!reading) {
            return;
        }
        CancelSignal.Registration wake = cancel.onCancel(() -> {
            synchronized (this) {
                notifyAll();
            }
        });
        try {
            while (reading) {
                if (cancel.isCancelled()) {
                    // not a user error, and not retried: the runner reports the timeout or the signal that stopped it
                    throw new DbBackupException(ExitStatus.SYSTEM_ERROR, "the secret from " + source + " was not waited "
                            + "for: cancelled (" + cancel.reason() + ") while another operation was reading it", null, false);
                }
                wait();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DbBackupException(ExitStatus.SYSTEM_ERROR, "interrupted while waiting for the secret from " + source,
                    null, false);
        } finally {
            wake.close();
        }
    }

    /**
     * This secret, marked as given by the config key and place {@code setting} (e.g.
     * {@code datasources.app.password_env at config.yaml:8:5}), which {@link #where} names.
     */
    public Secret setAt(String setting) {
        this.setting = setting;
        return this;
    }

    /**
     * Where a refused credential comes from, for its error: the config key, its place and the source, e.g.
     * {@code stores.offsite.secret_key_env at config.yaml:14:5, read from env S3_SECRET}; the source alone when no config
     * gave it. Never the value, nor its length.
     */
    public String where() {
        return setting == null ? source : setting + ", read from " + source;
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
