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
            + "|not found|No such file or directory|cannot execute.*|Permission denied|Is a directory|Exec format error)$");

    /** bash's {@code script: /usr/bin/python9: bad interpreter: No such file or directory}: the interpreter is missing. */
    private static final Pattern BAD_INTERPRETER = Pattern.compile("([^:\\s][^:]*): bad interpreter: ");

    /**
     * The dynamic loader's {@code /usr/lib/…/pg_dump: error while loading shared libraries: libpq.so.5: cannot open shared
     * object file: No such file or directory} (exit 127): the program is there, a library it needs is not.
     */
    private static final Pattern NO_LIBRARY = Pattern.compile("(?:^|\\s)(\\S+): error while loading shared libraries: "
            + "([^:]+): (.+)$");

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
        String missingLibrary = "";
        for (String line : stderr.strip().split("\n")) {
            Matcher bad = BAD_INTERPRETER.matcher(line);
            Matcher library = NO_LIBRARY.matcher(line.strip());
            Matcher m = NAMED.matcher(line.strip());
            if (library.find()) {
                missingLibrary = "a shared library " + library.group(1) + " needs cannot be loaded: " + library.group(2).strip()
                        + " (" + library.group(3).strip() + "; install the package that provides it, or a build of the"
                        + " program for this system; not retried)";
            } else if (bad.find()) {
                program = bad.group(1).strip() + " (the #! interpreter of a script)";
            } else if (m.find()) {
                String named = m.group(1).strip().replaceAll("^[‘'`\"]|[’'\"]$", "");
                String foreign = ElfBinary.problem(absolute(named));
                if (!foreign.isEmpty()) {
                    return foreign; // there, but built for another machine or system: no path or chmod fixes it
                }
                program = interpreted(named);
            }
        }
        if (!missingLibrary.isEmpty()) {
            return missingLibrary;
        }
        String named = program.isEmpty() ? "" : ": " + program;
        return exitCode == NOT_FOUND
                ? "command not found" + named + " (a program the tool, or a wrapper script in its place, runs is not"
                        + " installed or not on PATH: install it or fix the path; not retried)"
                : "not executable" + named + " (a program the tool, or a wrapper script in its place, runs has no execute"
                        + " permission or is a folder: chmod +x it or fix the path; not retried)";
    }

    private static java.nio.file.Path absolute(String program) {
        try {
            java.nio.file.Path p = java.nio.file.Path.of(program);
            return p.isAbsolute() ? p : null;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
