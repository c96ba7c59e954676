package io.dbbackup.cli;

import io.dbbackup.core.CancelSignal;
import io.dbbackup.core.DbBackupException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Reads for many items (a store's small objects, one GET each), at most {@code bound} at a time, their outcomes handed
 * to the caller's thread in the items' order: what it does with them (a warning, a table row) comes out as if it had read
 * them one after another. The reads run under the caller's cancellation ({@link CancelSignal}: a signal, a job's
 * timeout), which stops the requests in flight and the reads not begun, and the wait for them; the threads are daemon
 * threads of this call, ended when it returns.
 */
final class BoundedReads {
    private static final AtomicInteger THREADS = new AtomicInteger();

    private BoundedReads() {
    }

    /**
     * {@code then} gets each item, in order, with its read's outcome: {@link Supplier#get} returns the result or throws
     * what the read threw. With {@code bound} 1 (or a single item) each read runs on this thread when its outcome is
     * asked for, as a plain loop does. A read still waited for when the operation is cancelled ends the call with an
     * error saying so ({@code what}: what was being read). {@code name}: its threads' names.
     */
    static <T, R> void inOrder(List<T> items, int bound, String name, String what, Function<? super T, ? extends R> read,
                               BiConsumer<? super T, Supplier<R>> then) {
        if (bound <= 1 || items.size() <= 1) {
            for (T item : items) {
                then.accept(item, () -> read.apply(item));
            }
            return;
        }
        CancelSignal.Token cancel = CancelSignal.current();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(bound, items.size()), r -> {
            Thread t = new Thread(r, name + "-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        List<Future<R>> reads = new ArrayList<>(items.size());
        try {
            for (T item : items) {
                reads.add(pool.submit(() -> {
                    // the operation's cancellation on this thread too, whatever thread the pool made it on: the store
                    // stops this request when it is cancelled
                    try (CancelSignal.Scope scope = CancelSignal.enter(cancel)) {
                        if (cancel.isCancelled()) {
                            throw new CancellationException(); // no read begins once the operation is cancelled
                        }
                        return read.apply(item);
                    }
                }));
            }
            // a cancellation ends the wait at once: the reads not begun never start, those in flight are interrupted
            try (CancelSignal.Registration stop = cancel.onCancel(() -> reads.forEach(f -> f.cancel(true)))) {
                for (int i = 0; i < items.size(); i++) {
                    Future<R> f = reads.get(i);
                    then.accept(items.get(i), () -> outcome(f, cancel, what));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static <R> R outcome(Future<R> f, CancelSignal.Token cancel, String what) {
        try {
            return f.get();
        } catch (CancellationException e) {
            throw stopped(cancel, what);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw stopped(cancel, what);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CancellationException) {
                throw stopped(cancel, what);
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static DbBackupException stopped(CancelSignal.Token cancel, String what) {
        String why = cancel.reason();
        return DbBackupException.system("stopped reading " + what + ": " + (why == null ? "interrupted" : "cancelled (" + why + ")"));
    }
}
