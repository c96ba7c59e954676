package io.dbbackup.cli;

import io.dbbackup.core.Human;
import io.dbbackup.config.JobConfig;
import io.dbbackup.core.Json;
import io.dbbackup.job.Catalog;
import io.dbbackup.job.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "list", mixinStandardHelpOptions = true, versionProvider = Root.VersionProvider.class, description = "List a job's backups, newest first.")
final class ListCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    @ParentCommand
    Root root;

    @Parameters(paramLabel = "JOB")
    String job;

    @Option(names = "--json", description = "Print JSON on stdout.")
    boolean json;

    @Override
    public Integer call() {
        Workspace ws = root.workspace();
        JobConfig j = ws.job(job);
        List<Catalog.Entry> entries = new Catalog(ws).list(j);
        if (json) {
            root.out.println(Json.pretty(entries.stream().map(ListCommand::toMap).toList()));
            return 0;
        }
        if (entries.isEmpty()) {
            root.out.println("no backups for job " + job);
            return 0;
        }
        root.out.printf("%-19s  %10s  %s%n", "TIMESTAMP (UTC)", "SIZE", "KEY");
        for (Catalog.Entry e : entries) {
            root.out.printf("%-19s  %10s  %s%n", TIME.format(e.key().timestamp()), Human.size(e.object().size()), e.key().key());
        }
        return 0;
    }

    private static Map<String, Object> toMap(Catalog.Entry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", e.key().key());
        m.put("timestamp", e.key().timestamp().toString());
        m.put("size", e.object().size());
        m.put("format", e.key().format().extension());
        m.put("compression", e.key().compression().id());
        m.put("encrypted", e.key().encrypted());
        return m;
    }
}
