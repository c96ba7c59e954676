package io.dbbackup.pipeline;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.SingleByte;
import io.dbbackup.spi.DumpInfo;
import io.dbbackup.spi.Engine;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.RestoreOptions;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One database streamed into another: {@code source.dump → bounded in-memory pipe → target.restore},
 * no file in between. The dump runs on its own thread, started only when the restore first reads (so
 * a target that refuses before reading never touches the source). The one rule that matters: the
 * restore sees a clean end of stream only after the dump returned normally; a dump that fails (a
 * killed pg_dump, a lost connection, a cancellation) makes the restore's next read throw instead, so
 * the engine rolls back or discards its staging area rather than committing a truncated dump.
 */
public final class SyncPipeline {
    private static final int PIPE_CHUNKS = 8;
    private static final int CHUNK_SIZE = 256 * 1024;

    /** What was copied. */
    public record Result(long bytes, DumpInfo info) {
    }

    private SyncPipeline() {
    }

    /**
     * Runs the sync; failures are mapped to {@link DbBackupException} with the dump's error first
     * when the dump failed (the restore's own error, which says what happened to the target, follows).
     */
    public static Result run(Engine source, Engine target, RestoreOptions options, OperationContext ctx) {
        BoundedPipe pipe = new BoundedPipe(PIPE_CHUNKS, CHUNK_SIZE);
        ctx.cancellation().onCancel(() -> pipe.fail(new InterruptedIOException("cancelled: " + ctx.cancellation().reason())));
        AtomicReference<DumpInfo> info = new AtomicReference<>();
        AtomicReference<Throwable> dumpError = new AtomicReference<>();
        Thread dumper = new Thread(() -> {
            OutputStream sink = pipe.sink();
            try {
                info.set(source.dump(new KeepOpen(sink), ctx));
                sink.close(); // the clean end of stream, only now
            } catch (Throwable t) {
                dumpError.set(t);
                pipe.fail(t instanceof IOException io ? io : new IOException(t.getMessage(), t));
            }
        }, "sync-dump");
        dumper.setDaemon(true);
        Source in = new Source(pipe.source(), dumper);
        try {
            target.restore(in, source.format(), options, ctx);
            if (!in.ended) {
                throw DbBackupException.system("the restore into " + target.describe()
                        + " returned before the end of the dump; the sync is incomplete");
            }
            join(dumper);
            if (dumpError.get() != null) {
                throw dumpError.get();
            }
            return new Result(in.count, info.get());
        } catch (Throwable t) {
            Throwable dumpFailedFirst = dumpError.get(); // set before the pipe fails, so before the restore could see it
            ctx.cancellation().cancelAfterFailure("sync failed");
            pipe.closeReader();
            join(dumper);
            if (dumpFailedFirst != null && dumpFailedFirst != t) {
                DbBackupException d = Failures.map("the dump of " + source.describe() + " failed", dumpFailedFirst);
                String restore = Failures.map("the restore into " + target.describe() + " failed", t).getMessage();
                throw new DbBackupException(d.status(), d.getMessage() + "\n" + restore, dumpFailedFirst, false);
            }
            throw Failures.map("sync of " + source.describe() + " into " + target.describe() + " failed", t);
        }
    }

    private static void join(Thread t) {
        if (t.getState() == Thread.State.NEW) {
            return;
        }
        try {
            t.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The engine's dump must not end the stream by closing it: only the pipeline ends it, on success. */
    private static final class KeepOpen extends FilterOutputStream {
        KeepOpen(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }

    /** The pipe's reading end: starts the dump on first read, counts bytes, notes a clean end. */
    private static final class Source extends InputStream {
        private final InputStream in;
        private final Thread dumper;
        private boolean started;
        private boolean ended;
        private long count;

        Source(InputStream in, Thread dumper) {
            this.in = in;
            this.dumper = dumper;
        }

        @Override
        public int read() throws IOException {
            return SingleByte.read(this);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (!started) {
                started = true;
                dumper.start();
            }
            int n = in.read(b, off, len);
            if (n < 0) {
                ended = true;
            } else {
                count += n;
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
