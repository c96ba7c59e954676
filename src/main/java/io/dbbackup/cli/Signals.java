package io.dbbackup.cli;

import io.dbbackup.core.ExitStatus;
import sun.misc.Signal;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * SIGTERM (Kubernetes) and SIGINT (Ctrl-C): the first one asks the running command to stop
 * cleanly (kill dump processes, abort uploads, notify); the process then exits 143 / 130. A second
 * signal exits at once.
 */
final class Signals {
    private final AtomicReference<ExitStatus> received = new AtomicReference<>();
    private static final long GRACE_MILLIS = 15_000;
    private volatile Consumer<ExitStatus> handler = Signals::exitNow;

    Signals() {
        install("TERM", ExitStatus.TERMINATED);
        install("INT", ExitStatus.INTERRUPTED);
    }

    private void install(String name, ExitStatus status) {
        try {
            Signal.handle(new Signal(name), sig -> {
                if (!received.compareAndSet(null, status)) {
                    Runtime.getRuntime().halt(status.code());
                }
                handler.accept(status);
            });
        } catch (IllegalArgumentException e) {
            // the signal cannot be handled on this platform: the JVM default applies
        }
    }

    /** What the running command does on a signal (default: exit with the signal's code). */
    void onSignal(Consumer<ExitStatus> h) {
        handler = h;
    }

    /**
     * The default for commands that run operations of {@code ws} (restore, verify, inspect...): cancel
     * them, which kills their tools (a psql being fed a restore must die, not see its input end and
     * commit what it got), and let the command unwind and report; the process then exits with the
     * signal's code. Without an open operation, or if unwinding takes longer than a grace period,
     * exit at once.
     */
    void cancelOnSignal(io.dbbackup.job.Workspace ws) {
        onSignal(s -> {
            exitAfterGrace(s); // first: a cancellation hook that blocks must not hold the exit
            if (!ws.cancelAll("signal " + s.signal())) {
                exitNow(s);
            }
        });
    }

    /**
     * For a command that reports what a signal stopped (verify of many jobs, with notifications): it is {@code told},
     * the operations are cancelled, and it gets the grace period to report whether or not one was open.
     */
    void cancelAndReport(io.dbbackup.job.Workspace ws, Consumer<ExitStatus> told) {
        onSignal(s -> {
            exitAfterGrace(s); // first: a cancellation hook that blocks must not hold the exit
            told.accept(s);
            ws.cancelAll("signal " + s.signal());
        });
    }

    private static void exitAfterGrace(ExitStatus s) {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(GRACE_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            exitNow(s);
        }, "signal-grace");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    /** Kills every tool this process started (none may outlive it half-fed), then exits with the signal's code. */
    static void exitNow(ExitStatus s) {
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
        Main.settleStderr();
        System.exit(s.code());
    }

    ExitStatus received() {
        return received.get();
    }
}
