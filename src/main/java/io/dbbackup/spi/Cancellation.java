package io.dbbackup.spi;

import io.dbbackup.core.CancelSignal.Registration;

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
    private volatile boolean afterFailure;

    @Override
    public Registration onCancel(Runnable hook) {
        synchronized (this) {
            if (reason == null) {
                hooks.add(hook);
                return () -> drop(hook);
            }
        }
        hook.run(); // already cancelled: at once, outside the lock (as cancel runs its hooks)
        return Registration.NONE;
    }

    private synchronized void drop(Runnable hook) {
        for (int i = hooks.size() - 1; i >= 0; i--) {
            if (hooks.get(i) == hook) {
                hooks.remove(i);
                return;
            }
        }
    }

    /** How many hooks wait for a cancellation (a hook whose work ended is dropped: this does not grow with it). */
    public synchronized int waitingHooks() {
        return hooks.size();
    }

    public void cancel(String why) {
        cancel(why, false);
    }

    /**
     * As {@link #cancel(String)}, by the operation itself because it failed (its tools and transfers stop), not a
     * request from outside to stop it: {@link #stopped()} stays false.
     */
    public void cancelAfterFailure(String why) {
        cancel(why, true);
    }

    private void cancel(String why, boolean failure) {
        List<Runnable> toRun;
        synchronized (this) {
            if (reason != null) {
                return;
            }
            afterFailure = failure;
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

    /**
     * Cancelled from outside (a signal, a job's timeout), not by the operation's own failure: what is left to do
     * (an upload's cleanup) must then fit in a pod's grace period.
     */
    public boolean stopped() {
        return reason != null && !afterFailure;
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
