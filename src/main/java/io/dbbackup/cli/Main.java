package io.dbbackup.cli;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.core.Log;
import io.dbbackup.core.Redactor;
import io.dbbackup.job.Confirmer;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
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
        return new Main(System.getenv(), Clock.systemUTC(), new ConsoleConfirmer(), Path.of("").toAbsolutePath(), new Signals());
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        if (WalPushShortcut.acknowledged(args, Path.of("").toAbsolutePath(), err)) {
            System.exit(0);
        }
        Thread.setDefaultUncaughtExceptionHandler(Main::uncaught);
        Main main = system();
        int code;
        try {
            code = main.run(out, err, args);
        } catch (OutOfMemoryError e) {
            // a resource failure, exit 2: never 3 (integrity), as the JVM's -XX:+ExitOnOutOfMemoryError would exit
            err.println("error: " + Redactor.redact(io.dbbackup.core.Heap.outOfMemory(e)));
            code = ExitStatus.SYSTEM_ERROR.code();
        }
        out.flush();
        err.flush();
        System.exit(main.signals != null && main.signals.received() != null ? main.signals.received().code() : code);
    }

    /**
     * A thread that dies of an OutOfMemoryError nobody caught may leave another waiting for it for ever: the process
     * exits at once, 2 (a resource failure), as it did with the JVM's -XX:+ExitOnOutOfMemoryError — which exits 3, the
     * code of a corrupt backup, and is therefore not among bin/dbbackup's flags any more.
     */
    private static void uncaught(Thread t, Throwable e) {
        if (e instanceof OutOfMemoryError) {
            System.err.println("error: thread " + t.getName() + ": " + io.dbbackup.core.Heap.outOfMemory(e));
            System.err.flush();
            Runtime.getRuntime().halt(ExitStatus.SYSTEM_ERROR.code());
        }
        System.err.print("Exception in thread \"" + t.getName() + "\" ");
        e.printStackTrace();
    }

    /** Where commands that write bytes ({@code download -o -}) write them; the process's stdout by default. */
    public Main binaryOut(java.io.OutputStream out) {
        this.binaryOut = out;
        return this;
    }

    java.io.OutputStream binaryOut() {
        return binaryOut;
    }

    /** Runs one command line; returns its exit code. */
    public int run(PrintWriter out, PrintWriter err, String... args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            // what picocli prints for it, without building the model of every verb first (0.1-0.3 s of reflection)
            out.println(Root.VersionProvider.line());
            out.flush();
            return 0;
        }
        BackupCommand backup = BackupShortcut.parse(this, out, err, args);
        if (backup != null) {
            try {
                return backup.call();
            } catch (Exception ex) {
                return report(err, ex, backup.root.verbose);
            } finally {
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
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> report(err, ex, root.verbose));
        cl.setParameterExceptionHandler((ex, args1) -> {
            err.println("error: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Run 'dbbackup " + (ex.getCommandLine().getCommandName().equals("dbbackup") ? "" :
                    ex.getCommandLine().getCommandName() + " ") + "--help' for usage.");
            err.flush();
            return ExitStatus.USER_ERROR.code();
        });
        try {
            return cl.execute(args);
        } finally {
            out.flush();
            err.flush();
            Log.set(new Log(new PrintWriter(System.err, true), Log.Format.TEXT, Log.Level.INFO, Clock.systemUTC()));
        }
    }

    static int report(PrintWriter err, Throwable ex, boolean verbose) {
        String message = Redactor.redact(ex.getMessage() == null ? ex.getClass().getName() : ex.getMessage());
        int code = exitCodeOf(ex);
        if (ex instanceof io.dbbackup.job.WalNotArchivedException) {
            err.println("wal-fetch: " + message); // PostgreSQL asks for files that do not exist: not an error to it
        } else if (ex instanceof DbBackupException) {
            for (String line : message.split("\n")) {
                err.println(line.matches("^[^ ]+:\\d+:\\d+: .*") ? line : "error: " + line);
            }
        } else {
            err.println("error: internal error: " + ex.getClass().getSimpleName() + ": " + message);
        }
        if (verbose) {
            java.io.StringWriter sw = new java.io.StringWriter();
            ex.printStackTrace(new PrintWriter(sw));
            err.print(Redactor.redact(sw.toString()));
        }
        err.flush();
        return code;
    }

    /** The one mapping from a failure to an exit code. */
    static int exitCodeOf(Throwable ex) {
        if (ex instanceof WalFetchCommand.StopRecovery) {
            return WalFetchCommand.STOP_RECOVERY;
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
