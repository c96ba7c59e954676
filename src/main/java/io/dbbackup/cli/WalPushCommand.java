package io.dbbackup.cli;

import io.dbbackup.config.Durations;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.Human;
import io.dbbackup.core.Log;
import io.dbbackup.job.WalArchive;
import io.dbbackup.job.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

@Command(name = "wal-push", mixinStandardHelpOptions = true, versionProvider = Root.VersionProvider.class,
        description = {"Archive one WAL file (PostgreSQL's archive_command: wal-push --job JOB %%p %%f).",
                "Exit 0 when archived or already archived with identical content; 3 when archived with different content "
                        + "(never overwritten); 1 bad arguments; 2 store or I/O error, or not done within --timeout."})
final class WalPushCommand implements Callable<Integer> {
    /** The default bound on one call: above the stores' own 60 s stall detection, well below "archiving stopped". */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);
    /** How long a timed-out push is given to abort its upload before the process exits regardless. */
    static final Duration GRACE = Duration.ofSeconds(5);

    @ParentCommand
    Root root;

    @Option(names = "--job", required = true, paramLabel = "JOB", description = "The physical job whose archive receives the file.")
    String job;

    @Option(names = "--ahead", paramLabel = "N", defaultValue = "32",
            description = "When the archiver has fallen behind, also archive up to N other files waiting in pg_wal "
                    + "(in parallel; default ${DEFAULT-VALUE}, 0 = only this one).")
    int ahead;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "Give up (exit 2, nothing archived under the file's key; PostgreSQL retries) when the call has not "
                    + "finished after this long, e.g. a store that stopped answering (default 120s; 0 = no limit).")
    String timeout;

    @Parameters(index = "0", paramLabel = "PATH", description = "The file (%%p: relative to the data directory, the archiver's working folder).")
    Path path;

    @Parameters(index = "1", paramLabel = "NAME", description = "Its name (%%f).")
    String name;

    @Override
    public Integer call() {
        long t0 = System.nanoTime();
        Duration limit = limit(timeout);
        Workspace ws = root.workspace();
        try (Log.Tagging tag = Log.tag("job", job)) { // what its store or a library says names it
            return push(ws, limit, t0);
        }
    }

    private int push(Workspace ws, Duration limit, long t0) {
        Watchdog watchdog = limit.isZero() ? null : Watchdog.start(ws, name, limit, root);
        WalArchive.Pushed p;
        try {
            p = new WalArchive(ws).push(job, root.main.workingDir().resolve(path), name, Math.max(0, ahead),
                    limit.isZero() ? null : Duration.ofNanos(limit.toNanos() / 2));
        } catch (RuntimeException e) {
            if (watchdog != null && watchdog.fired()) {
                throw watchdog.failure(e);
            }
            throw e;
        } finally {
            if (watchdog != null) {
                watchdog.done();
            }
        }
        if (watchdog != null && watchdog.fired()) {
            throw watchdog.failure(null);
        }
        String what = switch (p.outcome()) {
            case ARCHIVED -> "wal archived";
            case ALREADY_ARCHIVED -> "wal already archived with identical content";
            case ARCHIVED_AHEAD -> "wal archived ahead";
        };
        ws.log().info(what, "file", name, "key", p.key().key(), "bytes", p.bytes(), "stored_bytes", p.storedBytes(),
                "also_archived_ahead", p.ahead(), "ms", (System.nanoTime() - t0) / 1_000_000);
        return 0;
    }

    /** {@code --timeout}: the default when not given, zero for no limit. */
    static Duration limit(String timeout) {
        if (timeout == null) {
            return DEFAULT_TIMEOUT;
        }
        return Durations.parse(timeout).filter(d -> !d.isNegative())
                .orElseThrow(() -> DbBackupException.user("--timeout: " + Durations.problem(timeout).orElseGet(
                        () -> Durations.expected(timeout, "120s or 5m, 0 = no limit"))));
    }

    /**
     * Ends a push that has not finished within its limit: its uploads are cancelled (aborted, nothing under the final key),
     * and when it still has not unwound {@link #GRACE} later — a call no cancellation reaches, such as an SFTP stat on a
     * session that stopped answering — the process says why (as any failure's line, a JSON one with
     * {@code --log-format json}) and exits 2 at once. PostgreSQL's archiver, which waits for archive_command and archives
     * nothing meanwhile, then retries instead of hanging with pg_wal growing.
     */
    static final class Watchdog {
        private final CountDownLatch finished = new CountDownLatch(1);
        private final String message;
        private volatile boolean fired;

        private Watchdog(String name, Duration limit) {
            this.message = "wal-push of " + name + " timed out after " + Human.setting(limit) + " (the store did not finish "
                    + "in time): not archived; PostgreSQL will retry (raise or turn off wal-push --timeout if the store is "
                    + "just slow)";
        }

        /** Only the process of its own PostgreSQL started (signals handled, not a test's Main) may end itself. */
        static Watchdog start(Workspace ws, String name, Duration limit, Root root) {
            Watchdog w = new Watchdog(name, limit);
            Thread t = new Thread(() -> w.watch(ws, limit, root), "wal-push-timeout");
            t.setDaemon(true);
            t.start();
            return w;
        }

        private void watch(Workspace ws, Duration limit, Root root) {
            try {
                if (finished.await(limit.toNanos(), TimeUnit.NANOSECONDS)) {
                    return;
                }
                fired = true;
                ws.cancelAll(message);
                if (finished.await(GRACE.toNanos(), TimeUnit.NANOSECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
            if (root.main.signals() == null) {
                return;
            }
            Main.report(root.err, failure(null), root); // as the failure would have been, had the call unwound
            Main.settleStderr();
            Runtime.getRuntime().halt(io.dbbackup.core.ExitStatus.SYSTEM_ERROR.code());
        }

        boolean fired() {
            return fired;
        }

        void done() {
            finished.countDown();
        }

        DbBackupException failure(RuntimeException cause) {
            return cause == null ? DbBackupException.system(message) : DbBackupException.system(message, cause);
        }
    }
}
