package io.dbbackup.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What this JVM holds that an operation may leave behind: live Java threads (by name, numbers stripped), all threads
 * of the process (native ones too: zstd's workers are pthreads no Java thread shows), open file descriptors, child
 * processes, files under the watched folders (the scratch folder, a store's), and the resident memory (printed, not
 * compared: the heap grows and shrinks by itself).
 */
public record Leftovers(TreeMap<String, Integer> threads, int tasks, List<String> fds, List<String> children,
                        List<String> files, long rssKiB) {

    /** Now, with the files under {@code watched} (each made if missing). */
    public static Leftovers now(Path... watched) {
        TreeMap<String, Integer> threads = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive()) {
                threads.merge(t.getName().replaceAll("\\d+", "#"), 1, Integer::sum);
            }
        }
        List<String> fds = new ArrayList<>();
        List<String> files = new ArrayList<>();
        try {
            try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
                for (Path fd : s.toList()) {
                    try {
                        fds.add(Files.readSymbolicLink(fd).toString().replaceAll("\\[\\d+]", "[#]"));
                    } catch (IOException e) {
                        // closed since listed (the listing's own descriptor)
                    }
                }
            }
            for (Path dir : watched) {
                Files.createDirectories(dir);
                try (Stream<Path> s = Files.walk(dir)) {
                    s.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString()).forEach(files::add);
                }
            }
            int tasks;
            try (Stream<Path> s = Files.list(Path.of("/proc/self/task"))) {
                tasks = (int) s.count();
            }
            long rss = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                    .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(-1);
            fds.sort(null);
            files.sort(null);
            List<String> children = ProcessHandle.current().descendants()
                    .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).sorted().toList();
            return new Leftovers(threads, tasks, fds, children, files, rss);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * This snapshot without its sockets, a relay's threads and the JDK's keep-alive timer: for a test whose servers' far
     * ends live in this JVM too (a relay), whose idle connections close when the server or the client times them out; {@link #sockets} says how many there were.
     */
    public Leftovers withoutSockets() {
        TreeMap<String, Integer> own = new TreeMap<>(threads);
        // the keep-alive cache's timer lives as long as its idle connections: 5 s, which a loaded machine's round outlasts
        java.util.function.Predicate<String> theirs = n -> n.contains("Relay") || n.equals("Keep-Alive-Timer");
        int relay = own.entrySet().stream().filter(e -> theirs.test(e.getKey())).mapToInt(e -> e.getValue()).sum();
        own.keySet().removeIf(theirs);
        return new Leftovers(own, tasks - relay, fds.stream().filter(f -> !f.startsWith("socket:")).toList(), children, files, rssKiB);
    }

    /**
     * How many sockets of this process are connected to {@code port} on this host (the client ends of connections to a
     * server there), from /proc/net/tcp and tcp6.
     */
    public static long connectionsTo(int port) {
        try {
            java.util.Set<String> inodes = new java.util.HashSet<>();
            try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
                for (Path fd : s.toList()) {
                    try {
                        String target = Files.readSymbolicLink(fd).toString();
                        if (target.startsWith("socket:[")) {
                            inodes.add(target.substring(8, target.length() - 1));
                        }
                    } catch (IOException e) {
                        // closed since listed
                    }
                }
            }
            String hexPort = String.format(":%04X", port);
            long n = 0;
            for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
                List<String> lines = Files.readAllLines(Path.of(table)); // read once: connections come and go between reads
                for (String line : lines.subList(1, lines.size())) {
                    String[] f = line.trim().split("\\s+");
                    if (f[2].endsWith(hexPort) && !f[3].equals("0A") && inodes.contains(f[9])) {
                        n++;
                    }
                }
            }
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * This snapshot without the processes {@code pid} (a server this test started: a PostgreSQL postmaster) and those
     * below it, whose backends and workers come and go by themselves.
     */
    public Leftovers withoutProcessesUnder(long pid) {
        java.util.Set<Long> theirs = new java.util.HashSet<>();
        theirs.add(pid);
        ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> theirs.add(d.pid())));
        List<String> own = children.stream().filter(c -> !theirs.contains(Long.parseLong(c.substring(0, c.indexOf(' '))))).toList();
        return new Leftovers(threads, tasks, fds, own, files, rssKiB);
    }

    /** The open sockets. */
    public long sockets() {
        return fds.stream().filter(f -> f.startsWith("socket:")).count();
    }

    /** This snapshot without the figure that is not compared (the resident memory). */
    public Leftovers compared() {
        return new Leftovers(threads, tasks, fds, children, files, 0);
    }

    /**
     * Waits up to {@code seconds} for what this JVM holds to be {@code baseline} again (a thread or process may take a
     * moment to end after the operation returned), and gives what it holds then.
     */
    public static Leftovers settledTo(Leftovers baseline, int seconds, Path... watched) throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        Leftovers now = now(watched);
        while (!now.compared().equals(baseline.compared()) && System.nanoTime() < end) {
            Thread.sleep(50);
            now = now(watched);
        }
        return now;
    }

    /**
     * What this JVM holds once it stopped changing for a second (connections closing, threads ending after the operation
     * returned), waiting at most {@code seconds}: a baseline.
     */
    public static Leftovers steady(int seconds, Path... watched) throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        Leftovers last = now(watched);
        long since = System.nanoTime();
        while (System.nanoTime() < end && System.nanoTime() - since < 1_000_000_000L) {
            Thread.sleep(100);
            Leftovers now = now(watched);
            if (!now.compared().equals(last.compared())) {
                last = now;
                since = System.nanoTime();
            }
        }
        return last;
    }

    /**
     * What this holds beyond {@code baseline}; empty when nothing grew. Only growth is a leftover: the failsafe JVM runs
     * other test classes before, whose idle threads (a "process reaper", a "Keep-Alive-Timer") and sockets end on their
     * own timers, and one that ended during the rounds is no fault of them. Threads no Java thread shows (zstd's native
     * workers) are compared apart, so a Java thread that ended cannot hide a native one left behind. The JDK's "process
     * reaper" threads are no leftover either: a cached pool whose idle threads end after 60 s on their own, which grows by
     * one when two child processes overlap for an instant (a target's inspection by the {@code mysql} client ending as
     * the restore's client starts); a child process left running is what would leak, and {@code children} holds it.
     */
    public String diff(Leftovers baseline) {
        StringBuilder d = new StringBuilder();
        for (String n : threads.keySet()) {
            if (n.startsWith("process reaper")) {
                continue;
            }
            int was = baseline.threads.getOrDefault(n, 0);
            int is = threads.get(n);
            if (is > was) {
                d.append("thread '").append(n).append("': ").append(was).append(" -> ").append(is).append('\n');
            }
        }
        if (nativeThreads() > baseline.nativeThreads()) {
            d.append("threads no Java thread shows (native): ").append(baseline.nativeThreads()).append(" -> ")
                    .append(nativeThreads()).append('\n');
        }
        added(d, "fd", baseline.fds, fds);
        added(d, "child", baseline.children, children);
        added(d, "file", baseline.files, files);
        return d.toString();
    }

    /** All threads of the process but the Java threads counted by name. */
    private int nativeThreads() {
        return tasks - threads.values().stream().mapToInt(Integer::intValue).sum();
    }

    private static void added(StringBuilder d, String what, List<String> was, List<String> is) {
        List<String> added = new ArrayList<>(is);
        was.forEach(added::remove);
        added.forEach(a -> d.append("+ ").append(what).append(' ').append(a).append('\n'));
    }

    /** One line of figures for the test's output. */
    public String figures() {
        return "java threads " + threads.values().stream().mapToInt(Integer::intValue).sum() + ", all threads " + tasks
                + ", fds " + fds.size() + ", children " + children.size() + ", files " + files + ", rss "
                + rssKiB / 1024 + " MiB (heap committed " + Runtime.getRuntime().totalMemory() / (1 << 20) + " MiB)";
    }
}
