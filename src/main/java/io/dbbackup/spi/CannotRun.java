package io.dbbackup.spi;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Exit 127 and 126 are a shell's (a wrapper script's, {@code stdbuf}'s) "command not found" and "found, not
 * executable": the same on every attempt, so never retried, and said with the program the shell named. No dump tool
 * exits 126/127 by itself.
 */
final class CannotRun {
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

    private CannotRun() {
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
    static boolean is(int exitCode) {
        return exitCode == NOT_FOUND || exitCode == NOT_EXECUTABLE;
    }

    /**
     * For exit 126 or 127: "command not found: PROGRAM (…what to do…)", PROGRAM as the shell named it in {@code stderr}
     * (its last such line), or without it; "" for any other status.
     */
    static String describe(int exitCode, String stderr) {
        if (!is(exitCode)) {
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
