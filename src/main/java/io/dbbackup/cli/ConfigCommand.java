package io.dbbackup.cli;

import io.dbbackup.config.JobConfig;
import io.dbbackup.config.UnresolvedSecret;
import io.dbbackup.core.Human;
import io.dbbackup.job.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "config", mixinStandardHelpOptions = true, versionProvider = Root.VersionProvider.class, description = "Config file commands.", subcommands = {ConfigCommand.Validate.class})
final class ConfigCommand implements Callable<Integer> {
    @ParentCommand
    Root root;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return Root.noCommand(spec, root.err);
    }

    @Command(name = "validate", mixinStandardHelpOptions = true, versionProvider = Root.VersionProvider.class, description = "Check the config file: every problem with file:line:col; exit 0 or 1. Connects nowhere.")
    static final class Validate implements Callable<Integer> {
        @ParentCommand
        ConfigCommand parent;

        @Parameters(arity = "0..*", paramLabel = "JOB", description = "Require only the secrets these jobs use (datasource, "
                + "store, passphrase, notifiers; the identity is a warning), e.g. in a pod that mounts one job's Secret. "
                + "The rest of the file is checked in full. Default: every secret of the file.")
        List<String> jobs = new ArrayList<>();

        @Override
        public Integer call() {
            Workspace ws = parent.root.workspace(jobs.isEmpty());
            var c = ws.config();
            c.warnings().stream().filter(w -> w.message().equals(io.dbbackup.config.ConfigLoader.NO_JOBS))
                    .forEach(w -> ws.log().warn(w.format())); // the other commands leave it out
            boolean json = parent.root.logFormat == io.dbbackup.core.Log.Format.JSON;
            int errors = 0;
            Set<String> seen = new LinkedHashSet<>(); // the unresolved secrets of the named jobs, as their config lines
            for (String name : new LinkedHashSet<>(jobs)) {
                JobConfig job = ws.job(name);
                List<UnresolvedSecret> needed = new ArrayList<>(ws.backupSecretProblems(job));
                job.notifyRules().forEach(r -> needed.addAll(c.unresolvedUnder("notifications." + r.notifier())));
                for (UnresolvedSecret u : needed) {
                    if (seen.add(u.format())) {
                        Main.problem(parent.root.err, u.problem(), json, parent.root.main.clock(), 1, "");
                        errors++;
                    }
                }
                c.unresolved(job.encryption() == null ? null : job.encryption().identity())
                        .filter(u -> seen.add(u.format()))
                        .ifPresent(u -> Main.problem(parent.root.err, u.asWarning(), json, parent.root.main.clock(), 0,
                                " (backups are read back without decrypting; a restore needs --identity)"));
            }
            if (errors > 0) {
                return 1;
            }
            long notRead = c.unresolvedSecrets().stream().filter(u -> !seen.contains(u.format())).count();
            parent.root.out.printf(Locale.ROOT, "%s: ok (%s, %s, %s, %s)%s%n", c.file(),
                    Human.count(c.datasources().size(), "datasource"), Human.count(c.stores().size(), "store"),
                    Human.count(c.notifiers().size(), "notification"), Human.count(c.jobs().size(), "job"),
                    jobs.isEmpty() || notRead == 0 ? "" : "; " + notRead + " secret(s) not read here, not used by " + String.join(", ", jobs));
            // what it found, for a first config: each job's datasource and store, and where each secret came from
            for (JobConfig j : c.jobs().values()) {
                parent.root.out.printf(Locale.ROOT, "  job %s: %s -> %s%n", j.name(),
                        j.copyOf() != null ? "copy of job " + j.copyOf() : "datasource " + j.datasource(), "store " + j.store()
                                + (c.stores().containsKey(j.store())
                                        ? c.stores().get(j.store()).limits() : ""));
            }
            for (String s : c.secretsRead()) {
                parent.root.out.printf(Locale.ROOT, "  secret read: %s%n", s);
            }
            return 0;
        }
    }
}
