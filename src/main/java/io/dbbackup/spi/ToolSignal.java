package io.dbbackup.spi;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a tool's exit status says beyond "failed". Java reports a child killed by signal N as exit 128 + N (as a shell
 * does), so "exit 137" alone leaves an on-call engineer to know that 137 is SIGKILL and that the out-of-memory killer (a
 * container's memory limit) is its usual sender. A tool that exits 128 + N by itself is taken for killed too; no dump
 * tool does. Exit 127 and 126 are a shell's (a wrapper script's, {@code stdbuf}'s) "command not found" and "found, not
 * executable": the same on every attempt, so never retried ({@link #cannotRun}).
 */
final class ToolSignal {
    private static final Map<Integer, String> DEATHS = Map.of(
            1, "killed by SIGHUP (signal 1): its terminal or session was closed",
            2, "interrupted by SIGINT (signal 2) from outside dbbackup",
            4, "crashed with SIGILL (signal 4): an illegal instruction, most often a binary built for a newer CPU than this"
                    + " host's (install the build for this machine)",
            6, "crashed with SIGABRT (signal 6)",
            7, "crashed with SIGBUS (signal 7)",
            9, "killed by SIGKILL (signal 9): most often the kernel's out-of-memory killer (a container's or cgroup's memory"
                    + " limit: raise it; dmesg or the pod's OOMKilled status tells), else someone's kill -9",
            11, "crashed with SIGSEGV (signal 11)",
            25, "killed by SIGXFSZ (signal 25): a file it wrote reached the file size limit (ulimit -f, systemd's"
                    + " LimitFSIZE): raise it",
            15, "killed by SIGTERM (signal 15) from outside dbbackup (a kill, a service or pod being stopped)");

    static final int NOT_EXECUTABLE = 126;
    static final int NOT_FOUND = 127;

    /**
     * The program a shell names in its complaint: bash's {@code script: line 2: /opt/x/pg_dump: No such file or
     * directory}, {@code foo: command not found}, dash's {@code script: 2: foo: not found}, {@code …: Permission denied},
     * coreutils' {@code stdbuf: failed to run command 'foo': …}.
     */
    private static final Pattern NAMED = Pattern.compile("(?:^|: )(?:failed to run command )?([^:]+?): (?:command not found"
            + "|not found|No such file or directory|cannot execute.*|Permission denied|Is a directory)$");

    /** bash's {@code script: /usr/bin/python9: bad interpreter: No such file or directory}: the interpreter is missing. */
    private static final Pattern BAD_INTERPRETER = Pattern.compile("([^:\\s][^:]*): bad interpreter: ");

    private ToolSignal() {
    }

    /** The signal an exit status of 128 + N says ended the tool, with its usual cause; "" for any other status. */
    static String describe(int exitCode) {
        String death = exitCode > 128 ? DEATHS.get(exitCode - 128) : null;
        return death == null ? "" : death;
    }

    /**
     * {@code program}, or, when it is a script that exists (the kernel's "No such file or directory" for a missing
     * {@code #!} interpreter reads as if the script itself were missing), its interpreter, saying so.
     */
    private static String interpreted(String program) {
        try {
            java.nio.file.Path p = java.nio.file.Path.of(program);
            if (!p.isAbsolute() || !java.nio.file.Files.isRegularFile(p)) {
                return program;
            }
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(p)) {
                String head = new String(in.readNBytes(256), java.nio.charset.StandardCharsets.ISO_8859_1);
                if (!head.startsWith("#!")) {
                    return program;
                }
                String line = head.substring(2).split("\n", 2)[0];
                if (line.endsWith("\r")) { // "/bin/sh\r" is no program: a script saved with Windows line endings
                    return program + " (its #! line ends in a Windows line ending, CRLF: convert it, e.g. dos2unix)";
                }
                String interpreter = line.strip().split("\\s+")[0];
                return interpreter.isEmpty() ? program : interpreter + " (the #! interpreter of " + program + ")";
            }
        } catch (java.io.IOException | RuntimeException e) {
            return program; // unreadable, or no path: the shell's word stands
        }
    }

    /** Whether the status is a shell's "command not found" (127) or "not executable" (126): retrying cannot help. */
    static boolean cannotRun(int exitCode) {
        return exitCode == NOT_FOUND || exitCode == NOT_EXECUTABLE;
    }

    /**
     * For exit 126 or 127: "command not found: PROGRAM (…what to do…)", PROGRAM as the shell named it in {@code stderr}
     * (its last such line), or without it; "" for any other status.
     */
    static String cannotRun(int exitCode, String stderr) {
        if (!cannotRun(exitCode)) {
            return "";
        }
        String program = "";
        for (String line : stderr.strip().split("\n")) {
            Matcher bad = BAD_INTERPRETER.matcher(line);
            Matcher m = NAMED.matcher(line.strip());
            if (bad.find()) {
                program = bad.group(1).strip() + " (the #! interpreter of a script)";
            } else if (m.find()) {
                program = interpreted(m.group(1).strip().replaceAll("^[‘'`\"]|[’'\"]$", ""));
            }
        }
        String named = program.isEmpty() ? "" : ": " + program;
        return exitCode == NOT_FOUND
                ? "command not found" + named + " (a program the tool, or a wrapper script in its place, runs is not"
                        + " installed or not on PATH: install it or fix the path; not retried)"
                : "not executable" + named + " (a program the tool, or a wrapper script in its place, runs has no execute"
                        + " permission or is a folder: chmod +x it or fix the path; not retried)";
    }
}
