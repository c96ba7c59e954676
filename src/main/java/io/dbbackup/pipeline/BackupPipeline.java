package io.dbbackup.pipeline;

import io.dbbackup.codec.Codecs;
import io.dbbackup.codec.Encryptor;
import io.dbbackup.codec.HashingOutputStream;
import io.dbbackup.codec.PipelinedOutputStream;
import io.dbbackup.codec.Sha256;
import io.dbbackup.core.BackupKey;
import io.dbbackup.core.Compression;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.spi.DumpInfo;
import io.dbbackup.spi.Engine;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.Store;
import io.dbbackup.spi.Upload;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

/**
 * One backup as a stream: {@code engine.dump → bounded pipe → compress → (encrypt) → SHA-256 →
 * store upload}, the dump on its own thread, everything else on the caller's. The sidecars
 * ({@code .sha256}, {@code .manifest.json}) are written first, the artifact is committed last, so
 * a backup's key exists only when the whole backup does. Any failure cancels the dump, aborts the
 * upload and removes the sidecars.
 */
public final class BackupPipeline {
    private static final int PIPE_CHUNKS = 8;
    private static final int CHUNK_SIZE = 1 << 20;
    private static final int STORE_BLOCK = 256 * 1024;
    private static final int STORE_BLOCKS = 8;

    /**
     * What to back up where, and how. {@code encryptor} may be null; {@code rawProgress}, if not null,
     * hears the dump's bytes so far (once per chunk of up to 1 MiB, on the thread that compresses). {@code stallTimeout}
     * (the datasource's {@code stall_timeout}; null or zero: no limit): the backup fails once the dump has written no
     * byte for that long while the pipeline was not holding it back.
     */
    public record Request(String job, String engineType, Engine engine, Store store, BackupKey key,
                          Compression compression, int compressionLevel, Encryptor encryptor,
                          OperationContext ctx, String toolVersion, LongConsumer rawProgress, Duration stallTimeout) {
        public Request(String job, String engineType, Engine engine, Store store, BackupKey key,
                       Compression compression, int compressionLevel, Encryptor encryptor,
                       OperationContext ctx, String toolVersion, LongConsumer rawProgress) {
            this(job, engineType, engine, store, key, compression, compressionLevel, encryptor, ctx, toolVersion, rawProgress,
                    null);
        }

        public Request(String job, String engineType, Engine engine, Store store, BackupKey key,
                       Compression compression, int compressionLevel, Encryptor encryptor,
                       OperationContext ctx, String toolVersion) {
            this(job, engineType, engine, store, key, compression, compressionLevel, encryptor, ctx, toolVersion, null);
        }
    }

    private final Clock clock;

    public BackupPipeline(Clock clock) {
        this.clock = clock;
    }

