package io.dbbackup.engine.postgres;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes a restored data directory durable, as pg_basebackup and pgBackRest do before they report success:
 * each file is flushed to disk ({@code fsync}) on a thread of its own as soon as it has been written, so the
 * disk works while extraction goes on; {@link #finish()} waits for the last file, then flushes every folder,
 * deepest first (their entries), so that a host crash after "restore finished" cannot leave a torn or
 * missing file for PostgreSQL to start on. A file that cannot be flushed fails the restore; a folder that
 * cannot be (a file system without directory fsync) is skipped, as the local store does.
 */
final class FileSyncer implements AutoCloseable {
    /** How a path is flushed; a seam so that a test can inject a failing disk. */
    interface Flush {
        void flush(Path path, boolean directory) throws IOException;
    }

    static final Flush FSYNC = (path, directory) -> {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (!directory) {
                throw e;
            }
        }
    };

    private static final int THREADS = 4;
    /** Ends the queue; compared by identity, so no real path can be mistaken for it. */
    private static final Path STOP = Path.of("stop");

    private final Flush flush;
    private final BlockingQueue<Path> files = new ArrayBlockingQueue<>(1024);
    private final Set<Path> folders = new LinkedHashSet<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile IOException failure;
    private final AtomicLong synced = new AtomicLong();
    private boolean finished;

    FileSyncer(String name, Flush flush) {
        this.flush = flush;
        for (int i = 0; i < THREADS; i++) {
            Thread t = new Thread(this::run, name + "-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
    }

    /** Queues a file that is completely written and closed; its folder is flushed by {@link #finish()}. */
    void file(Path path) throws IOException {
        rethrow();
        folders.add(path.getParent());
        put(path);
    }

    /**
     * A file still being written, {@code EARLY} bytes further on: its pages so far are flushed now, beside the
     * extraction, so that the flush after its last byte waits for that rest only and not for the whole file
     * (the kernel would otherwise start writing a large file back only at that last flush). Skipped when
     * the queue is full: the final {@link #file} flushes everything anyway.
     */
    void early(Path path) throws IOException {
        rethrow();
        files.offer(path);
    }

    /** A folder whose entries must be durable (one created, or one holding created entries). */
    void folder(Path path) {
        folders.add(path);
    }

    /** Waits until every queued file is on disk, then flushes the folders, deepest first; returns the count of paths flushed. */
    long finish() throws IOException {
        finished = true;
        for (int i = 0; i < threads.size(); i++) {
            put(STOP);
        }
        try {
            for (Thread t : threads) {
                t.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while flushing the restored files to disk");
        }
        rethrow();
        List<Path> deepestFirst = new ArrayList<>(folders);
        deepestFirst.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        for (Path d : deepestFirst) {
            flush.flush(d, true);
        }
        return synced.get() + deepestFirst.size();
    }

    private void run() {
        try {
            while (true) {
                Path p = files.take();
                if (p == STOP) {
                    return;
                }
                if (failure == null) {
                    flush.flush(p, false);
                    synced.incrementAndGet();
                }
            }
        } catch (IOException | RuntimeException e) {
            // a file left unflushed must fail the restore, whatever the reason (never a thread that dies quietly)
            failure = e instanceof IOException io ? io : new IOException(e.toString(), e);
            files.clear();
            for (int i = 1; i < threads.size(); i++) {
                files.offer(STOP); // the other threads end too
            }
        } catch (InterruptedException e) {
            failure = new InterruptedIOException("interrupted while flushing the restored files to disk");
        }
    }

    private void put(Path p) throws IOException {
        try {
            while (!files.offer(p, 100, TimeUnit.MILLISECONDS)) {
                rethrow();
                if (threads.stream().noneMatch(Thread::isAlive)) {
                    throw new IOException("the thread flushing restored files to disk stopped");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while flushing the restored files to disk");
        }
    }

    private void rethrow() throws IOException {
        IOException f = failure;
        if (f != null) {
            throw new IOException("cannot flush a restored file to disk: " + f.getMessage(), f);
        }
    }

    /** Stops the thread when {@link #finish()} was not reached (a failed restore). */
    @Override
    public void close() {
        if (!finished) {
            threads.forEach(Thread::interrupt);
            try {
                for (Thread t : threads) {
                    t.join(10_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
