package io.dbbackup.spi;

import io.dbbackup.core.Human;
import io.dbbackup.core.Redactor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * Runs a database tool as a child process the way every engine must: a minimal environment
 * (secrets go in through {@link #env}, never argv), stderr captured (its last lines end up in
 * the error), stdout copied to a stream, stdin fed from a stream, killed with its descendants on
 * cancellation or timeout, and a non-zero exit always an error, whatever was written.
 */
public final class ChildProcess {
    private static final int TAIL_LINES = 20;
    /** The characters kept of one stderr line (the rest is counted). */
    static final int MAX_LINE = 1000;

    private final List<String> command;
    private final Map<String, String> env = new LinkedHashMap<>();
    private String name;
    private Path workDir;
    private Duration timeout;
    /** When the timeout's kill comes, if not at {@link #timeout} itself: a test's seam (never set in production). */
    private Duration firesAfter;
    private Predicate<String> permanentFailure = s -> false;
    private java.util.function.UnaryOperator<String> explained = s -> s;
    private Predicate<String> unquoted = line -> false;
    private boolean readsOnlyAPrefix;
    /**
     * How long {@link #run} waits, once the child exited, for its stderr reader and for its stdin feeder (unless it
     * {@link #readsOnlyAPrefix}: then for as long as the rest of stdin takes). The feeder is still running then only
     * while it waits on the source (a write to the exited child's pipe fails at once: the JDK closes the pipe when it
     * reaps the child, even while a process the child started still holds its other end): what the source says in that
     * time (its failure, a checksum at its end) is still reported. A feeder still running after it fails the run (the
     * tool exited 0 without its input's end: not all of it may have been used), is interrupted, and writes nothing more;
     * the source is left to its owner to close (a decoder's close waits on its read, or frees what the read uses).
     */
    private Duration afterExit = Duration.ofSeconds(5);

    private ChildProcess(List<String> command) {
        this.command = List.copyOf(command);
        this.name = Path.of(command.get(0)).getFileName().toString();
        String path = System.getenv("PATH");
        env.put("PATH", path == null ? "/usr/local/bin:/usr/bin:/bin" : path);
        env.put("LANG", "C.UTF-8");
        env.put("LC_ALL", "C.UTF-8");
        String home = System.getenv("HOME");
        if (home != null) {
            env.put("HOME", home);
        }
        String tz = System.getenv("TZ");
        if (tz != null) {
            env.put("TZ", tz);
        }
    }

    public static ChildProcess of(List<String> command) {
        return new ChildProcess(command);
    }

    /** Adds a variable to the (otherwise minimal) environment. */
    public ChildProcess env(String key, String value) {
        env.put(key, value);
        return this;
    }

    public ChildProcess name(String name) {
        this.name = name;
        return this;
    }

    public ChildProcess workDir(Path dir) {
        this.workDir = dir;
        return this;
    }

    /** Kills the process when it runs longer; null or zero = no limit. */
    public ChildProcess timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    /**
     * Test seam: {@link #timeout(Duration) timeout}, said as {@code timeout}, whose kill comes after {@code firesAfter}
     * instead, so that a test of what a timeout says need not wait it out.
     */
    ChildProcess timeout(Duration timeout, Duration firesAfter) {
        this.timeout = timeout;
        this.firesAfter = firesAfter;
        return this;
    }

    /** Stderr text that marks a failure retrying cannot fix (e.g. authentication failed). */
    public ChildProcess permanentWhen(Predicate<String> stderrMatches) {
        this.permanentFailure = stderrMatches;
        return this;
    }

    /**
     * What a failed run's stderr tail becomes before its {@link ToolFailedException} is made (after {@link #permanentWhen}
     * judged it): a hint put after the line it explains, e.g. the config place of a refused password.
     */
    public ChildProcess explainedBy(java.util.function.UnaryOperator<String> stderr) {
        this.explained = stderr;
        return this;
    }

    /**
     * Stderr lines a failed run's quote leaves out ({@link ToolFailedException#toolOutput}), though its
     * {@link ToolFailedException#stderrTail} keeps them for what reads it: a line naming a file of dbbackup's own that is
     * deleted by the time anyone reads the report (libpq's {@code password retrieved from file "/tmp/dbbackup-…"}).
     */
    public ChildProcess unquoted(Predicate<String> line) {
        this.unquoted = line;
        return this;
    }

    /**
     * The child may exit 0 before it has read all of its stdin ({@code pg_restore --list} reads an archive's table of
     * contents only): the rest of stdin is then read to its end and dropped, as a small input fitting in the pipe
     * would have been, and the child's closed pipe is no failure.
     */
    public ChildProcess readsOnlyAPrefix() {
        this.readsOnlyAPrefix = true;
        return this;
    }

    /** The wait after the child's exit ({@link #afterExit}); for tests. */
    ChildProcess afterExit(Duration wait) {
        this.afterExit = wait;
        return this;
    }

    public List<String> command() {
        return command;
    }

    /** The program itself, as a path when the command names one. */
    private Path program() {
        try {
            Path p = Path.of(command.get(0));
            return p.isAbsolute() ? p : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Runs to the end. {@code stdin} may be null (the child gets an empty stdin), {@code stdout} may
     * be null (output is discarded). Returns the captured stderr tail on success.
     */
    public String run(InputStream stdin, OutputStream stdout, Cancellation cancellation) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(stdout == null ? command : StdoutBuffer.wrap(command, env.get("PATH")));
        pb.environment().clear();
        pb.environment().putAll(env);
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        if (stdout == null) {
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        }
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new ToolFailedException(name, -1, "cannot start " + command.get(0) + ": " + e.getMessage(), false,
                    ElfBinary.problem(program()));
        }
        AtomicReference<String> killedBecause = new AtomicReference<>();
        Runnable kill = () -> {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        };
        // dropped once this run ended (finally below): an operation running a tool many times keeps no hook per run
        io.dbbackup.core.CancelSignal.Registration killOnCancel = cancellation.onCancel(() -> {
            killedBecause.compareAndSet(null, "cancelled: " + cancellation.reason());
            kill.run();
        });
        Deadline timer = Deadline.start(firesAfter != null ? firesAfter : timeout, () -> {
            killedBecause.compareAndSet(null, ToolFailedException.TIMED_OUT + Human.setting(timeout));
            kill.run();
        });
        StderrTail tail = new StderrTail();
        Thread errReader = new Thread(() -> drain(process.getErrorStream(), tail), name + "-stderr");
        errReader.setDaemon(true);
        errReader.start();
        AtomicReference<Failure> feedError = new AtomicReference<>();
        AtomicReference<IOException> writeError = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean abandoned = new java.util.concurrent.atomic.AtomicBoolean();
        String stalled = null;
        Thread feeder = null;
        if (stdin != null) {
            feeder = new Thread(() -> {
                OutputStream in = process.getOutputStream();
                try {
                    byte[] buf = new byte[1 << 16];
                    while (true) {
                        int n = stdin.read(buf);
                        if (n < 0 || abandoned.get()) { // abandoned: the run failed without it, nothing more is fed
                            break;
                        }
                        try {
                            in.write(buf, 0, n);
                        } catch (IOException e) {
                            writeError.set(e); // the child stopped reading: its exit status says why
                            if (readsOnlyAPrefix) {
                                stdin.transferTo(OutputStream.nullOutputStream());
                            }
                            return;
                        }
                    }
                } catch (IOException | RuntimeException | Error e) {
                    feedError.set(() -> {
                        throw e;
                    }); // the source failed: the child must not see a truncated input as complete
                    kill.run();
                } finally {
                    try {
                        in.close();
                    } catch (IOException e) {
                        writeError.compareAndSet(null, e);
                    }
                }
            }, name + "-stdin");
            feeder.setDaemon(true);
            feeder.start();
        }
        IOException copyError = null;
        try {
            if (stdout != null) {
                try (InputStream out = process.getInputStream()) {
                    if (stdout instanceof ReadingSink reading) {
                        reading.readFrom(out);
                    } else {
                        byte[] buf = new byte[1 << 16];
                        int n;
                        while ((n = out.read(buf)) >= 0) {
                            stdout.write(buf, 0, n);
                        }
                    }
                } catch (IOException e) {
                    copyError = e;
                    kill.run();
                }
            }
            int exit = process.waitFor();
            errReader.join(afterExit.toMillis());
            if (feeder != null) {
                // a child that read only a prefix left the rest of stdin to the feeder: all of it is read before we go on
                // (it may be a large archive whose checksum is checked at its end)
                if (readsOnlyAPrefix) {
                    feeder.join();
                } else {
                    feeder.join(afterExit.toMillis());
                    if (feeder.isAlive()) {
                        abandoned.set(true);
                        // (not on a write: the JDK closes the pipe when it reaps the tool, failing a write at once)
                        stalled = Human.setting(afterExit);
                        feeder.interrupt();
                    }
                }
            }
            String stderr = tail.text();
            if (killedBecause.get() != null) {
                if (cancellation.isCancelled()) {
                    throw new InterruptedIOException(name + " " + killedBecause.get());
                }
                throw new ToolFailedException(name, exit, killedBecause.get() + "\n" + stderr, true);
            }
            // the source's failure first: the kill it caused closes the child's stdout, which can fail the copy above
            // with a bare 'Stream closed' that would hide the cause
            if (feedError.get() != null) {
                if (cancellation.stopped()) {
                    // a signal cut the source's read (its hook ran before this run's kill, which would have said it): the
                    // feeder's failure is the cancellation's, said as the kill says it, whichever came first
                    InterruptedIOException cancelled = new InterruptedIOException(name + " cancelled: " + cancellation.reason());
                    try {
                        feedError.get().rethrow();
                    } catch (IOException | RuntimeException e) {
                        cancelled.addSuppressed(e);
                    }
                    throw cancelled;
                }
                feedError.get().rethrow();
            }
            if (copyError != null) {
                throw copyError;
            }
            if (exit != 0) {
                // a binary for another machine: the kernel refuses it (execvp's shell fallback then reads it as a script,
                // "Syntax error", exit 2), or its loader is missing (exit 127, "No such file" for a file that is there)
                String foreign = CannotRun.is(exit) || exit == 2 ? ElfBinary.problem(program()) : "";
                // a shell's "command not found" / "not executable" (a wrapper script's) and SIGILL fail every attempt alike
                throw new ToolFailedException(name, exit, explained.apply(stderr), foreign.isEmpty() && !permanentFailure.test(stderr)
                        && !CannotRun.is(exit) && !ToolSignal.permanent(exit), foreign).quoting(quoted(stderr));
            }
            if (stalled != null) {
                // it never saw its input's end (the feeder closes the pipe only after the source's end): what was not
                // yet fed is lost, and the source's end or failure comes too late to be said
                throw new ToolFailedException(name, 0, stderr + (stderr.isBlank() ? "" : "\n") + "it exited 0 while its "
                        + "input was still being read (the source gave nothing for " + stalled + " after it exited): not "
                        + "all of its input may have been used", false);
            }
            if (writeError.get() != null && !readsOnlyAPrefix) {
                // a bare "Broken pipe" said nothing of which tool or why; the same input would stop it again
                throw new ToolFailedException(name, 0, stderr + (stderr.isBlank() ? "" : "\n")
                        + "it exited 0 before reading all of its input (" + writeError.get().getMessage() + "): not all of "
                        + "its input was used (a wrapper script in its place that does not pass its input on?)", false);
            }
            return stderr;
        } catch (InterruptedException e) {
            kill.run();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(name + " interrupted");
        } finally {
            timer.cancel();
            killOnCancel.close();
            if (process.isAlive()) {
                kill.run();
            }
        }
    }

    /** A failure caught in another thread, thrown again in the caller as it was thrown: an IOException, or unchecked. */
    @FunctionalInterface
    private interface Failure {
        void rethrow() throws IOException;
    }

    /**
     * Reads stderr line by line as {@link BufferedReader#readLine} does ({@code \n}, {@code \r} or {@code \r\n} ends
     * one), keeping at most {@link #MAX_LINE} characters of each: a tool that quotes a whole statement or value on one
     * line must not put it into the error, the summary and the failure mail (nor hold it in memory).
     */
    private static void drain(InputStream err, StderrTail tail) {
        // a line is read past the cut by the longest secret's length, so that one which begins before the cut is masked
        // whole before the line is cut (cut first, its first part would be kept, which its mask no longer matches)
        long keep = MAX_LINE + (long) Redactor.longest();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(err, StandardCharsets.UTF_8))) {
            StringBuilder line = new StringBuilder();
            long dropped = 0;
            boolean pending = false; // a line has begun (an empty line too)
            boolean afterCr = false;
            int c;
            while ((c = r.read()) >= 0) {
                if (c == '\n' && afterCr) {
                    afterCr = false;
                    continue;
                }
                afterCr = c == '\r';
                if (c == '\n' || c == '\r') {
                    tail.add(cut(line, dropped));
                    line.setLength(0);
                    dropped = 0;
                    pending = false;
                } else if (line.length() < keep) {
                    line.append((char) c);
                    pending = true;
                } else {
                    dropped++;
                }
            }
            if (pending) {
                tail.add(cut(line, dropped));
            }
        } catch (IOException ignored) {
            // the process went away; what we have is the tail
        }
    }

    /** The line with its secrets masked, then cut to {@link #MAX_LINE} characters saying how many more there were. */
    private static String cut(StringBuilder line, long dropped) {
        String masked = Redactor.redact(line.toString());
        if (dropped == 0 && masked.length() <= MAX_LINE) {
            return masked;
        }
        int end = Math.min(MAX_LINE, masked.length());
        if (end > 0 && Character.isHighSurrogate(masked.charAt(end - 1))) { // never half a character
            end--;
        }
        return masked.substring(0, end) + "… (" + (dropped + masked.length() - end) + " more characters)";
    }

    /** {@code stderr} without the lines {@link #unquoted} leaves out. */
    private String quoted(String stderr) {
        return stderr.lines().filter(unquoted.negate()).collect(java.util.stream.Collectors.joining("\n"));
    }

    /**
     * Stderr's last {@link #TAIL_LINES} lines, and its first error line ({@link ToolFailedException#isErrorLine}) before
     * them when it has scrolled out: pg_restore follows a failed statement with the whole statement ("Command was: CREATE
     * TABLE …"), which alone would leave a failure saying {@code );}.
     */
    private static final class StderrTail {
        private final Deque<String> last = new ArrayDeque<>();
        private long count;
        private String firstError;
        private long firstErrorAt;

        synchronized void add(String line) {
            if (firstError == null && ToolFailedException.isErrorLine(line)) {
                firstError = line;
                firstErrorAt = count;
            }
            count++;
            last.addLast(line);
            if (last.size() > TAIL_LINES) {
                last.removeFirst();
            }
        }

        synchronized String text() {
            List<String> lines = new ArrayList<>();
            if (firstError != null && firstErrorAt < count - last.size()) {
                lines.add(firstError);
                lines.add("…");
            }
            lines.addAll(last);
            return Redactor.redact(String.join("\n", lines));
        }
    }
}
