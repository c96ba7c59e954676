package io.dbbackup.testkit;

import io.dbbackup.spi.ForwardingStore;
import io.dbbackup.spi.ForwardingUpload;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.Store;
import io.dbbackup.spi.Upload;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A real store with one step of a backup made to fail, once: the artifact's upload (after some bytes), the claim (the
 * {@code .sha256} sidecar's {@code putIfAbsent}), the manifest sidecar, or the artifact's commit — each of the last
 * two kinds either before the store did anything or after it stored the write (an answer lost on the way back).
 */
public final class FaultingStore extends ForwardingStore {
    /** Where the backup fails. */
    public enum Step {
        UPLOAD, CLAIM, CLAIM_STORED, SIDECAR, COMMIT, COMMIT_STORED
    }

    private static final long UPLOAD_BYTES = 200_000;
    private final Step step;
    private volatile boolean armed = true;

    public FaultingStore(Store delegate, Step step) {
        super(delegate);
        this.step = step;
    }

    /** Whether the fault has struck. */
    public boolean struck() {
        return !armed;
    }

    private IOException fault(String what) {
        armed = false;
        return new IOException("injected fault: " + what + " (" + step + ")");
    }

    @Override
    public Upload upload(String key, OperationContext ctx) throws IOException {
        Upload real = delegate.upload(key, ctx);
        if (!armed) {
            return real;
        }
        OutputStream failing = new FilterOutputStream(real.stream()) {
            private long n;

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (step == Step.UPLOAD && armed && (n += len) > UPLOAD_BYTES) {
                    throw fault("connection reset while uploading " + key);
                }
                out.write(b, off, len);
            }

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }
        };
        return new ForwardingUpload(real) {
            @Override
            public OutputStream stream() {
                return failing;
            }

            @Override
            public void commit() throws IOException {
                if (armed && step == Step.COMMIT) {
                    throw fault("commit of " + key + " refused");
                }
                delegate.commit();
                if (armed && step == Step.COMMIT_STORED) {
                    throw fault("commit of " + key + " timed out after the store applied it");
                }
            }
        };
    }

    @Override
    public void put(String key, byte[] content, OperationContext ctx) throws IOException {
        if (armed && step == Step.SIDECAR) {
            throw fault("write of " + key + " refused");
        }
        delegate.put(key, content, ctx);
    }

    @Override
    public boolean putIfAbsent(String key, byte[] content, OperationContext ctx) throws IOException {
        if (armed && step == Step.CLAIM) {
            throw fault("claim of " + key + " refused");
        }
        boolean claimed = delegate.putIfAbsent(key, content, ctx);
        if (armed && step == Step.CLAIM_STORED) {
            throw fault("claim of " + key + " timed out after the store applied it");
        }
        return claimed;
    }
}
