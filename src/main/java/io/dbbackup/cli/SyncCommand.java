package io.dbbackup.cli;

import io.dbbackup.core.Human;
import io.dbbackup.job.Syncer;
import io.dbbackup.job.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

@Command(name = "sync", mixinStandardHelpOptions = true, versionProvider = Root.VersionProvider.class,
        description = {"Copy one datasource into another in one streamed pass: the source's dump goes straight into the "
                + "target's restore, no file in between. A failure anywhere leaves the target as it was.",
                "Same engine on both sides (mysql and mariadb count as one). A target that holds anything needs a yes on "
                        + "the terminal or --auto-confirm."})
final class SyncCommand implements Callable<Integer> {
    @ParentCommand
    Root root;

    @Parameters(index = "0", paramLabel = "SOURCE", description = "The datasource to copy from.")
    String source;

    @Parameters(index = "1", paramLabel = "TARGET", description = "The datasource to copy into.")
    String target;

    @Option(names = "--clean", description = "Drop everything in the target first (in the same all-or-nothing step).")
    boolean clean;

    @Option(names = "--auto-confirm", description = "Overwrite a non-empty target without asking.")
    boolean autoConfirm;

    @Override
    public Integer call() {
        Workspace ws = root.workspace();
        Syncer syncer = new Syncer(ws, root.main.confirmer());
        if (root.main.signals() != null) {
            root.main.signals().onSignal(s -> syncer.cancel("signal " + s.signal()));
        }
        Syncer.Result r = syncer.sync(new Syncer.Request(source, target, clean, autoConfirm));
        root.out.println("synced " + r.source() + " into " + r.target() + " (" + Human.size(r.bytes()) + " in "
                + Human.duration(r.took()) + ")");
        return 0;
    }
}
