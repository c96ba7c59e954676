package io.dbbackup.engine.postgres;

import io.dbbackup.core.SingleByte;
import io.dbbackup.spi.Cancellation;
import io.dbbackup.spi.ChildProcess;
import io.dbbackup.spi.ToolFailedException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * {@code producer | consumer} with the failure rule a restore needs: when the producer fails, the
 * consumer never sees a clean end of input (its stdin read fails, so it is killed instead of
 * committing a truncated script), and the error reported is the producer's.
 */
final class ToolChain {
    private ToolChain() {
    }

    static void run(ChildProcess producer, InputStream in, ChildProcess consumer, Cancellation cancellation) throws IOException {
        run(producer, in, UnaryOperator.identity(), consumer, cancellation);
    }

    /** {@code producer | between | consumer}: {@code between} reads what the producer writes. */
    static void run(ChildProcess producer, InputStream in, UnaryOperator<InputStream> between, ChildProcess consumer,
                    Cancellation cancellation) throws IOException {
        PipedInputStream pipeIn = new PipedInputStream(1 << 16);
        PipedOutputStream pipeOut = new PipedOutputStream(pipeIn);
        AtomicReference<IOException> producerError = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                producer.run(in, pipeOut, cancellation);
            } catch (IOException e) {
                producerError.set(e);
            } catch (RuntimeException e) {
                producerError.set(new IOException(e.getMessage(), e));
            } finally {
                try {
                    pipeOut.close();
                } catch (IOException ignored) {
                    // the reader is gone
                }
            }
        }, "restore-producer");
        thread.setDaemon(true);
        thread.start();
        InputStream guarded = new FilterInputStream(pipeIn) {
            @Override
            public int read() throws IOException {
                return SingleByte.read(this);
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n < 0 && producerError.get() != null) {
                    throw new IOException("the producing tool failed", producerError.get());
                }
                return n;
            }
        };
        IOException consumerError = null;
        try {
            consumer.run(between.apply(guarded), null, cancellation);
        } catch (IOException e) {
            consumerError = e;
        } finally {
            try {
                pipeIn.close();
            } catch (IOException ignored) {
                // closing our own end
            }
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        IOException p = producerError.get();
        if (p != null && (p instanceof ToolFailedException || consumerError == null || consumerError.getCause() == p)) {
            throw p;
        }
        if (consumerError != null) {
            throw consumerError;
        }
    }
}
