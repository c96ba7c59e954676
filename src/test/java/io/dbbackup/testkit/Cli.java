package io.dbbackup.testkit;

import io.dbbackup.cli.Main;
import io.dbbackup.job.Confirmer;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** Runs the CLI in-process through {@code Main.run(out, err, args...)}, capturing both streams and the wall time. */
public final class Cli {
    /** One run's exit code, stdout, stderr (the log) and wall time. */
    public record Result(int code, String out, String err, long millis) {
        public String all() {
            return out + err;
        }
    }

    private Cli() {
    }

    public static Result run(Map<String, String> env, Path workDir, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Confirmer never = new Confirmer() {
            @Override
            public boolean interactive() {
                return false;
            }

            @Override
            public boolean confirm(String question) {
                return false;
            }
        };
        long t0 = System.nanoTime();
        int code = new Main(env, Clock.systemUTC(), never, workDir).run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        return new Result(code, out.toString(), err.toString(), ms);
    }
}
