package io.dbbackup.cli;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.job.WalArchive;
import io.dbbackup.job.WalNotArchivedException;
import io.dbbackup.job.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "wal-fetch", mixinStandardHelpOptions = true, versionProvider = Root.VersionProvider.class,
        description = {"Fetch one archived WAL file (PostgreSQL's restore_command: wal-fetch --job JOB %%f %%p).",
                "Exit 0 fetched and checked; 1 not in the archive (destination not written); 3 corrupt, or missing while later "
                        + "segments are archived (a gap); 2 store or I/O error.",
                "With --stop-recovery-on-error every failure but 'not in the archive' exits " + WalFetchCommand.STOP_RECOVERY
                        + ", which makes PostgreSQL stop recovery instead of ending it early."})
final class WalFetchCommand implements Callable<Integer> {
    /** An exit status above 125: PostgreSQL aborts recovery instead of taking it for "no such file". */
    static final int STOP_RECOVERY = 255;
    static final String STOP_NOTE = " (exit " + STOP_RECOVERY + ": PostgreSQL stops recovery here rather than end it early)";

    /**
     * Whether a command line that picocli could not parse is a {@code wal-fetch --stop-recovery-on-error}: its
     * argument errors (a missing %p, an unknown option) stop recovery too, instead of reading as "not archived".
     */
    static boolean stopsRecovery(String[] args) {
        boolean walFetch = false;
        for (String a : args) {
            if (a.equals("wal-fetch")) {
                walFetch = true;
            } else if (walFetch && (a.equals("--stop-recovery-on-error") || a.equalsIgnoreCase("--stop-recovery-on-error=true"))) {
                return true;
            }
        }
        return false;
    }

    @ParentCommand
    Root root;

    @Option(names = "--job", required = true, paramLabel = "JOB", description = "The physical job whose archive holds the file.")
    String job;

    @Option(names = "--stop-recovery-on-error",
            description = "Exit " + STOP_RECOVERY + " on any failure other than 'not in the archive' (for restore_command "
                    + "during archive recovery; not for standbys, which should retry).")
    boolean stopRecovery;

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
            WalArchive.Fetched f = new WalArchive(ws).fetch(job, name, root.main.workingDir().resolve(destination),
                    decryption.keys(root.main));
            ws.log().info("wal fetched", "file", name, "key", f.key().key(), "bytes", f.bytes(),
                    "ms", (System.nanoTime() - t0) / 1_000_000);
            return 0;
        } catch (WalNotArchivedException e) {
            throw e;
        } catch (RuntimeException e) {
            if (stopRecovery) {
                throw new StopRecovery(e);
            }
            throw e;
        }
    }

    /** A fetch failure that must stop PostgreSQL's recovery; mapped to {@link #STOP_RECOVERY} by {@link Main}. */
    static final class StopRecovery extends DbBackupException {
        StopRecovery(RuntimeException cause) {
            super(ExitStatus.SYSTEM_ERROR, (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage())
                    + STOP_NOTE, cause, false);
        }
    }
}
