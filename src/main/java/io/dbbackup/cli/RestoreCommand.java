package io.dbbackup.cli;

import io.dbbackup.core.Human;
import io.dbbackup.job.Restorer;
import io.dbbackup.job.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "restore", mixinStandardHelpOptions = true, versionProvider = Root.VersionProvider.class, description = "Restore a backup (the newest by default) after checking its SHA-256.")
final class RestoreCommand implements Callable<Integer> {
    @ParentCommand
    Root root;

    @Parameters(index = "0", paramLabel = "JOB")
    String job;

    @Parameters(index = "1", arity = "0..1", paramLabel = "KEY", description = "A key or file name from 'list' (default: newest).")
    String key;

    @Option(names = "--to", paramLabel = "DATASOURCE", description = "Restore into this datasource instead of the job's.")
    String to;

    @Option(names = "--auto-confirm", description = "Overwrite a non-empty target without asking.")
    boolean autoConfirm;

    @Option(names = "--clean", description = "Drop existing objects in the target first (where the engine supports it).")
    boolean clean;

    @Mixin
    DecryptionOptions decryption = new DecryptionOptions();

    @Override
    public Integer call() {
        Workspace ws = root.workspace();
        Restorer.Result r = new Restorer(ws, root.main.confirmer(), decryption.keys(root.main)).restore(
                new Restorer.Request(job, Optional.ofNullable(key), Optional.ofNullable(to), autoConfirm, clean));
        root.out.println("restored " + r.key().key() + " into " + r.target() + " (" + Human.size(r.bytes()) + ")");
        return 0;
    }
}
