package io.dbbackup.spi;

import java.io.IOException;

/** A child tool (pg_dump, mariadb...) failed: its exit code and the last lines of its stderr. */
public class ToolFailedException extends IOException {
    private final String tool;
    private final int exitCode;
    private final String stderrTail;
    private final boolean retryable;

    public ToolFailedException(String tool, int exitCode, String stderrTail, boolean retryable) {
        super(tool + " failed" + (exitCode >= 0 ? " (exit " + exitCode + ")" : "")
                + (stderrTail.isBlank() ? "" : ": " + lastLine(stderrTail)));
        this.tool = tool;
        this.exitCode = exitCode;
        this.stderrTail = stderrTail;
        this.retryable = retryable;
    }

    private static String lastLine(String tail) {
        String[] lines = tail.strip().split("\n");
        return lines[lines.length - 1].strip();
    }

    public String tool() {
        return tool;
    }

    public int exitCode() {
        return exitCode;
    }

    /** The last lines the tool wrote to stderr, already redacted. */
    public String stderrTail() {
        return stderrTail;
    }

    public boolean retryable() {
        return retryable;
    }
}
