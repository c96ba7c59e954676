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
    private volatile Consumer<ExitStatus> handler = s -> System.exit(s.code());

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

    ExitStatus received() {
        return received.get();
    }
}
