package io.dbbackup.cli;

import io.dbbackup.config.JobConfig;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.Human;
import io.dbbackup.core.Json;
import io.dbbackup.job.Driller;
import io.dbbackup.job.Notifications;
import io.dbbackup.job.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "drill", mixinStandardHelpOptions = true, versionProvider = Root.VersionProvider.class,
        description = "Restore drill: restore a job's newest backup (or KEY) into an empty scratch datasource, time it, "
                + "say what it holds, and remove it again.")
final class DrillCommand implements Callable<Integer> {
    @ParentCommand
    Root root;

    @Parameters(index = "0", paramLabel = "JOB")
    String job;

    @Parameters(index = "1", paramLabel = "KEY", arity = "0..1", description = "A full key or a file name from 'list' (default: the newest).")
    String key;

    @Option(names = "--to", required = true, paramLabel = "DATASOURCE",
            description = "The scratch datasource to restore into: must be empty (a database or file that does not exist yet).")
    String to;

    @Option(names = "--keep", description = "Leave the restored target for a look (the next drill then finds it not empty).")
    boolean keep;

    @Option(names = "--notify", description = "Send the result to the job's notifiers, by its notify rules, as a 'drill of job' report.")
    boolean notify;

    @Option(names = "--json", description = "Print the result as JSON on stdout.")
    boolean json;

    @Mixin
    DecryptionOptions decryption = new DecryptionOptions();

    @Override
    public Integer call() {
        Workspace ws = root.workspace();
        JobConfig j = ws.job(job);
        Instant started = ws.clock().instant();
        Driller.Result r;
        try {
            r = new Driller(ws, decryption.keys(root.main)).drill(j.name(), Optional.ofNullable(key), to, keep);
        } catch (DbBackupException e) {
            if (notify) {
                Notifications.sendDrill(ws, j, started, null, e);
            }
            throw e;
        }
        if (notify) {
            Notifications.sendDrill(ws, j, started, r, null);
        }
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("job", j.name());
            m.put("ok", true);
            m.put("key", r.key().key());
            m.put("target", r.target());
            m.put("decoded_bytes", r.bytes());
            m.put("restore_ms", r.restoreTime().toMillis());
            m.put("holds", r.holds());
            m.put("removed", r.removed());
            root.out.println(Json.pretty(m));
        } else {
            root.out.println("ok drill of job " + j.name() + ": restored " + r.key().key() + " (" + Human.size(r.bytes())
                    + " decoded) into " + r.target() + " in " + Human.duration(r.restoreTime()));
            root.out.println("   then " + r.holds());
            root.out.println(r.removed() ? "   removed again" : "   kept (--keep): remove it before the next drill");
        }
        return 0;
    }
}
