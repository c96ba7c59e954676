package io.dbbackup.cli;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.core.Log;
import io.dbbackup.core.OpenFiles;
import io.dbbackup.core.Redactor;
import io.dbbackup.job.Confirmer;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;

/**
 * The command line as a function: {@link #run} parses, runs and returns the exit code; only
 * {@link #main} calls {@code System.exit}. Errors are mapped to exit codes in one place
 * ({@link #exitCodeOf}).
 */
public final class Main {
    private final Map<String, String> env;
    private final Clock clock;
    private final Confirmer confirmer;
    private final Path workingDir;
    private final Signals signals;
    private java.io.OutputStream binaryOut = System.out;
    /** The {@code --log-format} of the last command line run (the real process's last words after it use it too). */
    private volatile Log.Format logFormat = Log.Format.TEXT; // read by a dying thread too (uncaught)

    public Main(Map<String, String> env, Clock clock, Confirmer confirmer, Path workingDir) {
        this(env, clock, confirmer, workingDir, null);
    }

    Main(Map<String, String> env, Clock clock, Confirmer confirmer, Path workingDir, Signals signals) {
        this.env = env;
        this.clock = clock;
        this.confirmer = confirmer;
        this.workingDir = workingDir;
        this.signals = signals;
    }

    /** A Main as the real process runs it: real environment, clock and terminal. */
    public static Main system() {
        return new Main(System.getenv(), Clock.systemUTC(), ConsoleConfirmer.create(), Path.of("").toAbsolutePath(), new Signals());
    }

