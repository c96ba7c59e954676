package io.dbbackup.cli;

import io.dbbackup.job.WalArchive;
import io.dbbackup.job.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "wal-push", mixinStandardHelpOptions = true, versionProvider = Root.VersionProvider.class,
        description = {"Archive one WAL file (PostgreSQL's archive_command: wal-push --job JOB %%p %%f).",
                "Exit 0 when archived or already archived with identical content; 3 when archived with different content "
                        + "(never overwritten); 1 bad arguments; 2 store or I/O error."})
final class WalPushCommand implements Callable<Integer> {
    @ParentCommand
    Root root;

    @Option(names = "--job", required = true, paramLabel = "JOB", description = "The physical job whose archive receives the file.")
    String job;

    @Option(names = "--ahead", paramLabel = "N", defaultValue = "32",
            description = "When the archiver has fallen behind, also archive up to N other files waiting in pg_wal "
                    + "(in parallel; default ${DEFAULT-VALUE}, 0 = only this one).")
    int ahead;

    @Parameters(index = "0", paramLabel = "PATH", description = "The file (%%p: relative to the data directory, the archiver's working folder).")
    Path path;

    @Parameters(index = "1", paramLabel = "NAME", description = "Its name (%%f).")
    String name;

    @Override
    public Integer call() {
        long t0 = System.nanoTime();
        Workspace ws = root.workspace();
        WalArchive.Pushed p = new WalArchive(ws).push(job, root.main.workingDir().resolve(path), name, Math.max(0, ahead));
        String what = switch (p.outcome()) {
            case ARCHIVED -> "wal archived";
            case ALREADY_ARCHIVED -> "wal already archived with identical content";
            case ARCHIVED_AHEAD -> "wal archived ahead";
        };
        ws.log().info(what, "file", name, "key", p.key().key(), "bytes", p.bytes(), "stored_bytes", p.storedBytes(),
                "also_archived_ahead", p.ahead(), "ms", (System.nanoTime() - t0) / 1_000_000);
        return 0;
    }
}
