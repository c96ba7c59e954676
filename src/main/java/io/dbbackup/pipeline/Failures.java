package io.dbbackup.pipeline;

import io.dbbackup.codec.IntegrityException;
import io.dbbackup.codec.WrongKeyException;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.spi.ToolFailedException;

import java.io.IOException;
import java.io.InterruptedIOException;

/** Maps whatever went wrong in a stream to a {@link DbBackupException} with the right exit status. */
public final class Failures {
    private Failures() {
    }

    /** How zstd-jni's errors say that its context or its worker threads could not be made. */
    static final String ZSTD_ALLOCATION = "Allocation error";

    /**
     * A store's failure to say whether {@code key} is there: {@code cannot reach store local /srv/backups: …}, or, when the
     * store's own words name the object's path (which holds the store's), {@code cannot reach the store: sftp stat
     * u@h:/backups/k failed: …} — the store's path said once, not twice in a row.
     */
    public static DbBackupException unreachable(io.dbbackup.spi.Store store, String key, Throwable t) {
        String said = t.getMessage();
        return map(said != null && said.contains(key) ? "cannot reach the store" : "cannot reach store " + store.describe(), t);
    }

    /**
     * As {@link #map(String, Throwable)}, of a failure of an operation on {@code store} that {@code context} names by its
     * {@link io.dbbackup.spi.Store#describe}: led by {@code context} whatever failed (a store's own
     * {@link DbBackupException} too), and the store said once. Where the store's words name the store as well (a delete
     * of many keys: "delete of 4 objects in s3 s3://b/p failed for 4 of them …", {@code HeldObjectException.deleteEach}'s
     * shape), they lose that " in STORE" and keep the rest (the count, the first key, the reason, the advice):
     * {@code cannot delete archived WAL (4 files) from s3 s3://b/p: delete of 4 objects failed for 4 of them …}.
     */
    public static DbBackupException map(String context, io.dbbackup.spi.Store store, Throwable t) {
        DbBackupException d = map(context, t);
        String said = d.getMessage().startsWith(context) ? d.getMessage().substring(context.length())
                : ": " + d.getMessage();
        // the store's own describe(): a rate limit is said by the job's, not by the store's words
        String limits = io.dbbackup.spi.RateLimitedStore.limitsOf(store);
        String describe = store.describe();
        String own = " in " + describe.substring(0, describe.length() - limits.length());
        String once = context.contains(own.substring(" in ".length())) ? said.replace(own, "") : said;
        // a store's own words about itself (a DbBackupException the context above was put before): said once
        once = storeSaidOnce(context, t, once);
        return once.equals(said) && d.getMessage().startsWith(context) ? d
                : new DbBackupException(d.status(), context + once, d, d.retryable());
    }

