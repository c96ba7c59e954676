package io.dbbackup.cli;

import io.dbbackup.core.BackupKey;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.Log;
import io.dbbackup.job.Pins;
import io.dbbackup.job.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "pin", mixinStandardHelpOptions = true, versionProvider = Root.VersionProvider.class,
        description = {"Pin a backup (the newest by default) so that retention keeps it whatever the job's rules say — the "
                + "backup before a migration, one you were asked to keep. The pin is a KEY.pin marker beside it in the store: "
                + "every host pruning the job sees it. 'list' and 'show' show it, 'prune --dry-run' gives 'pinned' as a reason.",
                "--remove KEY takes the pin away: the rules decide about the backup again at the next prune."})
final class PinCommand implements Callable<Integer> {
    @ParentCommand
    Root root;

    @Parameters(index = "0", paramLabel = "JOB")
    String job;

    @Parameters(index = "1", arity = "0..1", paramLabel = "KEY",
            description = "A key or file name from 'list' (default: newest; required with --remove).")
    String key;

    @Option(names = "--note", paramLabel = "TEXT", description = "Why it is kept (shown by list --json and show).")
    String note;

    @Option(names = "--remove", description = "Unpin KEY instead.")
    boolean remove;

    @Override
    public Integer call() {
        if (note != null && note.isBlank()) {
            throw DbBackupException.user("--note is empty: give why the backup is kept, or leave out --note");
        }
        Workspace ws = root.workspace();
        try (Log.Tagging tag = Log.tag("job", job)) { // what its store or a library says names it
            return pin(ws);
        }
    }

    private int pin(Workspace ws) {
        Pins pins = new Pins(ws);
        if (remove) {
            if (key == null) {
                throw DbBackupException.user("pin --remove needs the KEY of the pinned backup (see " + ws.suggest("list", job) + ")");
            }
            if (note != null) {
                throw DbBackupException.user("--note is for pinning, not with --remove");
            }
            BackupKey k = pins.unpin(job, key);
            root.out.println("unpinned " + k.key() + ": retention decides about it again");
            return 0;
        }
        Pins.Pinned done = pins.pin(job, Optional.ofNullable(key), note);
        Pins.Pin p = done.pin();
        boolean already = done.already(); // an earlier pin, kept as it was (no --note)
        root.out.println((already ? "already pinned " : "pinned ") + p.key().key()
                + (already && p.pinnedAt() != null ? " since " + ShowCommand.TIME.format(p.pinnedAt()) : "")
                + (p.note().isEmpty() ? "" : " (" + p.note() + ")")
                + ": retention keeps it until "
                + ws.suggest("pin", "--remove", job, p.key().fileName()));
        return 0;
    }
}
