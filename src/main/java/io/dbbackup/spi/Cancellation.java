package io.dbbackup.spi;

import java.util.ArrayList;
import java.util.List;

/**
 * Cooperative cancellation of one running operation. Whoever starts a child process or opens a
 * blocking connection registers how to stop it; {@link #cancel(String)} runs those hooks once,
 * from any thread (a failing pipeline stage, a job timeout, SIGTERM).
 */
public final class Cancellation implements io.dbbackup.core.CancelSignal.Token {
    private final List<Runnable> hooks = new ArrayList<>();
    private volatile String reason;

    @Override
    public synchronized void onCancel(Runnable hook) {
        if (reason != null) {
            hook.run();
        } else {
            hooks.add(hook);
        }
    }

    public void cancel(String why) {
        List<Runnable> toRun;
        synchronized (this) {
            if (reason != null) {
                return;
            }
            reason = why;
            toRun = new ArrayList<>(hooks);
            hooks.clear();
        }
        for (Runnable r : toRun) {
            try {
                r.run();
            } catch (RuntimeException ignored) {
                // a hook that fails must not stop the others
            }
        }
    }

    @Override
    public boolean isCancelled() {
        return reason != null;
    }

    @Override
    public String reason() {
        return reason;
    }

    public void throwIfCancelled() throws java.io.InterruptedIOException {
        if (reason != null) {
            throw new java.io.InterruptedIOException("cancelled: " + reason);
        }
    }
}
