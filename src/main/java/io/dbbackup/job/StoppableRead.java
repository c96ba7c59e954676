package io.dbbackup.job;

import io.dbbackup.codec.Decryptor;
import io.dbbackup.core.BackupKey;
import io.dbbackup.core.CancelSignal;
import io.dbbackup.core.Log;
import io.dbbackup.pipeline.Failures;
import io.dbbackup.pipeline.ArtifactReader;
import io.dbbackup.spi.Cancellation;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.Function;

/**
 * One read of a backup (a restore's, a physical dry run's, {@code show --contents}'), cut off at once when it must stop:
 * on the operation's cancellation (a signal, a timeout), and at its close unless its reader said it {@link #finished}
 * (what read it failed: the engine's tool died), the store's stream is closed ({@link ArtifactReader.Decoded#abortRead}).
 * A read blocked on a stalled connection then fails now, and the decoder's close, which waits on that read (zstd's
 * does), does not wait out the store's stall timeout.
 */
final class StoppableRead implements AutoCloseable {
    private final ArtifactReader.Decoded decoded;
    private final InputStream stream;
    private final CancelSignal.Registration onCancel;
    private boolean finished;

    private StoppableRead(ArtifactReader.Decoded decoded, InputStream stream, CancelSignal.Registration onCancel) {
        this.decoded = decoded;
        this.stream = stream;
        this.onCancel = onCancel;
    }

    static StoppableRead open(ArtifactReader reader, BackupKey key, Decryptor decryptor, Cancellation cancellation)
            throws IOException {
        return open(reader, key, decryptor, cancellation, d -> d);
    }

    /**
     * {@code over}: what the read is read through, closing it when closed (a {@link io.dbbackup.pipeline.ReadAhead},
     * whose close waits on its thread's read): the read is cut off before it is closed.
     */
    static StoppableRead open(ArtifactReader reader, BackupKey key, Decryptor decryptor, Cancellation cancellation,
                              Function<ArtifactReader.Decoded, InputStream> over) throws IOException {
        ArtifactReader.Decoded decoded = reader.open(key, decryptor, true);
        return new StoppableRead(decoded, over.apply(decoded),
                cancellation.onCancel(() -> decoded.abortRead(cancellation.reason())));
    }

    /**
     * {@code e}, or the operation's cancellation when it was stopped (a signal, a timeout) by the time {@code e} is said
     * ({@link Failures#cancellationFirst}): a read this cut off and what its reader made of it race; what failed then is
     * kept as a debug line and as suppressed.
     */
    static Throwable cancellationFirst(Throwable e, Cancellation cancellation, Log log) {
        Throwable said = Failures.cancellationFirst(e, cancellation);
        if (said != e) {
            log.debug("failed after the cancellation", "reason", cancellation.reason(), "error", String.valueOf(e));
        }
        return said;
    }

    /** The read itself. */
    ArtifactReader.Decoded decoded() {
        return decoded;
    }

    /** What it is read through: the read itself, or what {@code over} made of it. */
    InputStream stream() {
        return stream;
    }

    /** Its reader is done with it without a failure: it is closed as any stream is. */
    void finished() {
        finished = true;
    }

    @Override
    public void close() throws IOException {
        onCancel.close();
        if (!finished) {
            decoded.abortRead(); // another thread (a tool's feeder) may still wait in a read of a stalled connection
        }
        stream.close();
    }
}
