package io.dbbackup.store.sftp;

import net.schmizz.sshj.sftp.RemoteFile;
import net.schmizz.sshj.sftp.SFTPClient;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;

/**
 * A remote file's content, read ahead. Closed by the thread that reads it, it closes the remote handle as before. Closed
 * from another thread (a cancellation: SIGTERM, a job's timeout, verify's cut-off), the close returns at once: the handle
 * is closed on a thread of its own — its answer, on a stalled session, was waited for up to the store's {@code timeout}
 * by the cancelling thread — and a read still blocked a moment later has the connection cut under it, so that the reader
 * ends too instead of waiting out the same timeout. A read that fails says which server and file (as uploads do) and, when the
 * connection failed (a stall, a drop), drops it: the next request connects again instead of waiting on it.
 */
final class SftpRead extends InputStream {
    /** How long after a close from another thread a read still blocked has its connection cut. */
    static final long CUT_AFTER_MILLIS = 1_000;

    private final SftpStore store;
    private final SFTPClient sftp;
    private final RemoteFile file;
    private final InputStream in;
    private final String path;
    /** The thread that reads (the one that opened it until a read happens). */
    private volatile Thread reader = Thread.currentThread();
    private volatile boolean reading;
    private volatile boolean closed;
    /** A read failed with the connection (it is dropped): the handle went with it. */
    private boolean broken;

    /** {@code offset}: where the read begins (not 0 for the rest of a read whose connection broke). */
    SftpRead(SftpStore store, SFTPClient sftp, RemoteFile file, String path, long offset) {
        this.store = store;
        this.sftp = sftp;
        this.file = file;
        this.path = path;
        this.in = file.new ReadAheadRemoteFileInputStream(16, offset);
    }

    @Override
    public int read() throws IOException {
        return io.dbbackup.core.SingleByte.read(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new InterruptedIOException("the read of " + path + " was stopped");
        }
        reader = Thread.currentThread();
        reading = true;
        try {
            return in.read(b, off, len);
        } catch (IOException e) {
            if (closed) {
                InterruptedIOException stopped = new InterruptedIOException("the read of " + path + " was stopped");
                stopped.initCause(e);
                throw stopped;
            }
            broken = !SftpStore.answered(e);
            throw store.fail(sftp, "read", path, e);
        } finally {
            reading = false;
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (Thread.currentThread() == reader) {
            if (broken) {
                in.close(); // the connection is dropped: there is no handle to close on the server
            } else {
                closeHandle(); // the reader's own close: as before
            }
            return;
        }
        Thread stop = new Thread(() -> {
            try {
                Thread.sleep(CUT_AFTER_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            if (reading) {
                store.cut(sftp); // the read waits on a stalled session: every request on it fails at once
            }
            try {
                closeHandle();
            } catch (IOException | RuntimeException ignored) {
                // a cut connection's handle is gone with it
            }
        }, "sftp-read-stop");
        stop.setDaemon(true);
        stop.start();
    }

    private void closeHandle() throws IOException {
        try {
            in.close();
        } finally {
            file.close();
        }
    }
}
