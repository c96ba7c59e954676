package io.dbbackup.spi;

import java.util.Map;

/**
 * What a tool's exit status says beyond "failed". Java reports a child killed by signal N as exit 128 + N (as a shell
 * does), so "exit 137" alone leaves an on-call engineer to know that 137 is SIGKILL and that the out-of-memory killer (a
 * container's memory limit) is its usual sender. A tool that exits 128 + N by itself is taken for killed too; no dump
 * tool does. Exit 127 and 126 are {@link CannotRun}'s.
 */
final class ToolSignal {
    private static final Map<Integer, String> DEATHS = Map.of(
            1, "killed by SIGHUP (signal 1): its terminal or session was closed",
            2, "interrupted by SIGINT (signal 2) from outside dbbackup",
            4, "crashed with SIGILL (signal 4): an illegal instruction, most often a binary built for a newer CPU than this"
                    + " host's (install the build for this machine; not retried)",
            6, "crashed with SIGABRT (signal 6)",
            7, "crashed with SIGBUS (signal 7)",
            9, "killed by SIGKILL (signal 9): most often the kernel's out-of-memory killer (a container's or cgroup's memory"
                    + " limit: raise it; dmesg or the pod's OOMKilled status tells), else someone's kill -9",
            11, "crashed with SIGSEGV (signal 11)",
            25, "killed by SIGXFSZ (signal 25): a file it wrote reached the file size limit (ulimit -f, systemd's"
                    + " LimitFSIZE): raise it",
            15, "killed by SIGTERM (signal 15) from outside dbbackup (a kill, a service or pod being stopped)");

    private ToolSignal() {
    }

    /** SIGILL: the same binary on the same CPU meets the same instruction on every attempt. */
    private static final int SIGILL = 4;

    /** Whether the signal an exit status says ended the tool ends it again on every attempt (SIGILL). */
    static boolean permanent(int exitCode) {
        return exitCode == 128 + SIGILL;
    }

    /** The signal an exit status of 128 + N says ended the tool, with its usual cause; "" for any other status. */
    static String describe(int exitCode) {
        String death = exitCode > 128 ? DEATHS.get(exitCode - 128) : null;
        return death == null ? "" : death;
    }
}