    /**
     * The process. A restore_command's failure must never exit 1..125, PostgreSQL's "not archived" (it would promote): with
     * {@code wal-fetch --stop-recovery-on-error} anything thrown exits {@value WalFetchCommand#STOP_RECOVERY}, also a
     * class the jar lost or cannot load (wal-fetch's own included, an upgrade overwrote it). So the flag is read from
     * the raw arguments before any class of dbbackup's is touched ({@link #stopsRecovery}: JDK code only, and
     * WalFetchCommand's constants are compile-time ones, copied into this class), everything else runs inside one
     * {@code catch (Throwable)}, and this class's own verification loads none of dbbackup's classes (nothing here hands
     * one where another type is expected): a class that verification needed would fail before main, with the JVM's 1.
     */
    public static void main(String[] args) {
        // Nothing dbbackup writes is in the user's language: keys, manifests, JSON, metrics, tables and logs are read by
        // programs and scripts. A host's locale (LANG=tr_TR.UTF-8, -Duser.language=ar) would turn "info" into "ınfo" and
        // 4 into ٤ in them; the JVM's default is the root locale from here on, for the libraries' formatting too
        // (docs/DECISIONS.md, "The JVM's locale"). File names' encoding is the environment's, set before main: unchanged.
        Locale.setDefault(Locale.ROOT);
        boolean stopRecovery = stopsRecovery(args);
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        Main main = null;
        int code;
        try {
            try { // a stderr whose reader stalls must not hold a log line, and so the backup logging it (StandardError)
                StandardError.install();
                err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
            } catch (Throwable e) { // that class lost: System.err as it was
            }
            try { // the limit on open files, named when they run out, is read while a descriptor is still to be had
                OpenFiles.remember();
            } catch (Throwable e) { // that class lost: the hint without the number
            }
            try { // before any class of zstd-jni or sqlite-jdbc loads: their native libraries from beside the jar
                NativeLibraries.configure();
            } catch (Throwable e) { // that class lost too: the libraries unpack themselves, as before
            }
            if (WalPushShortcut.acknowledged(args, Path.of("").toAbsolutePath(), err)) {
                err.flush();
                settleStderr();
                System.exit(0);
            }
            Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught(t, e, stopRecovery, null));
            StandardOutput stdout = StandardOutput.system(); // not System.out, which swallows a write that failed
            out = stdout.printer();
            main = system();
            Main running = main; // from here its --log-format, once parsed, is the uncaught failure's too
            Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught(t, e, stopRecovery, running));
            main.binaryOut(stdout.bytes());
            code = main.run(out, err, args);
            out.flush();
            if (!stopRecovery) { // a restore_command's 1..125 would read as "not archived"; wal-fetch writes no stdout
                code = stdout.verdict(code, err, main.logFormat);
            }
        } catch (Throwable e) {
            code = failed(err, e, stopRecovery);
        }
        out.flush();
        err.flush();
        settleStderr();
        System.exit(main != null && main.signals != null && main.signals.received() != null ? main.signals.received().code() : code);
    }

    /**
     * Says why {@link #main} failed and returns its exit status: an OutOfMemoryError is a resource failure, exit 2 (never
     * 3, integrity, as the JVM's -XX:+ExitOnOutOfMemoryError would exit); any other Error nobody caught (a class the jar
     * lost, a stack overflow) an internal error, exit 2, not the JVM's 1; with {@code stopRecovery} both exit
     * {@value WalFetchCommand#STOP_RECOVERY}. A report that fails in turn (a class it needs is lost too) falls back to one
     * plain line and the same status: the failure's class, and the message only of a LinkageError (class names; nothing
     * redacts it then).
     */
    private static int failed(PrintWriter err, Throwable e, boolean stopRecovery) {
        try {
            if (e instanceof OutOfMemoryError) {
                err.println("error: " + Redactor.redact(io.dbbackup.core.Heap.outOfMemory(e))
                        + (stopRecovery ? WalFetchCommand.STOP_NOTE : ""));
                return stopRecovery ? WalFetchCommand.STOP_RECOVERY : ExitStatus.SYSTEM_ERROR.code();
            }
            return report(err, stopRecovery ? WalFetchCommand.stopRecovery(e) : e, true, Log.Format.TEXT, Clock.systemUTC());
        } catch (Throwable reporting) {
            err.println("error: internal error: " + e.getClass().getName() + (e instanceof LinkageError ? ": " + e.getMessage() : "")
                    + (stopRecovery ? WalFetchCommand.STOP_NOTE : ""));
            err.flush();
            return stopRecovery ? WalFetchCommand.STOP_RECOVERY : SYSTEM_ERROR;
        }
    }

    /** Lets the last lines of stderr out before the process exits, as long as something reads them (StandardError). */
    static void settleStderr() {
        try {
            StandardError.settleInstalled();
        } catch (Throwable e) { // that class lost: its lines with it
        }
    }

    /** {@link ExitStatus#SYSTEM_ERROR}'s code, for when even that class cannot load. */
    private static final int SYSTEM_ERROR = 2;

    /**
     * Whether a command line is a {@code wal-fetch --stop-recovery-on-error} (also one picocli could not parse: its
     * argument errors — a missing %p, an unknown option — stop recovery too, instead of reading as "not archived").
     * JDK code only: {@link #main} asks before anything of dbbackup's has loaded.
     */
    static boolean stopsRecovery(String[] args) {
        boolean walFetch = false;
        for (String a : args) {
            if (a.equals("wal-fetch")) {
                walFetch = true;
            } else if (walFetch && (a.equals("--stop-recovery-on-error") || a.equalsIgnoreCase("--stop-recovery-on-error=true"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * A thread that dies of an OutOfMemoryError nobody caught may leave another waiting for it for ever: the process
     * exits at once, 2 (a resource failure), as it did with the JVM's -XX:+ExitOnOutOfMemoryError — which exits 3, the
     * code of a corrupt backup, and is therefore not among bin/dbbackup's flags any more; 255 for a restore_command's
     * {@code wal-fetch --stop-recovery-on-error}. {@code running}: the Main whose log format the line takes (null
     * before there is one: text).
     */
    private static void uncaught(Thread t, Throwable e, boolean stopRecovery, Main running) {
        try { // a report that fails in turn (out of memory again) must not keep the process from ending
            PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
            uncaught(err, t, e, stopRecovery, running == null ? Log.Format.TEXT : running.logFormat,
                    running == null ? Clock.systemUTC() : running.clock());
        } finally {
            Integer halt = haltStatus(e, stopRecovery);
            if (halt != null) {
                settleStderr();
                Runtime.getRuntime().halt(halt);
            }
        }
    }

    /** The status a thread's uncaught {@code e} ends the process with at once (an OutOfMemoryError), or null. */
    private static Integer haltStatus(Throwable e, boolean stopRecovery) {
        return !(e instanceof OutOfMemoryError) ? null
                : stopRecovery ? WalFetchCommand.STOP_RECOVERY : ExitStatus.SYSTEM_ERROR.code();
    }

    /**
     * Says that thread {@code t} died of {@code e}, as {@link #report} says a failure: with {@code --log-format json} one
     * JSON object (an OutOfMemoryError's with the {@code exit} it ends the process with; anything else's, which ends the
     * thread alone, with its trace in {@code stack}); in text {@code error: thread ...} for an OutOfMemoryError, the JVM's
     * {@code Exception in thread} and trace for anything else.
     */
    static void uncaught(PrintWriter err, Thread t, Throwable e, boolean stopRecovery, Log.Format format, Clock clock) {
        boolean json = format == Log.Format.JSON;
        Integer code = haltStatus(e, stopRecovery);
        if (code != null) {
            String message = "thread " + t.getName() + ": " + io.dbbackup.core.Heap.outOfMemory(e)
                    + (stopRecovery ? WalFetchCommand.STOP_NOTE : "");
            line(err, json, clock, "error", json ? message : "error: " + message, null, json ? code : null, null);
        } else if (json) {
            java.io.StringWriter trace = new java.io.StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            line(err, true, clock, "error", "thread " + t.getName() + ": internal error: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), null, null, Redactor.redact(trace.toString()));
        } else {
            // the JVM's own form, but through the redactor: a failure's message can hold a connection string
            java.io.StringWriter trace = new java.io.StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            err.print(Redactor.redact("Exception in thread \"" + t.getName() + "\" " + trace));
        }
        err.flush();
    }

    /** The format the process's log lines take from now on (the command's {@code --log-format}, parsed). */
    void logsAs(Log.Format format) {
        logFormat = format;
    }

    /** Where commands that write bytes ({@code download -o -}) write them; the process's stdout by default. */
    public Main binaryOut(java.io.OutputStream out) {
        this.binaryOut = out;
        return this;
    }

    /** The file standard output goes to, when it is one (the real process only: a test's output is no file). */
    java.util.Optional<Path> stdoutFile() {
        if (signals == null) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(Path.of("/proc/self/fd/1").toRealPath());
        } catch (java.io.IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    /**
     * Whether stderr is a terminal (a progress line is drawn there): the real process asks fd 2 itself; a Main in a
     * test, whose stderr is a buffer, takes its confirmer's word (a test's "terminal").
     */
    boolean stderrIsTerminal() {
        return signals == null ? confirmer.interactive() : ProgressLine.stderrIsTerminal();
    }

    java.io.OutputStream binaryOut() {
        return binaryOut;
    }

    /** Runs one command line; returns its exit code. */
    public int run(PrintWriter stdout, PrintWriter err, String... args) {
        JsonFailure.Watched watched = new JsonFailure.Watched(stdout);
        PrintWriter out = watched.printer(); // not new PrintWriter(watched): Main's verification would load Watched
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            // what picocli prints for it, without building the model of every verb first (0.1-0.3 s of reflection)
            out.println(Root.VersionProvider.line());
            out.flush();
            return 0;
        }
        BackupCommand backup = BackupShortcut.parse(this, out, err, args);
        if (backup != null) {
            logFormat = backup.root.logFormat;
            try {
                return backup.call();
            } catch (Exception ex) {
                int code = report(err, ex, backup.root);
                if (backup.json) {
                    JsonFailure.print(watched, ex, code, JsonFailure.singleJob(backup.all, backup.jobs));
                }
                return code;
            } finally {
                backup.root.closeStores();
                out.flush();
                err.flush();
                Log.set(new Log(new PrintWriter(System.err, true), Log.Format.TEXT, Log.Level.INFO, Clock.systemUTC()));
            }
        }
        Root root = new Root(this, out, err);
        CommandLine cl = root.commandLine(args);
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            int code = report(err, ex, root);
            if (commandLine.getParseResult().hasMatchedOption("--json")) {
                JsonFailure.print(watched, ex, code, JsonFailure.jobOf(commandLine.getParseResult()));
            }
            return code;
        });
        if (stopsRecovery(args)) {
            cl.setExitCodeExceptionMapper(ex -> WalFetchCommand.STOP_RECOVERY); // a handler that failed itself: not picocli's 1
        }
        cl.setParameterExceptionHandler((ex, args1) -> {
            // a restore_command with a wrong argument must not read as "not archived" (exit 1): PostgreSQL would end
            // recovery there and promote
            boolean stop = stopsRecovery(args1);
            err.println("error: " + ex.getMessage() + (stop ? WalFetchCommand.STOP_NOTE : ""));
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            // the command that failed by its whole name: 'dbbackup config validate --help', not 'dbbackup validate --help'
            err.println("Run '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            err.flush();
            int code = stop ? WalFetchCommand.STOP_RECOVERY : ExitStatus.USER_ERROR.code();
            CommandLine verb = JsonFailure.jsonVerb(ex.getCommandLine(), args1);
            if (verb != null) {
                JsonFailure.print(watched, ex, code, JsonFailure.jobOf(verb.getParseResult()));
            }
            return code;
        });
        try {
            return cl.execute(args);
        } finally {
            root.closeStores();
            logFormat = root.logFormat;
            out.flush();
            err.flush();
            Log.set(new Log(new PrintWriter(System.err, true), Log.Format.TEXT, Log.Level.INFO, Clock.systemUTC()));
        }
    }

    /**
     * Says why a command failed, on stderr, and returns its exit code. A config problem or another failure dbbackup
     * explains ({@link DbBackupException}) is its one-line message, also with {@code -v}; only an unexpected internal
     * error gets a stack trace, with {@code -v}. With {@code --log-format json} each line is a JSON object, as every log
     * line of the run (a config problem with its {@code file}, {@code line} and {@code column}).
     */
    static int report(PrintWriter err, Throwable ex, Root root) {
        return report(err, ex, root.verbose, root.logFormat, root.main.clock());
    }

    static int report(PrintWriter err, Throwable ex, boolean verbose, Log.Format format, Clock clock) {
        String message = Redactor.redact(ex.getMessage() == null ? ex.getClass().getName() : ex.getMessage());
        int code = exitCodeOf(ex);
        boolean json = format == Log.Format.JSON;
        boolean internal = !(ex instanceof DbBackupException);
        String trace = null;
        if (verbose && internal) {
            java.io.StringWriter sw = new java.io.StringWriter();
            ex.printStackTrace(new PrintWriter(sw));
            trace = Redactor.redact(sw.toString());
        }
        if (ex instanceof WalFetchCommand.NotArchived) {
            line(err, json, clock, "info", "wal-fetch: " + message, null, code, null); // PostgreSQL asks for files that do not exist
        } else if (ex instanceof io.dbbackup.config.ConfigException c && !c.problems().isEmpty()) {
            for (io.dbbackup.config.Problem p : c.problems()) {
                problem(err, p, json, clock, code, "");
            }
        } else if (!internal) {
            for (String l : message.split("\n")) {
                java.util.regex.Matcher m = POSITIONED.matcher(l);
                if (m.matches()) {
                    problem(err, new io.dbbackup.config.Problem(m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                            m.group(4).equals("warning") ? io.dbbackup.config.Problem.Severity.WARNING
                                    : io.dbbackup.config.Problem.Severity.ERROR, m.group(5)), json, clock, code, "");
                } else if (l.matches("^[^ ]+:\\d+:\\d+: .*")) {
                    line(err, json, clock, "error", l, null, code, null);
                } else {
                    line(err, json, clock, "error", json ? l : "error: " + l, null, code, null);
                }
            }
        } else {
            line(err, json, clock, "error", (json ? "" : "error: ") + "internal error: " + ex.getClass().getSimpleName() + ": "
                    + message, null, code, trace);
        }
        if (trace != null && !json) {
            err.print(trace);
        }
        err.flush();
        return code;
    }

    /** {@code file:line:col: error: message}, as {@link io.dbbackup.config.Problem#format} writes it. */
    private static final java.util.regex.Pattern POSITIONED = java.util.regex.Pattern.compile("^([^ ]+):(\\d+):(\\d+): (error|warning): (.*)$");

    /** One config problem: its usual line, or with JSON its object ({@code file}, {@code line}, {@code column}). */
    static void problem(PrintWriter err, io.dbbackup.config.Problem p, boolean json, Clock clock, int code, String suffix) {
        if (!json) {
            err.println(Redactor.redact(p.format() + suffix));
            return;
        }
        Map<String, Object> where = new java.util.LinkedHashMap<>();
        where.put("file", p.file());
        where.put("line", p.line());
        where.put("column", p.column());
        line(err, true, clock, p.severity() == io.dbbackup.config.Problem.Severity.ERROR ? "error" : "warn",
                p.message() + suffix, where, p.severity() == io.dbbackup.config.Problem.Severity.ERROR ? code : null, null);
    }

    private static void line(PrintWriter err, boolean json, Clock clock, String level, String message, Map<String, Object> fields,
                             Integer code, String trace) {
        if (!json) {
            err.println(Redactor.redact(message));
            return;
        }
        Map<String, Object> obj = new java.util.LinkedHashMap<>();
        obj.put("time", clock.instant().toString());
        obj.put("level", level);
        obj.put("msg", Redactor.redact(message));
        if (fields != null) {
            fields.forEach((k, v) -> obj.put(k, v instanceof String t ? Redactor.redact(t) : v));
        }
        if (code != null) {
            obj.put("exit", code);
        }
        if (trace != null) {
            obj.put("stack", trace);
        }
        err.println(io.dbbackup.core.Json.write(obj));
    }

    /** The one mapping from a failure to an exit code. */
    static int exitCodeOf(Throwable ex) {
        if (ex instanceof WalFetchCommand.StopRecovery) {
            return WalFetchCommand.STOP_RECOVERY;
        }
        if (ex instanceof WalFetchCommand.NotArchived n) {
            return n.code;
        }
        if (ex instanceof DbBackupException d) {
            return d.status().code();
        }
        if (ex instanceof CommandLine.ParameterException) {
            return ExitStatus.USER_ERROR.code();
        }
        return ExitStatus.SYSTEM_ERROR.code();
    }

    Map<String, String> env() {
        return env;
    }

    Clock clock() {
        return clock;
    }

    Confirmer confirmer() {
        return confirmer;
    }

    Path workingDir() {
        return workingDir;
    }

    Signals signals() {
        return signals;
    }
}
