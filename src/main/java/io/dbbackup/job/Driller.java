package io.dbbackup.job;

import io.dbbackup.config.DatasourceConfig;
import io.dbbackup.config.JobConfig;
import io.dbbackup.core.BackupKey;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.core.Log;
import io.dbbackup.pipeline.Failures;
import io.dbbackup.spi.Engine;
import io.dbbackup.spi.Location;
import io.dbbackup.spi.TargetState;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A restore drill: the job's newest backup (or a given one) restored into a scratch datasource exactly as
 * {@code restore} does it — the whole artifact checked first, then the engine's own restore — timed, the restored
 * target described, then removed again (unless kept). It never overwrites anything: the scratch target must be
 * empty, it is never the job's own datasource, and no confirmation is ever given.
 */
public final class Driller {
    /** What was restored where, how long the restore took, what the target then held, and whether it was removed. */
    public record Result(BackupKey key, String target, long bytes, Duration restoreTime, String holds, List<Check> checks,
                         boolean removed) {
        public Result {
            checks = List.copyOf(checks);
        }
    }

    /** One of the job's {@code drill_checks} and the value it returned on the restored copy. */
    public record Check(String sql, String value) {
    }

    private static final Confirmer NEVER = new Confirmer() {
        @Override
        public boolean interactive() {
            return false;
        }

        @Override
        public boolean confirm(String question) {
            return false;
        }
    };

    private final Workspace ws;
    private final DecryptionKeys keys;

    public Driller(Workspace ws, DecryptionKeys keys) {
        this.ws = ws;
        this.keys = keys;
    }

    /**
     * {@code drill --all}: the jobs whose backups restore into {@code to} — logical backups of a datasource of the same
     * kind (dialect) that restore into their target only (one database, a file); none is a user error, and so is a
     * scratch that a job backs up ({@link #refuseAJobsDatabase}).
     */
    public static List<JobConfig> drillableInto(Workspace ws, String to) {
        Engine scratch = ws.datasource(to).engine();
        refuseAJobsDatabase(ws, to, scratch);
        List<JobConfig> jobs = ws.config().jobs().values().stream()
                .filter(j -> !ws.datasource(j.datasource()).engine().physical())
                .filter(j -> ws.datasource(j.datasource()).engine().restoresIntoTargetOnly())
                .filter(j -> ws.datasource(j.datasource()).engine().dialect().equals(scratch.dialect())).toList();
        if (jobs.isEmpty()) {
            throw DbBackupException.user("drill --all: no job backs up a datasource of the kind of " + to + " ("
                    + scratch.describe() + ")");
        }
        return jobs;
    }

    public Result drill(String jobName, Optional<String> key, String to, boolean keep) {
        try (Log.Tagging tag = Log.tag("job", jobName)) { // what its engines, store or a library says names it
            return drillTagged(jobName, key, to, keep);
        }
    }

