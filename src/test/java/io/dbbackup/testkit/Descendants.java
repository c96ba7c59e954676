package io.dbbackup.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** The tools this JVM started (pg_dump, psql, mariadb...): find them, see how much they read, stop, kill. */
public final class Descendants {
    private Descendants() {
    }

    /** A running descendant whose program is {@code program} and whose arguments match. */
    public static Optional<ProcessHandle> find(String program, Predicate<List<String>> arguments) {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("/" + program)).orElse(false))
                .filter(p -> arguments.test(p.info().arguments().map(Arrays::asList).orElse(List.of())))
                .findFirst();
    }

    /** A descendant's {@code /proc} command line and environment (NUL-separated), each empty once it has ended. */
    public record Running(long pid, String cmdline, String environ) {
    }

    /**
     * The command line and environment of every process this JVM started that is running now (the tools, their
     * children, test servers), and of no other process on the machine: a concurrent run elsewhere cannot show here.
     */
    public static List<Running> running() {
        return ProcessHandle.current().descendants().map(p -> new Running(p.pid(), proc(p, "cmdline"), proc(p, "environ"))).toList();
    }

    private static String proc(ProcessHandle p, String file) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", String.valueOf(p.pid()), file)), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException | SecurityException gone) {
            return "";
        }
    }

    /** Bytes the process has read so far ({@code rchar} of {@code /proc/<pid>/io}), -1 once it is gone. */
    public static long bytesRead(ProcessHandle p) {
        try {
            return Files.readAllLines(Path.of("/proc", String.valueOf(p.pid()), "io")).stream()
                    .filter(l -> l.startsWith("rchar:")).mapToLong(l -> Long.parseLong(l.substring(6).strip())).findFirst().orElse(-1);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Sends SIGSTOP ({@code stop}) or SIGCONT to {@code p}. */
    public static void signal(ProcessHandle p, boolean stop) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", stop ? "-STOP" : "-CONT", String.valueOf(p.pid())).inheritIO().start();
        // a process that has ended meanwhile needs no SIGCONT (the operation may kill its tools first)
        if (kill.waitFor() != 0 && (stop || p.isAlive())) {
            throw new IllegalStateException("kill " + (stop ? "-STOP " : "-CONT ") + p.pid() + " failed");
        }
    }

    /**
     * Polls {@code probe} every millisecond until it yields a value; fails when {@code running} ends first
     * (the operation finished before the moment the test waits for) or after {@code timeout}.
     */
    public static <T> T await(Supplier<Optional<T>> probe, Future<?> running, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> v = probe.get();
            if (v.isPresent()) {
                return v.get();
            }
            if (running.isDone()) {
                throw new AssertionError("the operation ended before " + what);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(1);
        }
    }

    /**
     * Kills a dump tool provably mid-stream: waits until the restoring tool {@code consumer} has read
     * 1 MiB of the dump, stops it (SIGSTOP: the dump backs up behind it, so the producer is still
     * running, blocked on a full pipe), runs {@code whileStopped} (checks of the half-restored state),
     * kills {@code producer} (SIGKILL) and lets the consumer go on.
     */
    public static void killProducerMidStream(String consumer, Predicate<List<String>> consumerArgs, String producer,
                                             Future<?> running, ThrowingRunnable whileStopped) throws Exception {
        ProcessHandle reader = await(() -> find(consumer, consumerArgs).filter(p -> bytesRead(p) > 1 << 20), running,
                Duration.ofMinutes(1), consumer + " read 1 MiB");
        signal(reader, true);
        try {
            whileStopped.run();
            ProcessHandle dump = find(producer, a -> !a.contains("--version")).orElseThrow(() ->
                    new AssertionError(producer + " is not running"));
            if (!dump.isAlive() || !dump.destroyForcibly()) {
                throw new AssertionError(producer + " had already ended");
            }
            dump.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            signal(reader, false);
        }
    }

    /** A check that may throw. */
    public interface ThrowingRunnable {
        void run() throws Exception;
    }
}
