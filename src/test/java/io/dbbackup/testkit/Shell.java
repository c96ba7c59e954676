package io.dbbackup.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a real CLI (sha256sum, zstd, sqlite3, age...) and returns its output; fails the test on a non-zero exit. */
public final class Shell {
    /** Exit code and combined output. */
    public record Result(int exit, String output) {
    }

    private Shell() {
    }

    public static Result run(Path dir, String... command) {
        try {
            Process p = new ProcessBuilder(List.of(command)).directory(dir == null ? null : dir.toFile())
                    .redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + String.join(" ", command));
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command[0] + " (is it installed? bin/test installs it): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public static String ok(Path dir, String... command) {
        Result r = run(dir, command);
        if (r.exit() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + r.exit() + ":\n" + r.output());
        }
        return r.output();
    }

    /** Runs a shell pipeline with bash -c. */
    public static String sh(Path dir, String script) {
        return ok(dir, "bash", "-c", "set -euo pipefail; " + script);
    }
}
