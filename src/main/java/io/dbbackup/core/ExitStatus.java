package io.dbbackup.core;

/** The process exit codes, one table for the whole tool (README "Exit codes"). */
public enum ExitStatus {
    OK(0, "ok"),
    USER_ERROR(1, "user error"),
    SYSTEM_ERROR(2, "system error"),
    INTEGRITY(3, "integrity failure"),
    PARTIAL(4, "partial failure"),
    INTERRUPTED(130, "interrupted (SIGINT)"),
    TERMINATED(143, "terminated (SIGTERM)");

    private final int code;
    private final String label;

    ExitStatus(int code, String label) {
        this.code = code;
        this.label = label;
    }

    public int code() {
        return code;
    }

    public String label() {
        return label;
    }

    /** Whether a signal ended it (SIGTERM or SIGINT): interrupted, not failed. */
    public boolean bySignal() {
        return this == TERMINATED || this == INTERRUPTED;
    }

    /** The signal an interruption came by: SIGTERM for {@link #TERMINATED}, SIGINT otherwise. */
    public String signal() {
        return this == TERMINATED ? "SIGTERM" : "SIGINT";
    }

    /** The more severe of two statuses, used when one run ends with several problems. */
    public ExitStatus worst(ExitStatus other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
