package io.dbbackup.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Proof that an operation writes no file: every few milliseconds it looks at this JVM and all its
 * descendant processes (the dump and restore tools) in {@code /proc} and records each regular file
 * any of them holds open for writing (from {@code fd/} and the access mode in {@code fdinfo/}),
 * besides those already open when the watch started; and it records the largest total size ever
 * seen of the files under the given folders. It also records which programs it saw running, so a
 * test can show the watch really looked while the tools ran.
 */
public final class WriteWatch implements AutoCloseable {
    private final Set<String> baseline;
    private final Set<String> opened = ConcurrentHashMap.newKeySet();
    private final Set<String> programs = ConcurrentHashMap.newKeySet();
    private final List<Path> folders;
    private final Set<String> excluded;
    private final AtomicLong maxFolderBytes = new AtomicLong();
    private final AtomicLong polls = new AtomicLong();
    private final Thread thread;
    private volatile boolean stop;

    private WriteWatch(Set<String> excluded, List<Path> folders) {
        this.folders = folders;
        this.excluded = excluded;
        this.baseline = writableFiles(null);
        this.thread = new Thread(this::loop, "write-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts watching; {@code folders} are measured (total bytes of their regular files) at every poll. */
    public static WriteWatch start(Path... folders) {
        return new WriteWatch(Set.of(), List.of(folders));
    }

    /**
     * As {@link #start(Path...)}, leaving out the database servers the test started (programs named
     * {@code postgres}, {@code mariadbd}): their data files are the database itself, not files of the
     * operation.
     */
    public static WriteWatch startIgnoringServers(Path... folders) {
        return new WriteWatch(Set.of("postgres", "mariadbd", "mysqld"), List.of(folders));
    }

    private void loop() {
        while (!stop) {
            opened.addAll(writableFiles(programs));
            long total = 0;
            for (Path f : folders) {
                total += bytesUnder(f);
            }
            maxFolderBytes.accumulateAndGet(total, Math::max);
            polls.incrementAndGet();
            try {
                Thread.sleep(3);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Regular files opened for writing by this JVM or its descendants since the watch started, but for the claim
     * marker of an operation's scratch folder ({@code dbbackup-…/.lock}: created empty, closed at once and locked
     * through a read-only descriptor; a poll that falls in that instant sees it opened for writing) and for the 0600
     * files a tool reads its password from, the MySQL/MariaDB option file ({@code dbbackup-…/my-UUID.cnf}) and the
     * PostgreSQL pass file ({@code dbbackup-…/pgpass-UUID}): written and closed by dbbackup before the tool starts; a
     * poll in that instant saw them, a flaky failure on a busy machine. Their size is bounded by the tests'
     * {@link #maxFolderBytes} check.
     */
    public Set<String> newlyOpenedForWriting() {
        Set<String> s = new java.util.TreeSet<>(opened);
        s.removeAll(baseline);
        s.removeIf(f -> f.matches(".*/dbbackup-[^/]+/\\.lock")
                || f.matches(".*/dbbackup-[^/]+/(?:my-[0-9a-f-]{36}\\.cnf|pgpass-[0-9a-f-]{36})"));
        return s;
    }

    /** Program names (e.g. {@code pg_dump}) of the descendants seen while watching. */
    public Set<String> programsSeen() {
        return Set.copyOf(programs);
    }

    public long maxFolderBytes() {
        return maxFolderBytes.get();
    }

    public long polls() {
        return polls.get();
    }

    @Override
    public void close() {
        stop = true;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Set<String> writableFiles(Set<String> programs) {
        Set<String> out = new java.util.HashSet<>();
        List<ProcessHandle> procs = new ArrayList<>();
        procs.add(ProcessHandle.current());
        ProcessHandle.current().descendants().filter(p -> !excluded.contains(p.info().command()
                .map(c -> Path.of(c).getFileName().toString()).orElse(""))).forEach(procs::add);
        for (ProcessHandle p : procs) {
            if (programs != null && p.pid() != ProcessHandle.current().pid()) {
                p.info().command().ifPresent(c -> programs.add(Path.of(c).getFileName().toString()));
            }
            Path fdDir = Path.of("/proc", String.valueOf(p.pid()), "fd");
            try (Stream<Path> fds = Files.list(fdDir)) {
                for (Path fd : fds.toList()) {
                    try {
                        String target = Files.readSymbolicLink(fd).toString();
                        if (!target.startsWith("/") || target.startsWith("/dev/") || target.startsWith("/proc/")) {
                            continue; // pipes, sockets, anon inodes, terminals
                        }
                        String info = Files.readString(Path.of("/proc", String.valueOf(p.pid()), "fdinfo", fd.getFileName().toString()));
                        if (!Files.readSymbolicLink(fd).toString().equals(target)) {
                            continue; // closed and the number reused meanwhile: the flags may be another file's
                        }
                        String flags = info.lines().filter(l -> l.startsWith("flags:")).findFirst().orElse("flags: 0").substring(6).strip();
                        if ((Integer.parseInt(flags, 8) & 3) != 0) { // O_WRONLY or O_RDWR
                            out.add(target);
                        }
                    } catch (IOException | RuntimeException gone) {
                        // the descriptor or process went away meanwhile
                    }
                }
            } catch (IOException | RuntimeException gone) {
                // the process ended meanwhile
            }
        }
        return out;
    }

    private static long bytesUnder(Path folder) {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(folder)) {
            return s.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException gone) {
                    return 0;
                }
            }).sum();
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }

    /** Every regular file under {@code folders} with its size and modification time, to compare before and after. */
    public static Map<String, String> snapshot(Path... folders) throws IOException {
        Map<String, String> m = new TreeMap<>();
        for (Path f : folders) {
            if (!Files.isDirectory(f)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(f)) {
                for (Path p : s.filter(Files::isRegularFile).toList()) {
                    try {
                        m.put(p.toString(), Files.size(p) + " " + Files.getLastModifiedTime(p).toMillis());
                    } catch (IOException gone) {
                        // removed meanwhile by someone else
                    }
                }
            } catch (java.io.UncheckedIOException gone) {
                // a file vanished during the walk
            }
        }
        return m;
    }
}
