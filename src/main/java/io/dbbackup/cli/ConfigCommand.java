package io.dbbackup.cli;

import io.dbbackup.job.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

@Command(name = "config", mixinStandardHelpOptions = true, versionProvider = Root.VersionProvider.class, description = "Config file commands.", subcommands = {ConfigCommand.Validate.class})
final class ConfigCommand implements Runnable {
    @ParentCommand
    Root root;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(root.out);
    }

    @Command(name = "validate", mixinStandardHelpOptions = true, versionProvider = Root.VersionProvider.class, description = "Check the config file: every problem with file:line:col; exit 0 or 1. Connects nowhere.")
    static final class Validate implements Callable<Integer> {
        @ParentCommand
        ConfigCommand parent;

        @Override
        public Integer call() {
            Workspace ws = parent.root.workspace(true);
            var c = ws.config();
            parent.root.out.printf("%s: ok (%d datasources, %d stores, %d notifications, %d jobs)%n", c.file(),
                    c.datasources().size(), c.stores().size(), c.notifiers().size(), c.jobs().size());
            return 0;
        }
    }
}
