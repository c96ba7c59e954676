package io.dbbackup.pipeline;

import io.dbbackup.codec.PipelinedOutputStream;
import io.dbbackup.spi.Cancellation;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * The dump's bytes through the compressor (and the encryptor below it) into the stored stream, on a thread of its own
 * that a cancelled backup (a signal, the job's timeout) stops waiting for. zstd's multi-threaded compressor cannot be
 * interrupted: a write waits for its workers' jobs (32 MiB at level 19, tens of seconds each on a loaded machine), and
 * its close ends the frame (compresses all it holds, minutes). So:
 * <ul>
 * <li>a failure (the dump's, the store's, a cancellation that reached the source) ends no frame: the stored stream is
 * abandoned (nothing more reaches the upload), the waiting backup hears the failure at once, and only then does this
 * thread free the compressor, whose first output then fails;</li>
 * <li>once the backup is cancelled or its dump failed, it waits at most {@link #GIVE_UP_AFTER} for this thread, then
 * abandons the stored stream and goes on to abort the upload; the thread ends by itself when its native call returns (its output goes
 * nowhere), holding its memory and a core until then.</li>
 * </ul>
 */
final class CompressorThread {
    /** How long a cancelled backup waits for the compressor to stop by itself. */
    static final Duration GIVE_UP_AFTER = Duration.ofSeconds(1);

    /** Makes one stage of the chain (the encryptor, the compressor) over the one below; closing it finishes its stream and closes that one. */
    interface Stage {
        OutputStream over(OutputStream below) throws IOException;
    }

    private final CompletableFuture<Long> done = new CompletableFuture<>();
    private final PipelinedOutputStream stored;
    private final Thread thread;

    /**
     * Starts copying {@code source} through {@code compress} over {@code encrypt} into {@code stored}; {@link #await}
     * gives the bytes read.
     */
    CompressorThread(String name, InputStream source, PipelinedOutputStream stored, Stage encrypt, Stage compress) {
        this.stored = stored;
        this.thread = new Thread(() -> run(source, encrypt, compress), name);
        thread.setDaemon(true);
        thread.start();
    }

    private void run(InputStream source, Stage encrypt, Stage compress) {
        OutputStream encrypted = null;
        OutputStream out = null;
        try (InputStream in = source) {
            encrypted = encrypt.over(stored);
            out = compress.over(encrypted);
            long raw = in.transferTo(out);
            out.close(); // the end of the frame, only now
            done.complete(raw);
        } catch (Throwable t) {
            stored.abandon();
            if (encrypted instanceof PipelinedOutputStream e) {
                e.abandon(); // the compressor's last output fails at once instead of being encrypted for nothing
            }
            done.completeExceptionally(t);
            closeQuietly(stored); // its thread ends; nothing more reaches the upload
            closeQuietly(out); // frees the compressor: slow at high zstd levels, and no longer waited for
            // a compressor whose close failed (its frame's end could not be written) did not close the stage below:
            // the encryptor's thread would wait for the end of its stream for the rest of the process
            closeQuietly(encrypted);
        }
    }

    /** The compressor was left to stop by itself: the backup stopped (cancelled, or its dump failed) while it was busy. */
    static final class Abandoned extends InterruptedIOException {
        Abandoned(String message) {
            super(message);
        }
    }

    /**
     * The bytes read from the source once the whole stream is stored; the compressor's failure as it was; once
     * {@code stop} holds (the backup was cancelled, its dump failed) and the thread has not ended within
     * {@link #GIVE_UP_AFTER}, {@link Abandoned} (the stored stream is then abandoned).
     */
    long await(BooleanSupplier stop, Cancellation cancellation) throws Throwable {
        try {
            while (!stop.getAsBoolean()) {
                try {
                    return done.get(100, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    // not stopped yet: wait on
                }
            }
            try {
                return done.get(GIVE_UP_AFTER.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                stored.abandon();
                throw new Abandoned("cancelled: " + cancellation.reason() + " (the compressor, still busy "
                        + GIVE_UP_AFTER.toSeconds() + " s later, was left to stop by itself; its output is discarded)");
            }
        } catch (ExecutionException e) {
            throw e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stored.abandon();
            throw new InterruptedIOException("interrupted while compressing");
        }
    }

    private static void closeQuietly(OutputStream out) {
        if (out == null) {
            return;
        }
        try {
            out.close();
        } catch (IOException | RuntimeException e) {
            // the failure that got here was reported; this one follows from it
        }
    }
}
