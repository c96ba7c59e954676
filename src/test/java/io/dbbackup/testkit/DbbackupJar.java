package io.dbbackup.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
}
