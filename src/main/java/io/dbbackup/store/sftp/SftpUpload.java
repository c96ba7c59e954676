package io.dbbackup.store.sftp;

import io.dbbackup.spi.KeyTakenException;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.Upload;
import net.schmizz.sshj.sftp.SFTPClient;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Bytes go to a hidden temporary file next to the key; commit flushes it to the server's disk (where the server
 * offers {@code fsync@openssh.com}) and renames it onto the key; abort removes it, and the folders the upload made while
 * they are empty.
 */
final class SftpUpload implements Upload {
    /**
     * Bytes per SFTP write request at most: 32 KiB is what every server accepts. Larger writes are split: OpenSSH's
     * sftp-server ends the whole session on a message over 256 KiB ("bad message"), and the backup pipeline hands
     * the store blocks of 256 KiB, which with the request's header are just over it.
     */
    static final int WRITE_SIZE = 32 * 1024;
    /** Write requests in flight before waiting for acknowledgements. */
    private static final int UNCONFIRMED_WRITES = 32;

    private final SftpStore store;
    private final SFTPClient sftp;
    private final SyncableFile file;
    private final String temp;
    private final String target;
    private final OperationContext ctx;
    /** The folders {@link SftpStore#upload} made for this upload, deepest first: an abort removes them while empty. */
    private final List<String> madeFolders;
    private final OutputStream stream;
    private boolean fileClosed;
    private boolean committed;
    private boolean aborted;
    /** Renamed onto the key only if nothing has it ({@link SftpStore#putIfAbsent}). */
    private boolean onlyIfAbsent;
    /** The abort finished (or a commit did). */
    private volatile boolean settled;
    /** How long after a cancellation an upload that is not aborted yet has its connection cut (a stalled session). */
    static final long CUT_AFTER_MILLIS = 1_000;
    /** How long an abort after a cancellation may spend removing the temporary file. */
    static final long CANCELLED_REMOVE_MILLIS = 4_000;

    SftpUpload(SftpStore store, SFTPClient sftp, SyncableFile file, String temp, String target, OperationContext ctx,
               List<String> madeFolders) {
        this.store = store;
        this.madeFolders = List.copyOf(madeFolders);
        this.sftp = sftp;
        this.file = file;
        this.temp = temp;
        this.target = target;
        this.ctx = ctx;
        // a cancellation (SIGTERM, the job's timeout) on a stalled session: the writer waits for acknowledgements and the
        // abort for its close and remove, each up to 'timeout'; cut the connection, the abort removes over a new one
        ctx.cancellation().onCancel(() -> {
            if (settled) {
                return; // committed or aborted long ago (a copy job's earlier backups): nothing to cut, no thread
            }
            Thread cutter = new Thread(() -> {
                try {
                    Thread.sleep(CUT_AFTER_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
                if (!settled && ctx.cancellation().stopped()) {
                    ctx.log().debug("the sftp upload did not stop after the cancellation: cutting its connection", "file", temp);
                    store.cut(sftp);
                }
            }, "sftp-cut");
            cutter.setDaemon(true);
            cutter.start();
        });
        OutputStream remote = file.new RemoteFileOutputStream(0, UNCONFIRMED_WRITES);
        this.stream = new BufferedOutputStream(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (committed || aborted) {
                    throw new IOException("upload of " + target + " is already " + (committed ? "committed" : "aborted"));
                }
                ctx.cancellation().throwIfCancelled();
                try {
                    for (int done = 0; done < len; done += WRITE_SIZE) {
                        remote.write(b, off + done, Math.min(WRITE_SIZE, len - done));
                    }
                } catch (IOException e) {
                    throw store.fail(sftp, "write", temp, e);
                }
            }

            @Override
            public void flush() throws IOException {
                try {
                    remote.flush();
                } catch (IOException e) {
                    throw store.fail(sftp, "write", temp, e);
                }
            }
        }, WRITE_SIZE) {
            @Override
            public void close() throws IOException {
                flush(); // closing the stream does not commit
            }
        };
    }

