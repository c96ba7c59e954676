package io.dbbackup.testkit;

import io.dbbackup.cli.Main;
import io.dbbackup.job.Confirmer;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** Runs the CLI in-process as a user would type it, capturing stdout, stderr and the exit code. */
public final class Cli {
    /** One run's outcome; {@code bytes}: what the command wrote to its binary stdout ({@code download -o -}). */
    public record Result(int exit, String out, String err, byte[] bytes) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private final Map<String, String> env = new HashMap<>(System.getenv());
    private Path workingDir = Path.of("").toAbsolutePath();
    private Clock clock = Clock.systemUTC();
    private Confirmer confirmer = noTerminal();

    public Cli env(String k, String v) {
        env.put(k, v);
        return this;
    }

    public Cli workingDir(Path dir) {
        this.workingDir = dir;
        return this;
    }

    public Cli clock(Clock c) {
        this.clock = c;
        return this;
    }

    public Cli confirmer(Confirmer c) {
        this.confirmer = c;
        return this;
    }

    public Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        int code = new Main(env, clock, confirmer, workingDir).binaryOut(bytes)
                .run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString(), bytes.toByteArray());
    }

    /** As under cron or in a container: nobody to ask. */
    public static Confirmer noTerminal() {
        return new Confirmer() {
            @Override
            public boolean interactive() {
                return false;
            }

            @Override
            public boolean confirm(String question) {
                throw new AssertionError("must not ask without a terminal: " + question);
            }
        };
    }

    /** A terminal where the user answers {@code answer}. */
    public static Confirmer answering(boolean answer) {
        return new Confirmer() {
            @Override
            public boolean interactive() {
                return true;
            }

            @Override
            public boolean confirm(String question) {
                return answer;
            }
        };
    }
}
