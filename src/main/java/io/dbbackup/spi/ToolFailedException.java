package io.dbbackup.spi;

import java.io.IOException;

/** A child tool (pg_dump, mariadb...) failed: its exit code and the last lines of its stderr. */
public class ToolFailedException extends IOException {
    /** How {@link ChildProcess} begins the stderr tail of a tool it killed for running past its timeout. */
    static final String TIMED_OUT = "timed out after ";

    private final String tool;
    private final int exitCode;
    private final String stderrTail;
    private final boolean retryable;
    private final boolean cannotRun;
    /** The tool's words as it wrote them, for a report to quote; null: {@link #stderrTail} is. */
    private String toolOutput;

    public ToolFailedException(String tool, int exitCode, String stderrTail, boolean retryable) {
        this(tool, exitCode, stderrTail, retryable, "");
    }

    /** A failure whose cause {@link ChildProcess} found itself ({@code why}, e.g. {@link ElfBinary#problem}), said first. */
    ToolFailedException(String tool, int exitCode, String stderrTail, boolean retryable, String why) {
        super(head(tool, exitCode) + said(exitCode, stderrTail, why));
        this.cannotRun = !why.isEmpty() || CannotRun.is(exitCode) || ToolSignal.permanent(exitCode);
        this.tool = tool;
        this.exitCode = exitCode;
        this.stderrTail = stderrTail;
        this.retryable = retryable;
    }

    /** How the message begins: {@code "pg_dump failed (exit 1)"}, or {@code "pg_dump failed"} with no exit status. */
    public String head() {
        return head(tool, exitCode);
    }

    private static String head(String tool, int exitCode) {
        return tool + " failed" + (exitCode >= 0 ? " (exit " + exitCode + ")" : "");
    }

    /**
     * ": " and what the exit status and stderr say: the signal that ended the tool (or the program a shell could not run,
     * exit 126/127) first, its own words after it.
     */
    private static String said(int exitCode, String stderrTail, String why) {
        if (why.isEmpty() && stderrTail.startsWith(TIMED_OUT)) {
            // dbbackup's own kill at the timeout: said as such, never as the SIGKILL's usual causes (the OOM killer), and
            // the tool's words after it (a shell's "Killed" may be the last line its stderr got)
            int nl = stderrTail.indexOf('\n');
            String rest = nl < 0 ? "" : stderrTail.substring(nl + 1);
            return ": " + (nl < 0 ? stderrTail : stderrTail.substring(0, nl)).strip() + " (stopped by dbbackup)"
                    + (rest.isBlank() ? "" : "; its last words: " + tellingLine(rest));
        }
        String signal = why.isEmpty() ? ToolSignal.describe(exitCode) : why;
        if (signal.isEmpty()) {
            signal = CannotRun.describe(exitCode, stderrTail);
        }
        if (signal.isEmpty()) {
            return stderrTail.isBlank() ? "" : ": " + tellingLine(stderrTail);
        }
        return ": " + signal + (stderrTail.isBlank() ? "" : "; its last words: " + tellingLine(stderrTail));
    }

    /**
     * The line that says what failed: the first error line ({@code pg_dump: error: ...}, {@code FATAL: ...},
     * {@code mariadb-dump: Got error: ...}), else the last line. pg_dump follows its error with {@code detail:} lines
     * ("Command was: COPY ..."), which alone would hide the cause (the server gone, say).
     */
    private static String tellingLine(String tail) {
        String[] lines = tail.strip().split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (isErrorLine(lines[i])) {
                return lines[i].strip() + serverWords(lines, i + 1);
            }
        }
        return lines[lines.length - 1].strip();
    }

    /**
     * pg_dump's error for a table whose rows it could not read ends with "PQgetResult() failed." (or "PQgetCopyData()
     * failed.") and leaves the server's reason (a row the session's encoding cannot hold, a query cancelled on a standby,
     * the server gone) to a {@code detail:} line "Error message from server: …": that reason, after a space, or "".
     */
    private static String serverWords(String[] lines, int from) {
        if (!lines[from - 1].strip().matches(".*PQget\\w+\\(\\) failed\\.")) {
            return "";
        }
        for (int i = from; i < lines.length && !lines[i].contains("error:"); i++) { // not past the tool's next error
            int at = lines[i].indexOf(FROM_SERVER);
            if (at >= 0) {
                return " " + lines[i].substring(at + FROM_SERVER.length()).strip();
            }
        }
        return "";
    }

    private static final String FROM_SERVER = "Error message from server:";

    /** Whether a tool's stderr line says what failed (see {@link #tellingLine}). */
    static boolean isErrorLine(String line) {
        return line.contains("error:") || line.contains("FATAL:") || line.startsWith("ERROR:") || line.contains(": Error ")
                || line.contains("Got error");
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

    /**
     * The last lines the tool wrote to stderr, word for word (redacted), for a report's quote ("Last lines of the tool's
     * error output"): {@link #stderrTail} may carry dbbackup's hints after the lines they explain (the config place of a
     * refused password), which this never does, and lines an engine marked as its own business (libpq's naming of
     * dbbackup's temporary password file) are left out.
     */
    public String toolOutput() {
        return toolOutput == null ? stderrTail : toolOutput;
    }

    /** This failure, quoting {@code toolOutput} as the tool's words ({@link #toolOutput()}); returns itself. */
    public ToolFailedException quoting(String toolOutput) {
        this.toolOutput = toolOutput;
        return this;
    }

    /** Whether the tool was killed for running past its timeout ({@link ChildProcess#timeout}). */
    public boolean timedOut() {
        return stderrTail.startsWith(TIMED_OUT);
    }

    /**
     * Whether the program could not run on this host at all: a shell (a wrapper script in the tool's place, {@code stdbuf})
     * said "command not found" (exit 127) or "not executable" (126), a binary built for another machine ({@link
     * ElfBinary}), or one ended by SIGILL. The message then names the program and what to do, which the tool's own words
     * never do; it is no failure of the connection or of the server.
     */
    public boolean cannotRun() {
        return cannotRun;
    }

    public boolean retryable() {
        return retryable;
    }
}
