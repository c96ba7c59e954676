package io.dbbackup.job;

import io.dbbackup.config.DatasourceConfig;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.pipeline.Failures;
import io.dbbackup.pipeline.SyncPipeline;
import io.dbbackup.spi.Engine;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.RestoreOptions;
import io.dbbackup.spi.TargetState;

import java.io.IOException;
import java.time.Duration;

/**
 * Copies one datasource into another in one streamed pass ({@code dbbackup sync}): checks that the
 * two are different databases of the same dialect, applies the restore confirmation rule to the
 * target, then streams the source's dump straight into the target's restore (no file, no store),
 * all-or-nothing on the target side; then shows the target's engine the facts of the dump it loaded, as a restore
 * shows it a backup's manifest ({@link Engine#warnBeforeRestore}).
 */
public final class Syncer {
    /** What to copy where. */
    public record Request(String source, String target, boolean clean, boolean autoConfirm) {
    }

    /** What was copied. */
    public record Result(String source, String target, long bytes, Duration took) {
    }

    private final Workspace ws;
    private final Confirmer confirmer;
    private final Object lock = new Object();
    private Workspace.Operation running;
    private String cancelled;

    public Syncer(Workspace ws, Confirmer confirmer) {
        this.ws = ws;
        this.confirmer = confirmer;
    }

    /** Stops a running sync (a signal): the tools are killed and the target rolls back; safe from any thread. */
    public void cancel(String reason) {
        synchronized (lock) {
            cancelled = reason;
            if (running != null) {
                running.cancellation().cancel(reason);
            }
        }
    }

    public Result sync(Request r) {
        if (r.source().equals(r.target())) {
            throw DbBackupException.user("source and target are the same datasource '" + r.source() + "': nothing to sync");
        }
        DatasourceConfig sourceDs = ws.datasource(r.source());
        DatasourceConfig targetDs = ws.datasource(r.target());
        ws.requireSecrets("datasources." + sourceDs.name(), "datasources." + targetDs.name());
        Engine source = sourceDs.engine();
        Engine target = targetDs.engine();
        if (source.where().overlaps(target.where())) {
            String named = source.location().equals(target.location()) ? "" : " = " + target.location();
            throw DbBackupException.user("datasources '" + r.source() + "' and '" + r.target() + "' are the same database ("
                    + source.location() + named + "): refusing to sync a database into itself");
        }
        if (!source.restoresIntoTargetOnly() && source.where().overlaps(target.where().holding(source.where()))) {
            throw DbBackupException.user("sync: a dump of " + source.describe() + " names " + source.namesItRestoresInto()
                    + " and switches to them by name: loaded on the server of '" + r.target() + "' (" + target.location()
                    + ") it would write into those of '" + r.source() + "' themselves: refusing to sync a database into itself");
        }
        if (!source.dialect().equals(target.dialect())) {
            throw DbBackupException.user("cannot sync " + sourceDs.engineType() + " datasource '" + r.source() + "' into "
                    + targetDs.engineType() + " datasource '" + r.target() + "': a " + sourceDs.engineType()
                    + " dump does not load into " + targetDs.engineType() + " (sync needs the same engine on both sides;"
                    + " mysql and mariadb count as one)");
        }
        target.checkSyncFrom(source); // what the target's restore would refuse once the dump had started
        try (Workspace.Operation op = ws.operation("sync-" + r.source() + "-" + r.target())) {
            synchronized (lock) {
                running = op;
                if (cancelled != null) {
                    op.cancellation().cancel(cancelled);
                }
            }
            OperationContext ctx = op.context();
            TargetState state;
            try {
                state = target.inspectTarget(ctx, new RestoreOptions(r.clean(), true)); // without --clean: what it keeps
            } catch (IOException e) {
                throw Failures.map("cannot inspect the sync target " + target.describe(), e);
            }
            Overwrite.confirm(confirmer, r.autoConfirm(), state, target.describe(), "sync", "source",
                    "Copy " + source.describe() + " into " + target.describe() + "?");
            if (ctx.cancellation().isCancelled()) {
                throw DbBackupException.system("sync cancelled (" + ctx.cancellation().reason() + ") before it started; nothing was changed");
            }
            ws.log().info("sync started", "source", source.describe(), "target", target.describe(), "clean", r.clean());
            long t0 = System.nanoTime(); // measured, not two wall-clock readings: NTP may step the clock meanwhile
            RestoreOptions options = new RestoreOptions(r.clean(), true).omitting(source.omittedFromItsBackups());
            SyncPipeline.Result result = SyncPipeline.run(source, target, options, ctx);
            // what a backup of this dump would have recorded in its manifest, as a restore of it would be shown: known only
            // once the dump ended (its preflight runs on the dump's thread, once the target reads), so after the load
            target.warnBeforeRestore(result.info() == null ? java.util.Map.of() : result.info().facts(), options, ctx);
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            ws.log().info("sync finished", "source", source.describe(), "target", target.describe(), "bytes", result.bytes(),
                    "seconds", took.toMillis() / 1000.0);
            return new Result(r.source(), r.target(), result.bytes(), took);
        } finally {
            synchronized (lock) {
                running = null;
            }
        }
    }
}
