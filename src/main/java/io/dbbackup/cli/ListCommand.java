package io.dbbackup.cli;

import io.dbbackup.core.Human;
import io.dbbackup.config.JobConfig;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.core.Redactor;
import io.dbbackup.core.UnfinishedUpload;
import io.dbbackup.core.Json;
import io.dbbackup.core.Log;
import io.dbbackup.job.AbandonedUploads;
import io.dbbackup.job.Catalog;
import io.dbbackup.job.GroupedWarnings;
import io.dbbackup.job.Pruner;
import io.dbbackup.job.RunSummary;
import io.dbbackup.job.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "list", mixinStandardHelpOptions = true, versionProvider = Root.VersionProvider.class, description = "List a job's backups, newest first; --all: one line per job.")
final class ListCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    @ParentCommand
    Root root;

    @Parameters(paramLabel = "JOB", arity = "0..1")
    String job;

    @Option(names = "--all", description = "Instead of one job's backups, one line per job: how many backups, the newest "
            + "(time, age, size) and the total stored; a job whose store cannot be listed is a FAILED line, one without backups ends in NO BACKUPS.")
    boolean all;

    @Option(names = "--json", description = "Print JSON on stdout.")
    boolean json;

    /**
     * How many manifests {@code list JOB} reads at once: one small GET each, latency-bound, so thousands of backups on S3
     * took thousands of round trips one after another. 8 cuts that eightfold while staying within what every store
     * serves well on one client: the S3 client keeps a handful of connections per host alive (more are opened and
     * closed), an SFTP store multiplexes its requests on one SSH connection, and each read holds at most 1 MiB.
     */
    static final int MANIFEST_READS = 8;

    /** {@link #MANIFEST_READS}; a test sets 1 for the reads one after another. */
    int manifestReads = MANIFEST_READS;

    @Override
    public Integer call() {
        if (all == (job != null)) {
            throw DbBackupException.user(all ? "--all lists every job: name no JOB with it" : "name the job to list, or pass --all");
        }
        Workspace ws = root.workspace();
        if (all) {
            return overview(ws);
        }
        try (Log.Tagging tag = Log.tag("job", job)) { // what its store or a library says names it
            return one(ws);
        }
    }

    int one(Workspace ws) {
        JobConfig j = ws.job(job);
        Catalog catalog = new Catalog(ws);
        Catalog.Listing listing = catalog.listing(j);
        List<Catalog.Entry> entries = listing.backups();
        List<String> shown = catalog.listedFacts(j);
        Map<Catalog.Entry, Map<String, String>> facts = new LinkedHashMap<>();
        Map<Catalog.Entry, ListedDamage> damage = new LinkedHashMap<>();
        // the manifests a few at a time, each described here in the listing's order: the same rows and warnings as
        // reading them one after another
        BoundedReads.inOrder(entries, manifestReads, "list-manifest", "the manifests of job " + j.name(),
                e -> read(catalog, j, e, shown), (e, read) -> describe(ws, e, read.get(), facts, damage));
        if (json) {
            root.out.println(Json.pretty(entries.stream().map(e -> toMap(e, facts.get(e), damage.get(e))).toList()));
        } else if (entries.isEmpty()) {
            root.out.println("no backups for job " + job);
        } else {
            table(entries, shown, facts, damage, ws.clock().instant());
        }
        root.out.flush();
        catalog.mentionUnchecked(j, listing); // on stderr: stdout stays the table or the JSON
        new io.dbbackup.job.Pins(ws).mentionNewer(j, entries);
        if (entries.isEmpty() && listing.unchecked().isEmpty()) {
            catalog.warnElsewhere(j);
        }
        new AbandonedUploads(ws, catalog).mention(j, listing);
        new AbandonedUploads(ws, catalog).warnSetAside(j);
        return 0;
    }

    /**
     * {@code list --all}: every job of the config in its order, each store listed once per job; the exit status is a
     * backup run's over the jobs (a store that cannot be listed fails its job, the others are still shown).
     */
    private int overview(Workspace ws) {
        Catalog catalog = new Catalog(ws);
        Instant now = ws.clock().instant();
        List<Map<String, Object>> rows = new ArrayList<>();
        List<ExitStatus> statuses = new ArrayList<>();
        List<JobConfig> jobs = ws.allJobs("list", "list");
        // what many jobs would each warn the same (pins a newer dbbackup wrote) is said once, naming them, before the
        // table as backup --all says its own
        try (GroupedWarnings grouped = jobs.size() > 1 ? ws.groupingWarnings() : null) {
            overviewRows(ws, catalog, jobs, now, rows, statuses);
        }
        if (rows.stream().allMatch(r -> Boolean.TRUE.equals(r.get("ok")) && ((Number) r.get("backups")).longValue() == 0)) {
            // no job of the config has a backup: a config written again after the old one was lost, more likely than a
            // fleet of jobs that never ran; where are the backups? (never when some job has backups: list --all is cheap)
            // Said before the table, as backup --all says its warnings of many jobs before its table
            catalog.warnElsewhere(jobs); // jobs whose hints name the same folders: one line
        }
        if (json) {
            root.out.println(Json.pretty(rows));
        } else {
            overviewTable(rows);
        }
        root.out.flush();
        return RunSummary.of(statuses).code();
    }

    /** Each job's row of {@code list --all}, and its status; its warnings said through the workspace. */
    private void overviewRows(Workspace ws, Catalog catalog, List<JobConfig> jobs, Instant now,
                              List<Map<String, Object>> rows, List<ExitStatus> statuses) {
        for (JobConfig j : jobs) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("job", j.name());
            row.put("store", j.store());
            if (j.isCopy()) {
                row.put("copy_of", j.copyOf());
            }
            try (Log.Tagging tag = Log.tag("job", j.name())) { // what its store or a library says names it
                Catalog.Listing listing = catalog.listing(j);
                catalog.mentionUnchecked(j, listing);
                List<Catalog.Entry> entries = listing.backups();
                row.put("ok", true);
                row.put("backups", entries.size());
                row.put("total_size", entries.stream().mapToLong(e -> e.object().size()).sum());
                if (!entries.isEmpty()) {
                    Catalog.Entry newest = entries.get(0);
                    Map<String, Object> n = new LinkedHashMap<>();
                    n.put("key", newest.key().key());
                    n.put("timestamp", newest.key().timestamp().toString());
                    n.put("size", newest.object().size());
                    n.put("age_seconds", Duration.between(newest.key().timestamp(), now).toSeconds());
                    n.put("pinned", newest.pinned()); // as list JOB's rows
                    row.put("newest", n);
                }
                // the pins as list JOB reads them: counted in the row, and a pin a newer dbbackup wrote named on stderr
                long pinned = entries.stream().filter(Catalog.Entry::pinned).count();
                if (pinned > 0) {
                    row.put("pinned", pinned);
                }
                new io.dbbackup.job.Pins(ws).mentionNewer(j, entries);
                // a killed replacement's previous object, maybe a key's only copy: warned of (with what to do), and
                // in the row, since a script reading stdout never sees stderr
                List<UnfinishedUpload> aside = new AbandonedUploads(ws, catalog).warnSetAside(j);
                if (!aside.isEmpty()) {
                    row.put("set_aside", aside.stream().map(PruneCommand::setAsideJson).toList());
                }
                statuses.add(ExitStatus.OK);
            } catch (DbBackupException e) {
                ws.log().error(e.getMessage(), "job", j.name());
                row.put("ok", false);
                row.put("exit", e.status().code());
                row.put("error", Redactor.redact(e.getMessage()));
                statuses.add(e.status());
            }
            rows.add(row);
        }
    }

    private void overviewTable(List<Map<String, Object>> rows) {
        int jw = Math.max(3, rows.stream().mapToInt(r -> r.get("job").toString().length()).max().orElse(0));
        int sw = Math.max(5, rows.stream().mapToInt(r -> r.get("store").toString().length()).max().orElse(0));
        String f = "%-" + jw + "s  %-" + sw + "s  %7s  %-19s  %-8s  %10s  %10s%n";
        root.out.printf(Locale.ROOT, f, "JOB", "STORE", "BACKUPS", "NEWEST (UTC)", "AGE", "SIZE", "TOTAL");
        for (Map<String, Object> r : rows) {
            if (!(Boolean) r.get("ok")) {
                root.out.printf(Locale.ROOT, "%-" + jw + "s  %-" + sw + "s  %7s  %s%n", r.get("job"), r.get("store"), "FAILED", r.get("error"));
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> n = (Map<String, Object>) r.get("newest");
            String line = String.format(Locale.ROOT, f, r.get("job"), r.get("store"), r.get("backups"),
                    n == null ? "-" : TIME.format(Instant.parse((String) n.get("timestamp"))),
                    n == null ? "-" : age(Duration.ofSeconds((Long) n.get("age_seconds"))),
                    n == null ? "-" : Human.size((Long) n.get("size")), n == null ? "-" : Human.size((Long) r.get("total_size")));
            String more = (n == null ? "  NO BACKUPS" : "") // what on-call must see at 3 a.m.: a job that has none
                    + (r.containsKey("copy_of") ? "  copy of " + r.get("copy_of") : "")
                    + (r.containsKey("pinned") ? "  " + r.get("pinned") + " pinned" : "")
                    + (r.containsKey("set_aside") ? "  " + ((List<?>) r.get("set_aside")).size() + " set aside (see the warning)" : "");
            root.out.print(more.isEmpty() ? line : line.stripTrailing() + more + "\n");
        }
    }

    /** The newest backup's age; one dated after this host's clock (beyond the drift prune allows) says so. */
    private static String age(Duration age) {
        return age.negated().compareTo(Pruner.CLOCK_SKEW) > 0 ? "AHEAD " + Human.age(age.negated()) : Human.age(age);
    }

    /** One row per backup; one dated after this host's clock (beyond the drift prune allows) ends in {@code AHEAD} and how far. */
    private void table(List<Catalog.Entry> entries, List<String> shown, Map<Catalog.Entry, Map<String, String>> facts,
                       Map<Catalog.Entry, ListedDamage> damage, Instant now) {
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-19s  %10s", "TIMESTAMP (UTC)", "SIZE"));
        shown.forEach(f -> head.append("  ").append(String.format(Locale.ROOT, "%-" + width(f, facts) + "s", f.toUpperCase(Locale.ROOT))));
        root.out.println(head.append("  KEY"));
        for (Catalog.Entry e : entries) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-19s  %10s", TIME.format(e.key().timestamp()),
                    Human.size(e.object().size())));
            shown.forEach(f -> line.append("  ").append(String.format(Locale.ROOT, "%-" + width(f, facts) + "s", facts.get(e).getOrDefault(f, "?"))));
            Duration ahead = Duration.between(now, e.key().timestamp());
            root.out.println(line.append("  ").append(e.key().key()).append(e.pinned() ? "  pinned" : "")
                    .append(ahead.compareTo(Pruner.CLOCK_SKEW) > 0 ? "  AHEAD " + Human.age(ahead) : "")
                    .append(damage.get(e).marks().stream().map(m -> "  " + m).reduce("", String::concat)));
        }
    }

    /**
     * What one read of {@code e}'s manifest tells: the size it records ({@code recorded}, null when none was read) and the
     * facts {@code shown} names; {@code failure}: why the manifest (or its facts) could not be read, after what was read.
     */
    private record Read(Long recorded, Map<String, String> facts, DbBackupException failure) {
    }

    /**
     * {@code e}'s facts that {@code shown} names and the size its manifest records, from one read of its manifest: only
     * when the listing has one beside it, and read for every backup that has one, since only it records the size a
     * backup cut short in the store falls below. Runs on a reader thread: it logs nothing.
     */
    private static Read read(Catalog catalog, JobConfig j, Catalog.Entry e, List<String> shown) {
        Long recorded = null;
        try {
            Map<String, Object> manifest = e.manifest() ? catalog.manifest(j, e.key()).orElse(null) : null;
            recorded = manifest == null ? null : Catalog.recordedSizeIn(e.key(), manifest);
            Map<String, String> out = Map.of();
            if (!shown.isEmpty()) {
                Map<String, String> all = catalog.facts(j, e.key(), manifest).facts();
                Map<String, String> picked = new LinkedHashMap<>();
                shown.forEach(f -> picked.put(f, all.getOrDefault(f, "?")));
                out = picked;
            }
            return new Read(recorded, out, null);
        } catch (DbBackupException ex) {
            return new Read(recorded, Map.of(), ex);
        }
    }

    /**
     * {@code e}'s facts and its {@link ListedDamage} from its {@link #read}; a manifest that cannot be read is warned of:
     * facts {@code ?}, no size.
     */
    private static void describe(Workspace ws, Catalog.Entry e, Read read, Map<Catalog.Entry, Map<String, String>> facts,
                                 Map<Catalog.Entry, ListedDamage> damage) {
        if (read.failure() != null) {
            ws.log().warn("cannot read the manifest of a backup", "key", e.key().key(), "error", read.failure().getMessage());
        }
        facts.put(e, read.facts());
        damage.put(e, ListedDamage.of(e, read.recorded()));
    }

    private static int width(String fact, Map<Catalog.Entry, Map<String, String>> facts) {
        int w = fact.length();
        for (Map<String, String> m : facts.values()) {
            w = Math.max(w, m.getOrDefault(fact, "?").length());
        }
        return w;
    }

    private static Map<String, Object> toMap(Catalog.Entry e, Map<String, String> facts, ListedDamage damage) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", e.key().key());
        m.put("timestamp", e.key().timestamp().toString());
        m.put("size", e.object().size());
        m.put("format", e.key().format().extension());
        m.put("compression", e.key().compression().id());
        m.put("encrypted", e.key().encrypted());
        m.put("pinned", e.pinned());
        m.put("sha256_sidecar", e.checksum());
        if (damage.recordedSize() != null) {
            m.put("recorded_size", damage.recordedSize());
        }
        if (!damage.marks().isEmpty()) {
            m.put("damage", damage.marks());
        }
        facts.forEach(m::put);
        return m;
    }
}