    public BackupResult run(Request r) {
        BackupKey key = r.key();
        Instant started = clock.instant();
        BoundedPipe pipe = new BoundedPipe(PIPE_CHUNKS, CHUNK_SIZE);
        // the overwrite check runs beside the dump instead of before it (on S3 it is the client's
        // start-up and a HEAD request); its verdict is awaited before anything is written under the key
        AtomicReference<DbBackupException> refusal = new AtomicReference<>();
        Thread checker = new Thread(() -> {
            try {
                if (r.store().stat(key.key()).isPresent()) {
                    // not the user's error, and the same fact as a claim lost to a run not yet committed (below): a retry
                    // names a new second
                    refusal.set(new DbBackupException(ExitStatus.SYSTEM_ERROR, "a backup already exists under " + key.key()
                            + " (another run of job " + r.job() + " in the same second, or this host's clock stepped back "
                            + "onto a second it had named before); refusing to overwrite it", null, true));
                }
            } catch (IOException | RuntimeException e) {
                refusal.set(Failures.unreachable(r.store(), key.key(), e));
            }
            if (refusal.get() != null) {
                pipe.fail(new IOException(refusal.get().getMessage()));
            }
        }, "check-" + r.job());
        checker.setDaemon(true);
        checker.start();
        // a cancellation (signal, job timeout) stops the upload side at once, even when the engine's
        // dump does not watch the token (SQLite streaming its snapshot): the writer then fails too
        r.ctx().cancellation().onCancel(() -> pipe.fail(
                new java.io.InterruptedIOException("cancelled: " + r.ctx().cancellation().reason())));
        // the stall watch: a dump that writes nothing for stall_timeout (not counting the time the pipe held it back) fails
        AtomicReference<DbBackupException> stall = new AtomicReference<>();
        AtomicReference<DumpInfo> info = new AtomicReference<>();
        AtomicReference<Throwable> dumpError = new AtomicReference<>();
        Thread dumper = new Thread(() -> {
            try (OutputStream sink = pipe.sink()) {
                info.set(r.engine().dump(sink, r.ctx()));
            } catch (Throwable t) {
                dumpError.set(t);
                pipe.fail(t instanceof IOException io ? io : new IOException(t.getMessage(), t));
            }
        }, "dump-" + r.job());
        dumper.setDaemon(true);

        Upload upload = null;
        boolean sidecarsWritten = false;
        boolean committed = false;
        byte[] sidecar = null;
        byte[] manifestBytes = null;
        boolean ownCommit = false; // nothing was under the key right before this run's commit (KeyClaim.vacant)
        try {
            // the dump first: the tool's start-up and catalog queries overlap the set-up of the chain below
            // (the store's upload, the compressor's native library); until the chain reads, the pipe holds
            // PIPE_CHUNKS chunks and then holds the dump back
            dumper.start();
            upload = r.store().upload(key.key(), r.ctx());
            HashingOutputStream hashing = new HashingOutputStream(upload.stream());
            // hashing and the store's writes on a thread of their own, overlapping compression
            PipelinedOutputStream stored = new PipelinedOutputStream(hashing, "store-" + r.job(), STORE_BLOCK, STORE_BLOCKS);
            // compression on a thread of its own, which a cancelled backup stops waiting for: zstd's native calls at
            // high levels cannot be interrupted (see CompressorThread)
            CompressorThread compressor = new CompressorThread("compress-" + r.job(), pipe.source(), stored,
                    s -> r.encryptor() == null ? s : r.encryptor().encrypt(s),
                    s -> counted(Codecs.compress(s, r.compression(), r.compressionLevel()), r.rawProgress()));
            long raw;
            try {
                raw = compressor.await(() -> stalled(r, pipe, stall) || r.ctx().cancellation().isCancelled()
                        || dumpError.get() != null || refusal.get() != null, r.ctx().cancellation());
            } catch (CompressorThread.Abandoned e) {
                // left busy: what stopped the backup is the failure to report (a cancellation from outside says so itself)
                if (stall.get() != null) {
                    throw stall.get();
                }
                if (!r.ctx().cancellation().stopped() && refusal.get() != null) {
                    throw refusal.get();
                }
                if (!r.ctx().cancellation().stopped() && dumpError.get() != null) {
                    throw dumpError.get();
                }
                throw e;
            }
            dumper.join();
            checker.join();
            if (refusal.get() != null) {
                throw refusal.get();
            }
            if (dumpError.get() != null) {
                throw dumpError.get();
            }
            if (raw == 0) {
                throw DbBackupException.system("the dump of " + r.engine().describe() + " was empty; not recording it as a backup");
            }
            r.ctx().cancellation().throwIfCancelled();
            String sha = hashing.hex();
            Manifest manifest = new Manifest(key.key(), r.job(), r.engineType(), key.database(),
                    key.format().extension(), r.compression().id(),
                    r.compression() == Compression.NONE ? 0 : r.compressionLevel(),
                    r.encryptor() == null ? "none" : r.encryptor().describe(),
                    r.encryptor() == null ? java.util.List.of() : r.encryptor().recipients(), hashing.count(), raw, sha, started,
                    clock.instant(), r.toolVersion(), info.get() == null ? java.util.Map.of() : info.get().facts());
            // the .sha256 sidecar claims the key: another run that named the same key (the job started twice in one
            // second, here or on another host) and got there first keeps its backup, sidecars and all
            sidecar = Sha256.sidecar(sha, key.fileName());
            if (!KeyClaim.claim(r.store(), key, sidecar, r.ctx())) {
                throw new DbBackupException(ExitStatus.SYSTEM_ERROR, "another run of job " + r.job() + " stored a backup "
                        + "under " + key.key() + " first (the job was started twice in the same second); this run's "
                        + "backup was discarded and the other one left as it is", null, true);
            }
            sidecarsWritten = true;
            manifestBytes = manifest.toJson().getBytes(StandardCharsets.UTF_8);
            r.store().put(key.manifestKey(), manifestBytes, r.ctx());
            ownCommit = KeyClaim.vacant(r.store(), key); // another run's identical claim may have committed under it
            upload.commit();
            committed = true;
            KeyClaim.confirm(r.store(), key, sidecar, r.ctx()); // another run's failed claim may have taken it away
            return new BackupResult(key, hashing.count(), raw, sha, manifest);
        } catch (Throwable t) {
            // the check's refusal is the error (the pipe may have failed for it, or both for the same store), unless it
            // came after this cancellation and says it: then it is what the failure stopped (the store's secret program
            // killed, its request cut off), not its cause, and the dump's own failure stays the error, as its exit code
            DbBackupException refusedFirst = refusal.get();
            // a stall is the error: the dump's or the reader's failure followed from the stall's cancellation
            Throwable failure = stall.get() != null ? stall.get() : t;
            String why = "backup failed: " + failure.getMessage();
            r.ctx().cancellation().cancelAfterFailure(why);
            pipe.closeReader();
            joinQuietly(dumper);
            joinQuietly(checker);
            DbBackupException refused = refusal.get();
            boolean stoppedByThis = refusedFirst == null && refused != null && String.valueOf(refused.getMessage()).contains(why);
            throw Failures.map("backup of " + r.engine().describe() + " failed", refused != null && !stoppedByThis ? refused : failure);
        } finally {
            if (!committed) {
                if (sidecarsWritten) {
                    // the run claimed the key: what is under it is this run's own — a commit whose answers were all
                    // lost (a one-request upload the server stored) left it there, no backup without its sidecars
                    // and never pruned. The claim is what makes this safe; a store cannot tell (a pin rewritten)
                    KeyClaim.release(r.store(), key, sidecar, manifestBytes, ownCommit, r.ctx());
                }
                // the upload last: a store that made folders for it (local) removes them as it aborts, if they are
                // empty — and they are only once the sidecars are gone
                if (upload != null) {
                    upload.abort();
                }
            }
        }
    }

