package io.dbbackup.cli;

import io.dbbackup.core.Human;
import io.dbbackup.config.JobConfig;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.Json;
import io.dbbackup.job.AbandonedUploads;
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
import java.util.Locale;
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
        Catalog catalog = new Catalog(ws);
        List<Catalog.Entry> entries = catalog.list(j);
        List<String> shown = catalog.listedFacts(j);
        Map<Catalog.Entry, Map<String, String>> facts = new LinkedHashMap<>();
        for (Catalog.Entry e : entries) {
            facts.put(e, shown.isEmpty() ? Map.of() : factsOf(ws, catalog, j, e, shown));
        }
        if (json) {
            root.out.println(Json.pretty(entries.stream().map(e -> toMap(e, facts.get(e))).toList()));
        } else if (entries.isEmpty()) {
            root.out.println("no backups for job " + job);
        } else {
            table(entries, shown, facts);
        }
        root.out.flush();
        new AbandonedUploads(ws, catalog).mention(j); // on stderr: stdout stays the table or the JSON
        return 0;
    }

    private void table(List<Catalog.Entry> entries, List<String> shown, Map<Catalog.Entry, Map<String, String>> facts) {
        StringBuilder head = new StringBuilder(String.format("%-19s  %10s", "TIMESTAMP (UTC)", "SIZE"));
        shown.forEach(f -> head.append("  ").append(String.format("%-" + width(f, facts) + "s", f.toUpperCase(Locale.ROOT))));
        root.out.println(head.append("  KEY"));
        for (Catalog.Entry e : entries) {
            StringBuilder line = new StringBuilder(String.format("%-19s  %10s", TIME.format(e.key().timestamp()),
                    Human.size(e.object().size())));
            shown.forEach(f -> line.append("  ").append(String.format("%-" + width(f, facts) + "s", facts.get(e).getOrDefault(f, "?"))));
            root.out.println(line.append("  ").append(e.key().key()));
        }
    }

    private static Map<String, String> factsOf(Workspace ws, Catalog catalog, JobConfig j, Catalog.Entry e, List<String> shown) {
        try {
            Map<String, String> all = catalog.facts(j, e.key()).facts();
            Map<String, String> out = new LinkedHashMap<>();
            shown.forEach(f -> out.put(f, all.getOrDefault(f, "?")));
            return out;
        } catch (DbBackupException ex) {
            ws.log().warn("cannot read the manifest of a backup", "key", e.key().key(), "error", ex.getMessage());
            return Map.of();
        }
    }

    private static int width(String fact, Map<Catalog.Entry, Map<String, String>> facts) {
        int w = fact.length();
        for (Map<String, String> m : facts.values()) {
            w = Math.max(w, m.getOrDefault(fact, "?").length());
        }
        return w;
    }

    private static Map<String, Object> toMap(Catalog.Entry e, Map<String, String> facts) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", e.key().key());
        m.put("timestamp", e.key().timestamp().toString());
        m.put("size", e.object().size());
        m.put("format", e.key().format().extension());
        m.put("compression", e.key().compression().id());
        m.put("encrypted", e.key().encrypted());
        facts.forEach(m::put);
        return m;
    }
}