    /** This upload, to be stored only if nothing has its key: a taken key fails the commit with {@link KeyTakenException}. */
    SftpUpload onlyIfAbsent() {
        onlyIfAbsent = true;
        return this;
    }

    @Override
    public OutputStream stream() {
        return stream;
    }

    @Override
    public void commit() throws IOException {
        if (committed || aborted) {
            throw new IOException("upload of " + target + " is already " + (committed ? "committed" : "aborted"));
        }
        try {
            ctx.cancellation().throwIfCancelled();
            stream.flush();
        } catch (IOException | RuntimeException e) {
            abort();
            throw e;
        }
        try {
            if (!file.fsync()) {
                ctx.log().debug("the sftp server offers no fsync: the upload is on its disk when its system writes it", "file", temp);
            }
            closeFile();
            if (onlyIfAbsent) {
                store.renameIfAbsent(sftp, temp, target);
            } else {
                store.rename(sftp, temp, target);
            }
            committed = true;
            settled = true;
            store.landed(madeFolders);
        } catch (KeyTakenException e) {
            abort();
            throw e;
        } catch (IOException e) {
            abort();
            throw store.fail(sftp, "commit", target, e);
        } catch (RuntimeException e) {
            abort();
            throw e;
        }
    }

    private void closeFile() throws IOException {
        if (!fileClosed) {
            fileClosed = true;
            file.close();
        }
    }

    @Override
    public void abort() {
        if (committed || aborted) {
            return;
        }
        aborted = true;
        if (!ctx.cancellation().stopped()) {
            remove();
            return;
        }
        // after a cancellation, bounded: a pod's grace period is short, and the server may be the one that stalls
        Thread remover = new Thread(this::remove, "sftp-abort");
        remover.setDaemon(true);
        remover.start();
        try {
            remover.join(CANCELLED_REMOVE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (remover.isAlive()) {
            store.cut(sftp);
            ctx.log().warn("could not remove the temporary upload file in time; it is hidden, never listed, and prune "
                    + "removes it once it is a day old", "file", temp);
        }
    }

    private void remove() {
        Throwable severed = null;
        try {
            closeFile();
        } catch (IOException | RuntimeException e) {
            // no answer (the connection cut, or silent for 'timeout'): the session is severed, and every further request
            // on it would fail or wait out the timeout again; an answer (a refusal) leaves it usable
            severed = SftpStore.answered(e) ? null : e;
        }
        try {
            if (severed != null) {
                removeOverANewConnection(severed);
            } else {
                removeOver(sftp);
            }
        } catch (IOException | RuntimeException e) {
            removeOverANewConnection(e);
        } finally {
            settled = true;
        }
    }

    /**
     * Removes the temporary file (gone already after a commit whose answer was lost) and then the folders the upload made,
     * while empty; those that hold a failed backup's sidecars go with its last one ({@link SftpStore#removeAbortedFolders}).
     */
    private void removeOver(SFTPClient c) throws IOException {
        try {
            c.rm(temp);
        } catch (IOException e) {
            if (!SftpStore.noSuchFile(e)) {
                throw e;
            }
        }
        store.removeAbortedFolders(c, madeFolders);
    }

    /**
     * The temporary file could not be removed over the upload's session. When that session is gone (the
     * connection dropped, the server ended it) but the server is still there, a new connection removes it:
     * a dropped connection must not leave a partial dump of the whole database on the server's disk.
     */
    private void removeOverANewConnection(Throwable first) {
        Throwable e = first;
        if (!SftpStore.answered(e)) { // else the server answered: the session is fine
            // the session is severed: closed (its socket first), so that the store connects anew instead of handing it
            // back while it still counts as connected (a silent cut); a newer connection (a parallel upload's) stays
            store.drop(sftp);
            try {
                removeOver(store.sftp());
                return;
            } catch (IOException | RuntimeException again) {
                e = again;
            }
        }
        if (!SftpStore.noSuchFile(e)) {
            ctx.log().warn("could not remove a temporary upload file; it is hidden and never listed", "file", temp,
                    "error", SftpStore.reason(e));
        }
    }

    @Override
    public void close() {
        abort();
    }
}