    /**
     * Whether the dump stalled: it has written no byte for the request's {@code stallTimeout} while the pipe was not full
     * (a dump held back by a slower compression or upload is not stalled). The first time it finds so, it says why in
     * {@code stall}, cancels the backup as failed (the engine kills its tool) and fails the pipe.
     */
    private static boolean stalled(Request r, BoundedPipe pipe, AtomicReference<DbBackupException> stall) {
        if (stall.get() != null) {
            return true;
        }
        Duration limit = r.stallTimeout();
        if (limit == null || limit.isZero() || pipe.writerIdleNanos(System.nanoTime()) < limit.toNanos()) {
            return false;
        }
        String message = "the dump of " + r.engine().describe() + " wrote nothing for " + stallSaid(limit)
                + " (stall_timeout): the database server stopped answering, or a lock held the dump back; nothing was stored";
        // retryable as a lost connection is: a server that froze for a while (a VM paused, a network path lost) may answer again
        stall.set(new DbBackupException(ExitStatus.SYSTEM_ERROR, message, null, true));
        pipe.fail(new IOException(message));
        r.ctx().cancellation().cancelAfterFailure("backup failed: " + message);
        return true;
    }

    /** {@code 30 min}, {@code 2 h}, {@code 90 s}: a stall_timeout as its message says it. */
    static String stallSaid(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + " h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + " min";
        }
        return io.dbbackup.core.Human.settingSpaced(d);
    }

    /** {@code out}, telling {@code progress} the bytes written so far after each write (none when null). */
    private static OutputStream counted(OutputStream out, LongConsumer progress) {
        if (progress == null) {
            return out;
        }
        return new FilterOutputStream(out) {
            private long count;

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                count += len;
                progress.accept(count);
            }

            @Override
            public void write(int b) throws IOException {
                out.write(b);
                progress.accept(++count);
            }
        };
    }

    private static void joinQuietly(Thread t) {
        if (t.getState() == Thread.State.NEW) {
            return;
        }
        try {
            t.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
