package io.dbbackup.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How a failure for want of file descriptors is told: the system's "Too many open files" (EMFILE) names no limit, and an
 * on-call engineer reading it on a job's line does not know that the process's own {@code ulimit -n} is the one to raise.
 */
public final class OpenFiles {
    /** strerror(EMFILE), and the start of strerror(ENFILE), "Too many open files in system". */
    static final String TOO_MANY = "Too many open files";
    /** Words of the hint, by which a message that has it is known (a wrapped message gets it once). */
    static final String MARK = "limit on open files";
    /** The JDK's words when jspawnhelper, which starts every program, failed before it could exec it. */
    static final String SPAWN_HELPER = "Failed to exec spawn helper";

    /** The limit as read by {@link #remember}, or null: read later, there may be no descriptor left to read it with. */
    private static volatile String remembered;

    private OpenFiles() {
    }

    /**
     * Reads the limit now, while a descriptor is still to be had, for {@link #limit} to name it in a message written
     * when they ran out (a job that exhausted them could not open /proc/self/limits then). The limit of a running JVM
     * does not change (Java cannot set it), so it is read once, at start-up.
     */
    public static void remember() {
        remembered = read();
    }

    /** {@code message} with what to do when it says file descriptors ran out; else {@code message} itself. */
    public static String explain(String message) {
        if (message == null || message.contains(MARK)) {
            return message;
        }
        if (message.contains(SPAWN_HELPER)) {
            // the JDK's jspawnhelper could not even load libc (its own line, "Error 24", went to stderr): EMFILE too
            String limit = limit();
            return message + ": the JDK's helper that starts programs could not run; when this comes with \"Error 24\" on "
                    + "stderr, this process reached its " + MARK + " (ulimit -n" + (limit == null ? "" : ": " + limit)
                    + "): raise it or run fewer jobs at once (--parallel)";
        }
        if (!message.contains(TOO_MANY)) {
            return message;
        }
        if (message.contains(TOO_MANY + " in system")) {
            return message + ": the system's " + MARK + " was reached (sysctl fs.file-max): close what holds them or raise it";
        }
        String limit = limit();
        return message + ": this process reached its " + MARK + " (ulimit -n" + (limit == null ? "" : ": " + limit)
                + "): raise it (ulimit -n in the calling shell, LimitNOFILE= in a systemd unit, docker run --ulimit nofile=) "
                + "or run fewer jobs at once (--parallel)";
    }

    /** The soft limit on open files of this process, as /proc/self/limits says it ("64", "unlimited"); null if unknown. */
    public static String limit() {
        String known = remembered;
        return known != null ? known : read();
    }

    private static String read() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                    return f.length > 0 ? f[0] : null;
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc (not Linux), or no descriptor left to read it with: the hint without the number
        }
        return null;
    }
}