    private Result drillTagged(String jobName, Optional<String> key, String to, boolean keep) {
        JobConfig job = ws.job(jobName);
        if (to.equals(job.datasource())) {
            throw DbBackupException.user("drill: --to " + to + " is job " + job.name() + "'s own datasource; a drill restores "
                    + "into a scratch datasource of its own (an empty database or file, removed after the drill)");
        }
        DatasourceConfig target = ws.datasource(to);
        Engine engine = target.engine();
        Engine source = ws.datasource(job.datasource()).engine();
        refuseAJobsDatabase(ws, to, engine);
        if (engine.physical() || source.physical()) {
            throw DbBackupException.user("drill: a physical base backup is drilled with " + ws.suggest("restore", job.name())
                    + " --pgdata DIR into a scratch folder");
        }
        if (!source.restoresIntoTargetOnly() || !engine.restoresIntoTargetOnly()) {
            // e.g. a MySQL dump of several databases: restored, it writes into the databases it names, on the scratch's
            // server, whatever the scratch datasource says; a drill must never write anywhere but its scratch target
            throw DbBackupException.user("drill: a backup of " + source.describe() + " restores into what the dump itself "
                    + "names, not only into a scratch target; drills take datasources of one database (or file)");
        }
        if (!keep && !engine.canDropTarget()) {
            throw DbBackupException.user("drill: " + engine.describe() + " cannot be removed after the drill: name a "
                    + "scratch datasource that can (a database, a SQLite file), or pass --keep");
        }
        ws.requireSecrets(job, "datasources." + to);
        TargetState before = inspect(engine);
        if (!before.isEmpty()) {
            throw DbBackupException.user("drill: the target " + engine.describe() + " is not empty (" + before.description()
                    + "): a drill restores only into an empty scratch target, and removes it after");
        }
        long t0 = System.nanoTime();
        Restorer.Result r;
        try {
            r = new Restorer(ws, NEVER, keys).restore(new Restorer.Request(job.name(), key, Optional.of(to), false, false));
        } catch (RuntimeException e) {
            // whatever a failed restore left: the next drill needs an empty target. Not after a refusal (a user error:
            // nothing was restored; the target may have been filled meanwhile by someone else)
            boolean refused = e instanceof DbBackupException d && d.status() == ExitStatus.USER_ERROR;
            if (!keep && !refused) {
                removeQuietly(engine, job);
            }
            throw e;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        List<Check> checks;
        try {
            checks = runChecks(job, engine, r);
        } catch (RuntimeException e) {
            if (!keep) {
                removeQuietly(engine, job);
            }
            throw e;
        }
        String holds;
        try {
            holds = inspect(engine).description();
        } catch (DbBackupException e) {
            holds = "(cannot be inspected: " + e.getMessage() + ")";
        }
        if (!keep) {
            try (Workspace.Operation op = ws.operation("drill-" + job.name())) {
                engine.dropTarget(op.context());
            } catch (IOException | RuntimeException e) {
                throw Failures.map("the drill restored " + r.key().key() + " into " + r.target() + " but cannot remove it again "
                        + "(the next drill needs it empty)", e);
            }
        }
        ws.log().info("drill finished", "job", job.name(), "key", r.key().key(), "target", r.target(),
                "restore_ms", took.toMillis(), "removed", !keep);
        return new Result(r.key(), r.target(), r.bytes(), took, holds, checks, !keep);
    }

    /**
     * Refuses a scratch datasource that is, under another name, where a job's datasource keeps its data (overlapping
     * {@link Engine#where()}: the server by its resolved addresses, port and database; the file with its symlinks
     * resolved): a drill would restore into that database when it holds no table, and drop it after. Any job's, not only
     * the drilled one's: a database a job backs up is production, never a scratch target.
     */
    private static void refuseAJobsDatabase(Workspace ws, String to, Engine scratch) {
        Location where = scratch.where();
        for (JobConfig j : ws.config().jobs().values()) {
            Engine jobs = j.datasource().equals(to) ? scratch : ws.datasource(j.datasource()).engine();
            if (j.datasource().equals(to) || jobs.where().overlaps(where)) {
                String named = jobs.location().equals(where.text()) ? "" : "; --to names it " + where.text();
                throw DbBackupException.user("drill: --to " + to + " is the database of job " + j.name() + " (datasource "
                        + j.datasource() + ", " + jobs.location() + named + "): a drill restores into a scratch database of "
                        + "its own, never into one a job backs up");
            }
        }
    }

    /**
     * The job's {@code drill_checks} on the restored copy, in order: each query's first value must be true or a positive
     * number (a table that must hold rows, yesterday's orders); the first that is not fails the drill as an integrity
     * failure — the backup restored, but not into what the job's owner expects.
     */
    private List<Check> runChecks(JobConfig job, Engine engine, Restorer.Result r) {
        List<Check> out = new java.util.ArrayList<>();
        try (Workspace.Operation op = ws.operation("drill-" + job.name())) {
            for (String sql : job.drillChecks()) {
                String value;
                try {
                    value = engine.queryValue(sql, op.context()).strip();
                } catch (io.dbbackup.spi.QueryFailedException e) {
                    if (op.cancellation().isCancelled()) { // a signal stopped it: no verdict on the backup
                        throw interrupted(job, sql, op, e);
                    }
                    if (e.privilege()) { // the scratch account's set-up: the same on every retry, and not the backup's
                        throw new DbBackupException(ExitStatus.SYSTEM_ERROR, "drill of job " + job.name() + ": the check '"
                                + sql + "' was refused for want of a privilege of the scratch datasource's account (the "
                                + "drill's set-up, not the backup's fault): " + e.getMessage(), e, false);
                    }
                    if (e.infrastructure()) { // the server's or the network's doing, not the backup's: a retry may pass
                        throw new DbBackupException(ExitStatus.SYSTEM_ERROR, "drill of job " + job.name() + ": the check '"
                                + sql + "' could not finish on the restored copy of " + r.key().key() + " (not the backup's "
                                + "fault): " + e.getMessage(), e, true);
                    }
                    throw new DbBackupException(ExitStatus.INTEGRITY, "drill of job " + job.name() + ": the check '" + sql
                            + "' failed on the restored copy of " + r.key().key() + ": " + e.getMessage(), e, false);
                } catch (IOException | RuntimeException e) {
                    if (op.cancellation().isCancelled()) {
                        throw interrupted(job, sql, op, e);
                    }
                    // no checks on this engine (a user error), no scratch space: not the backup's doing either
                    throw Failures.map("drill of job " + job.name() + ": the check '" + sql + "' could not run on the "
                            + "restored copy of " + r.key().key(), e);
                }
                if (!holds(value)) {
                    throw new DbBackupException(ExitStatus.INTEGRITY, "drill of job " + job.name() + ": the check '" + sql
                            + "' returned " + (value.isEmpty() ? "no value" : "'" + value + "'") + " on the restored copy of "
                            + r.key().key() + " (expected true or a positive number)", null, false);
                }
                ws.log().info("drill check passed", "job", job.name(), "check", sql, "value", value);
                out.add(new Check(sql, value));
            }
        }
        return out;
    }

    /** A check a signal stopped (its cancellation): exit 2 and no verdict on the backup, the drill ends. */
    private static DbBackupException interrupted(JobConfig job, String sql, Workspace.Operation op, Exception e) {
        return new DbBackupException(ExitStatus.SYSTEM_ERROR, "drill of job " + job.name() + ": interrupted during the check '"
                + sql + "' (" + op.cancellation().reason() + ")", e, false);
    }

    /** True: {@code t}/{@code true}/{@code yes}/{@code on} (any case) or a number above zero. */
    static boolean holds(String value) {
        String v = value.toLowerCase(java.util.Locale.ROOT);
        if (List.of("t", "true", "yes", "on").contains(v)) {
            return true;
        }
        try {
            return new java.math.BigDecimal(v).signum() > 0;
        } catch (NumberFormatException notANumber) {
            return false;
        }
    }

    private TargetState inspect(Engine engine) {
        try (Workspace.Operation op = ws.operation("drill-inspect")) {
            return engine.inspectTarget(op.context());
        } catch (IOException e) {
            throw Failures.map("cannot inspect the drill target " + engine.describe(), e);
        }
    }

    private void removeQuietly(Engine engine, JobConfig job) {
        if (!engine.canDropTarget()) {
            return;
        }
        try (Workspace.Operation op = ws.operation("drill-" + job.name())) {
            engine.dropTarget(op.context());
        } catch (IOException | RuntimeException e) {
            ws.log().warn("cannot remove what the failed drill left in its target", "job", job.name(), "target",
                    engine.describe(), "error", String.valueOf(e.getMessage()));
        }
    }
}