    public static DbBackupException map(String context, Throwable t) {
        if (t instanceof DbBackupException d) {
            return d;
        }
        Throwable c = t;
        while (c != null) {
            if (c instanceof DbBackupException d) {
                return d;
            }
            if (c instanceof WrongKeyException) { // not damage: another key opens it (exit 1, not 3)
                return new DbBackupException(ExitStatus.USER_ERROR, c.getMessage(), c, false);
            }
            if (c instanceof IntegrityException) {
                return new DbBackupException(ExitStatus.INTEGRITY, c.getMessage(), c, false);
            }
            if (c instanceof ToolFailedException tf) {
                return new DbBackupException(ExitStatus.SYSTEM_ERROR, context + ": " + tf.getMessage(), tf, tf.retryable());
            }
            c = c.getCause();
        }
        String noexec = io.dbbackup.core.NativeLibraryFailure.explain(t);
        if (noexec != null) { // not retried: the next attempt unpacks into the same folder
            return new DbBackupException(ExitStatus.SYSTEM_ERROR, context + ": " + noexec, t, false);
        }
        for (Throwable e = t; e != null; e = e.getCause()) {
            if (e instanceof OutOfMemoryError) {
                // a resource failure of this JVM, never the integrity code (3) the JVM's ExitOnOutOfMemoryError exits with
                return new DbBackupException(ExitStatus.SYSTEM_ERROR, context + ": " + io.dbbackup.core.Heap.outOfMemory(e), t, false);
            }
        }
        if (t instanceof InterruptedIOException || t instanceof InterruptedException) {
            // what the interrupted step had to say (a restore "was rolled back: nothing was applied") is kept
            String said = t.getMessage();
            return new DbBackupException(ExitStatus.SYSTEM_ERROR, context + ": interrupted"
                    + (said == null || said.isBlank() || said.equals("interrupted") ? "" : " (" + said + ")"), t, false);
        }
        String msg = storeSaidOnce(context, t, t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
        if (t instanceof IOException && msg.startsWith(ZSTD_ALLOCATION)) {
            // zstd-jni's words when its context or its worker threads (one per processor) could not be made: under a
            // low ulimit -u or a container's pids limit, not a shortage of memory the message would blame
            return new DbBackupException(ExitStatus.SYSTEM_ERROR, context + ": zstd could not start (" + msg + "): either "
                    + io.dbbackup.core.Heap.THREAD_LIMIT + ", or this process's memory limit was reached", t, false);
        }
        if (t instanceof java.nio.file.FileSystemException fs && fs.getReason() == null) {
            // AccessDeniedException and its kin say only the path: "failed: /proc/nope"
            msg = msg + ": " + (t instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : t instanceof java.nio.file.NoSuchFileException ? "no such file or folder"
                    : t instanceof java.nio.file.FileAlreadyExistsException ? "already exists"
                    : t instanceof java.nio.file.NotDirectoryException ? "not a folder" : t.getClass().getSimpleName());
        }
        if (t instanceof java.nio.file.FileSystemException fs && fs.getFile() != null) {
            // "/x/f: No space left on device" where the file system ran out of inodes, not bytes: say which
            msg = io.dbbackup.core.NoSpace.reason(java.nio.file.Path.of(fs.getFile()), msg);
        }
        if (t instanceof IOException) {
            return DbBackupException.system(context + ": " + msg, t);
        }
        return new DbBackupException(ExitStatus.SYSTEM_ERROR, context + ": " + t.getClass().getSimpleName() + ": " + msg, t, false);
    }

    /**
     * {@code t} as the cancellation when the operation was stopped from outside (a signal, a job's timeout) by the time it
     * is reported: an {@link InterruptedIOException} "cancelled: REASON" with {@code t} suppressed, so that the error line
     * says the cancellation whichever failure a race brought first (the feeder of a restore's tool whose read was cut off
     * reporting the closed stream before the tool's kill said "cancelled"). {@code t} as it is when it already says it was
     * interrupted, or when {@code cancellation} (null: none) was not stopped from outside.
     */
    public static Throwable cancellationFirst(Throwable t, io.dbbackup.spi.Cancellation cancellation) {
        if (cancellation == null || !cancellation.stopped() || interrupted(t)) {
            return t;
        }
        InterruptedIOException cancelled = new InterruptedIOException("cancelled: " + cancellation.reason());
        cancelled.addSuppressed(t);
        return cancelled;
    }

    /**
     * Whether {@code t} says it was interrupted: an interruption (not a stall's timeout) in its chain, with the words an
     * engine added around it (what became of the target: "rolled back: nothing was applied", a MySQL database left partly
     * restored) that replacing it would lose.
     */
    private static boolean interrupted(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if ((c instanceof InterruptedIOException && !(c instanceof java.net.SocketTimeoutException))
                    || c instanceof InterruptedException) {
                return true;
            }
        }
        return false;
    }

    /** The last lines of a failed tool's stderr as it wrote them ({@link ToolFailedException#toolOutput}), if a tool failure is in the chain. */
    public static String detail(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ToolFailedException tf) {
                return tf.toolOutput(); // its words as it wrote them: dbbackup's hints are in the error
            }
        }
        return "";
    }

    /**
     * {@code said}, the line of {@code t} that {@code context} leads, without a second naming of a store {@code context}
     * names already: a closed store's refusal ({@link io.dbbackup.spi.StoreClosedException#saidOnce}), a local store's file
     * failure ({@link io.dbbackup.core.LocalFileException#saidOnce}), a store's words about itself or its server
     * ({@link io.dbbackup.spi.StoreWordsException#saidOnce}: an SFTP connection, an Azure SAS); as it is otherwise.
     */
    static String storeSaidOnce(String context, Throwable t, String said) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof io.dbbackup.spi.StoreClosedException closed) {
                return closed.saidOnce(context, said);
            }
            if (c instanceof io.dbbackup.core.LocalFileException local) { // "local store ROOT: cannot write …"
                return local.saidOnce(context, said);
            }
            if (c instanceof io.dbbackup.spi.StoreWordsException words) { // "sftp cannot connect to HOST:PORT: …"
                return words.saidOnce(context, said);
            }
        }
        return said;
    }
}
