package io.dbbackup.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built jar in a JVM of its own, for what only a process of its own has: the environment it reads (AZURE_*,
 * *_PROXY), JVM flags (a trust store). Runs {@code java [jvmArgs] -jar dbbackup.jar -c DIR/config.yaml ARGS} in
 * {@code dir} with {@code env} on top of this process's environment minus {@code dropped} prefixes/suffixes.
 */
public final class DbbackupJar {
    /** One run: exit code, stdout, stderr. */
    public record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n" + out + "\n" + err;
        }
    }

    private DbbackupJar() {
    }

    /**
     * The built jar started (not waited for) under {@code env --default-signal=INT,TERM} (a JVM started with SIGINT
     * ignored, as a background job is, could not handle it), with the test-only engine and store ({@code engine: fake})
     * on its class path: {@code java -XX:+UseSerialGC -cp JAR:TEST_CLASSES:TEST_PLUGINS io.dbbackup.cli.Main -c
     * DIR/config.yaml ARGS} in {@code dir}, stdout to {@code DIR/out.txt}, stderr to {@code DIR/err.txt}, {@code env} on
     * top of this process's environment. For the tests that signal it.
     */
    public static Process startWithTestEngine(Path dir, Map<String, String> env, String... args) throws Exception {
        Path testClasses = Path.of(FakeEngineProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path testPlugins = Path.of(System.getProperty("test.plugins.dir", "src/test/plugins")).toAbsolutePath();
        return start(dir, env, List.of("-cp", jar() + java.io.File.pathSeparator + testClasses + java.io.File.pathSeparator
                + testPlugins, "io.dbbackup.cli.Main"), args);
    }

    /** As {@link #startWithTestEngine}, the jar alone ({@code java -XX:+UseSerialGC -jar JAR ...}): the real plugins only. */
    public static Process start(Path dir, Map<String, String> env, String... args) throws java.io.IOException {
        return start(dir, env, List.of("-jar", jar().toString()), args);
    }

    private static Process start(Path dir, Map<String, String> env, List<String> main, String... args)
            throws java.io.IOException {
        List<String> cmd = new ArrayList<>(List.of("env", "--default-signal=INT,TERM",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC"));
        cmd.addAll(main);
        cmd.addAll(List.of("-c", dir.resolve("config.yaml").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    private static Path jar() {
        Path jar = Path.of(System.getProperty("dbbackup.jar", "target/dbbackup.jar")).toAbsolutePath();
        if (!Files.exists(jar)) {
            throw new AssertionError("the shaded jar (mvn package) is missing: " + jar);
        }
        return jar;
    }

    /**
     * {@code unset}: names of variables to remove from the inherited environment, as a predicate on the name (e.g. every
     * AZURE_ or *_PROXY variable the machine running the tests may have).
     */
    public static Run run(Path dir, List<String> jvmArgs, java.util.function.Predicate<String> unset, Map<String, String> env,
                          String... args) throws Exception {
        return wrapped(List.of(), dir, jvmArgs, unset, env, args);
    }

    /** As {@link #run}, the JVM started by {@code wrapper} (e.g. {@code strace -f -o FILE}): its words, then java's. */
    public static Run wrapped(List<String> wrapper, Path dir, List<String> jvmArgs, java.util.function.Predicate<String> unset,
                              Map<String, String> env, String... args) throws Exception {
        Path jar = Path.of(System.getProperty("dbbackup.jar", "target/dbbackup.jar")).toAbsolutePath();
        List<String> cmd = new ArrayList<>(wrapper);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-jar", jar.toString(), "-c", dir.resolve("config.yaml").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
        pb.environment().keySet().removeIf(unset);
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("dbbackup " + String.join(" ", args) + " did not finish in 120 s");
        }
        return new Run(p.exitValue(), Files.readString(dir.resolve("out.txt")), Files.readString(dir.resolve("err.txt")));
    }

    /** How a jar ended after a signal: its exit code (-1: not exited), the milliseconds from the signal, its out.txt and err.txt. */
    public record Stopped(int exit, long ms, String out, String err) {
    }

    /**
     * Waits (at most 30 s, the jar {@code p} running in {@code dir}) until {@code ready} holds — {@code what} says what
     * is awaited, e.g. "the slow job's upload starts" — then {@code settleMs} more (the jar still running), and sends it
     * SIGTERM: {@link #signal} with 20 s to exit. The one SIGTERM-then-wait loop of the signal tests.
     */
    public static Stopped terminateWhen(Process p, Path dir, String what, Callable<Boolean> ready, long settleMs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!ready.call()) {
            assertThat(p.isAlive()).as("still running: " + Files.readString(dir.resolve("err.txt"))).isTrue();
            assertThat(System.nanoTime()).as(what + " within 30 s").isLessThan(deadline);
            Thread.sleep(20);
        }
        Thread.sleep(settleMs);
        assertThat(p.isAlive()).as("still running " + settleMs + " ms after: " + what).isTrue();
        return signal(p, dir, "TERM", 20);
    }

    /** {@code kill -SIGNAL} to {@code p}; asserts it exits within {@code seconds}; how it ended, printed, timed from the signal. */
    public static Stopped signal(Process p, Path dir, String signal, int seconds) throws Exception {
        long t0 = System.nanoTime();
        new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid())).inheritIO().start().waitFor();
        boolean exited = p.waitFor(seconds, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        Stopped stopped = new Stopped(exited ? p.exitValue() : -1, ms, Files.readString(dir.resolve("out.txt")),
                Files.readString(dir.resolve("err.txt")));
        System.out.println("---- after SIG" + signal + ": exit " + (exited ? p.exitValue() : "none") + " after " + ms + " ms\n"
                + stopped.out() + stopped.err());
        assertThat(exited).as("exits within " + seconds + " s of SIG" + signal).isTrue();
        return stopped;
    }
}
