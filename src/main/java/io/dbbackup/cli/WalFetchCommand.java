package io.dbbackup.cli;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.core.Log;
import io.dbbackup.job.DecryptionKeys;
import io.dbbackup.job.WalArchive;
import io.dbbackup.job.WalNotArchivedException;
import io.dbbackup.job.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "wal-fetch", mixinStandardHelpOptions = true, versionProvider = Root.VersionProvider.class,
        description = {"Fetch one archived WAL file (PostgreSQL's restore_command: wal-fetch --job JOB %%f %%p).",
                "Exit 0 fetched and checked; 1 not in the archive (destination not written); 3 corrupt, or missing while later "
                        + "segments are archived (a gap); 2 store or I/O error.",
                "With --stop-recovery-on-error every failure but 'not in the archive' exits " + WalFetchCommand.STOP_RECOVERY
                        + ", which makes PostgreSQL stop recovery instead of ending it early; --not-archived-exit CODE "
                        + "exits CODE instead of 1 for 'not in the archive' (the restore_command that restore writes maps "
                        + "it back to 1, and every other status, the JVM's own 1 included, to 255)."})
final class WalFetchCommand implements Callable<Integer> {
    /** An exit status above 125: PostgreSQL aborts recovery instead of taking it for "no such file". */
    static final int STOP_RECOVERY = 255;
    static final String STOP_NOTE = " (exit " + STOP_RECOVERY + ": PostgreSQL stops recovery here rather than end it early)";

    /**
     * {@code cause} as the failure that stops recovery ({@link StopRecovery}), typed Throwable so that {@link Main}'s
     * verification need not load StopRecovery to check it is one (a jar that lost it fails in main, not before).
     */
    static Throwable stopRecovery(Throwable cause) {
        return new StopRecovery(cause);
    }

    @ParentCommand
    Root root;

    @Option(names = "--job", required = true, paramLabel = "JOB", description = "The physical job whose archive holds the file.")
    String job;

    @Option(names = "--stop-recovery-on-error",
            description = "Exit " + STOP_RECOVERY + " on any failure other than 'not in the archive' (for restore_command "
                    + "during archive recovery; not for standbys, which should retry).")
    boolean stopRecovery;

    @Spec
    CommandSpec spec;

    int notArchivedExit = ExitStatus.USER_ERROR.code();

    @Option(names = "--not-archived-exit", paramLabel = "CODE",
            description = "The exit status for 'not in the archive' (default 1): 1 to 125, not 2, 3 or 4, so that a wrapping "
                    + "shell can tell it from a JVM that could not start (which exits 1).")
    void notArchivedExit(int code) {
        if (code < 1 || code > 125 || code == ExitStatus.SYSTEM_ERROR.code() || code == ExitStatus.INTEGRITY.code()
                || code == ExitStatus.PARTIAL.code()) {
            throw new ParameterException(spec.commandLine(), "--not-archived-exit " + code
                    + " is not 1 to 125, or is one of dbbackup's own exit codes 2, 3, 4");
        }
        notArchivedExit = code;
    }

    @Parameters(index = "0", paramLabel = "NAME", description = "The WAL file name (%%f).")
    String name;

    @Parameters(index = "1", paramLabel = "DESTINATION", description = "Where to write it (%%p: relative to the data directory).")
    Path destination;

    @Mixin
    DecryptionOptions decryption = new DecryptionOptions();

    @Override
    public Integer call() {
        long t0 = System.nanoTime();
        try {
            Workspace ws = root.workspace();
            DecryptionKeys keys = decryption.keys(root.main, ws); // warns of a shared --identity untagged: the command's file
            try (Log.Tagging tag = Log.tag("job", job)) { // what its store or a library says names it
                WalArchive.Fetched f = new WalArchive(ws).fetch(job, name, root.main.workingDir().resolve(destination), keys);
                ws.log().info("wal fetched", "file", name, "key", f.key().key(), "bytes", f.bytes(),
                        "ms", (System.nanoTime() - t0) / 1_000_000);
            }
            return 0;
        } catch (WalNotArchivedException e) {
            throw new NotArchived(e, notArchivedExit);
        } catch (RuntimeException e) {
            if (stopRecovery) {
                throw new StopRecovery(e);
            }
            throw e;
        }
    }

    /**
     * A fetch failure that must stop PostgreSQL's recovery; mapped to {@link #STOP_RECOVERY} by {@link Main}. A failure
     * dbbackup did not expect (an Error, an internal exception) is named by its class.
     */
    static final class StopRecovery extends DbBackupException {
        StopRecovery(Throwable cause) {
            super(ExitStatus.SYSTEM_ERROR, (cause instanceof DbBackupException ? cause.getMessage()
                    : cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()))
                    + STOP_NOTE, cause, false);
        }
    }

    /** The file is not in the archive: exit {@code code} ({@code --not-archived-exit}, default 1), said at level info. */
    static final class NotArchived extends DbBackupException {
        final int code;

        NotArchived(WalNotArchivedException cause, int code) {
            super(cause.status(), cause.getMessage(), cause, false);
            this.code = code;
        }
    }
}
