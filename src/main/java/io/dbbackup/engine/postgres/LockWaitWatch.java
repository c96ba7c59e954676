package io.dbbackup.engine.postgres;

import io.dbbackup.spi.Cancellation;
import io.dbbackup.spi.OperationContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * While a restore runs, asks the target now and then (one short psql each time, on a thread of its own) whether the
 * restore's session waits on a lock another session holds, and if so warns once naming the holders and what to do, and
 * again at most every {@link #REPEAT}: the restore runs with {@code lock_timeout} off, so an application's transaction
 * left open on a table ({@code BEGIN; SELECT … ;} then idle) held a {@code --clean} restore silently for ever. Never
 * fails or slows the restore: every error of its own is logged at debug only, and {@link #close} stops it.
 */
final class LockWaitWatch implements AutoCloseable {
    static final Duration FIRST = Duration.ofSeconds(10);
    static final Duration REPEAT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofSeconds(10);
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(10);
    private static final String SEP = "\u001f";

    /**
     * One line per session holding a lock the restore's own session (ours: PGAPPNAME dbbackup, in this database, not
     * this query's) waits for. A role without pg_read_all_stats sees another role's pid, user and application but not
     * its client address, state or times (null: said as unknown).
     */
    static final String BLOCKERS = """
            SELECT concat_ws(chr(31), w.pid, b.pid, coalesce(b.usename, ''), coalesce(b.application_name, ''),
                   coalesce(host(b.client_addr), CASE WHEN b.state IS NOT NULL THEN 'local socket' END, ''),
                   coalesce(b.state, ''),
                   coalesce(to_char(b.state_change AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), ''))
            FROM pg_catalog.pg_stat_activity w,
                 unnest(pg_catalog.pg_blocking_pids(w.pid)) AS h(pid)
                 LEFT JOIN pg_catalog.pg_stat_activity b ON b.pid = h.pid
            WHERE w.datname = pg_catalog.current_database() AND w.application_name = 'dbbackup'
              AND w.pid <> pg_catalog.pg_backend_pid() AND w.wait_event_type = 'Lock'
            ORDER BY w.pid, b.pid;
            """;

    private final Cancellation stop = new Cancellation();
    private final Object lock = new Object();
    private final Thread thread;

    private LockWaitWatch(PgTools pg, String db, PassFile pass, OperationContext ctx, Duration first, Duration repeat) {
        OperationContext own = new OperationContext(stop, ctx.log(), ctx.scratchDir(), ctx.commands());
        thread = new Thread(() -> watch(pg, db, pass, own, first, repeat), "pg-lock-wait-watch");
        thread.setDaemon(true);
    }

    /** Starts watching the restore into {@code db}; close it when the restore ends. */
    static LockWaitWatch start(PgTools pg, String db, PassFile pass, OperationContext ctx) {
        LockWaitWatch w = new LockWaitWatch(pg, db, pass, ctx, FIRST, REPEAT);
        w.thread.start();
        return w;
    }

    private void watch(PgTools pg, String db, PassFile pass, OperationContext ctx, Duration first, Duration repeat) {
        long lastWarned = 0;
        boolean warned = false;
        Duration pause = first;
        while (pause(pause)) {
            pause = POLL;
            try {
                String holders = describe(pg.query(db, pass, ctx, BLOCKERS, QUERY_TIMEOUT, true));
                long now = System.nanoTime();
                // at most one warning a REPEAT, also when the restore meets one short wait after another
                if (!holders.isEmpty() && !stop.isCancelled() && (!warned || now - lastWarned >= repeat.toNanos())) {
                    ctx.log().warn("the restore waits for a lock held by another session: " + holders
                            + " (end that session, SELECT pg_terminate_backend(PID), or let it finish: the restore"
                            + " goes on once the lock is released)");
                    warned = true;
                    lastWarned = now;
                }
            } catch (Exception e) { // never the restore's failure
                if (!stop.isCancelled()) {
                    ctx.log().debug("could not ask the target about lock waits", "error", e.getMessage());
                }
            }
        }
    }

    /** Waits {@code d} or until closed; false once closed. */
    private boolean pause(Duration d) {
        synchronized (lock) {
            long end = System.nanoTime() + d.toNanos();
            while (!stop.isCancelled()) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                try {
                    lock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    return false;
                }
            }
            return false;
        }
    }

    /** The holders in {@link #BLOCKERS}' rows, said as one line (empty when the restore waits for none). */
    static String describe(String rows) {
        List<String> said = new ArrayList<>();
        for (String line : rows.split("\n")) {
            String[] f = line.split(SEP, -1);
            if (f.length < 7 || f[1].isBlank()) {
                continue;
            }
            String holder = "pid " + f[1].strip() + " (user " + known(f[2]) + ", application_name " + known(f[3])
                    + ", client " + known(f[4]) + ", " + (f[5].isEmpty()
                    ? "state unknown: this role cannot see other roles' sessions (pg_read_all_stats)"
                    : f[5] + (f[6].isEmpty() ? "" : " since " + f[6])) + ")";
            if (!said.contains(holder)) {
                said.add(holder);
            }
        }
        return String.join("; ", said);
    }

    private static String known(String v) {
        return v.isEmpty() ? "unknown" : "'" + v + "'";
    }

    /** Stops the watch, and any question it is asking, without waiting for it. */
    @Override
    public void close() {
        stop.cancel("the restore ended");
        synchronized (lock) {
            lock.notifyAll();
        }
    }
}
