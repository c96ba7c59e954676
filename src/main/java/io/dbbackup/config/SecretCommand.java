package io.dbbackup.config;

import io.dbbackup.core.CancelSignal;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.core.Human;
import io.dbbackup.core.Redactor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code <key>_command}: a program whose standard output is the secret (a secret manager's CLI: {@code vault kv
 * get -field=password secret/db}, {@code aws secretsmanager get-secret-value ...}), run without a shell in the
 * config file's folder, with dbbackup's environment. Its output, trailing newline trimmed, must not be empty;
 * it must exit 0 within {@link #TIMEOUT}. A failure is a user error naming the config line and the program's
 * last line of standard error (redacted).
 */
final class SecretCommand {
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_OUTPUT = 64 * 1024;

    private SecretCommand() {
    }

    /** The executable {@code argv[0]} names: a path (relative to {@code baseDir}) or a name found on {@code PATH}. */
    static Optional<Path> executable(String name, Path baseDir, Map<String, String> env) {
        try {
            return find(name, baseDir, env);
        } catch (java.nio.file.InvalidPathException e) {
            return Optional.empty(); // "\0" in the name: no program is called so ("not found", not "cannot be set up: Nul...")
        }
    }

    private static Optional<Path> find(String name, Path baseDir, Map<String, String> env) {
        if (name.contains("/")) {
            Path p = baseDir.resolve(name).normalize();
            return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        for (String dir : env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin").split(":")) {
            if (!dir.isEmpty()) {
                Path p = Path.of(dir, name);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /** Runs {@code argv} (its program already found at {@code exe}); {@code where} is the config line's prefix. */
    static String run(Path exe, List<String> argv, Path baseDir, String where) {
        return run(exe, argv, baseDir, where, TIMEOUT);
    }

    static String run(Path exe, List<String> argv, Path baseDir, String where, Duration timeout) {
        String name = ProblemText.clean(argv.get(0)); // only ever shown
        List<String> cmd = new java.util.ArrayList<>(argv);
        cmd.set(0, exe.toString());
        // the operation that needs the secret (a job, a restore) may be cancelled while the program runs (a signal, the
        // job's timeout): its whole process tree is killed then, not waited for up to the program's own limit
        CancelSignal.Token cancel = CancelSignal.current();
        if (cancel.isCancelled()) {
            throw cancelled(where, name, cancel);
        }
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(baseDir.toFile()).start();
        } catch (IOException e) {
            throw DbBackupException.user(where + "cannot run " + name + " (" + e.getMessage() + ")");
        }
        // dropped when the program ends: a token outlives many reveals, and a signal must not walk finished programs
        CancelSignal.Registration killOnCancel = cancel.onCancel(() -> killTree(p));
        try {
            try {
                p.getOutputStream().close();
            } catch (IOException ignored) {
                // it may not read its input at all
            }
            // both streams are read on threads of their own, so that a program that never closes them still times out
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread outReader = reader(p.getInputStream(), out, "secret-command-stdout");
            Thread errReader = reader(p.getErrorStream(), err, "secret-command-stderr");
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                killTree(p);
                if (cancel.isCancelled()) {
                    throw cancelled(where, name, cancel);
                }
                throw DbBackupException.user(where + name + " did not finish within " + Human.settingSpaced(timeout));
            }
            if (cancel.isCancelled()) {
                killTree(p);
                throw cancelled(where, name, cancel);
            }
            outReader.join(1000); // a child it left behind may hold the pipe: what was read is what there is
            errReader.join(1000);
            String value;
            int size;
            synchronized (out) {
                value = out.toString(StandardCharsets.UTF_8);
                size = out.size();
            }
            while (value.endsWith("\n") || value.endsWith("\r")) {
                value = value.substring(0, value.length() - 1);
            }
            if (p.exitValue() != 0) {
                Redactor.register(value.strip().isEmpty() ? null : value); // whatever it printed is never shown
                String last;
                synchronized (err) {
                    last = err.toString(StandardCharsets.UTF_8).strip().lines().reduce((a, b) -> b).orElse("");
                }
                throw DbBackupException.user(where + name + " exited " + p.exitValue()
                        + (last.isEmpty() ? "" : ": " + ProblemText.clean(Redactor.redact(last))));
            }
            if (value.isEmpty()) {
                throw DbBackupException.user(where + name + " printed nothing");
            }
            if (size >= MAX_OUTPUT) {
                throw DbBackupException.user(where + name + " printed more than " + MAX_OUTPUT / 1024 + " KiB: not a secret");
            }
            return value;
        } catch (InterruptedException e) {
            killTree(p);
            Thread.currentThread().interrupt();
            throw DbBackupException.user(where + name + " was interrupted");
        } finally {
            killOnCancel.close();
            if (p.isAlive()) {
                killTree(p);
            }
        }
    }

    /** The program and whatever it started (a shell script's {@code sleep}, a CLI's helper), which may hold its pipes. */
    private static void killTree(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    private static DbBackupException cancelled(String where, String name, CancelSignal.Token cancel) {
        // not a user error, and not retried: the runner reports the signal or the timeout that stopped it
        return new DbBackupException(ExitStatus.SYSTEM_ERROR, where + name + " was stopped: cancelled ("
                + cancel.reason() + ")", null, false);
    }

    private static Thread reader(InputStream in, ByteArrayOutputStream into, String name) {
        Thread t = new Thread(() -> copy(in, into), name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (out) {
                    if (out.size() < MAX_OUTPUT) {
                        out.write(buf, 0, Math.min(n, MAX_OUTPUT - out.size()));
                    }
                }
            }
        } catch (IOException ignored) {
            // the process ended or was killed: what was read is what there is
        }
    }
}
