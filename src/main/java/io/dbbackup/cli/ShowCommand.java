package io.dbbackup.cli;

import io.dbbackup.core.Human;
import io.dbbackup.core.Log;
import io.dbbackup.core.Json;
import io.dbbackup.job.BackupDetails;
import io.dbbackup.job.DecryptionKeys;
import io.dbbackup.job.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "show", mixinStandardHelpOptions = true, versionProvider = Root.VersionProvider.class,
        description = {"Describe one backup (the newest by default) as its store holds it: size, SHA-256, what its manifest "
                + "records (engine, versions, timing, encryption), any disagreement between the object, its sidecar and its "
                + "manifest; with --contents, the tables it holds, read from the backup itself. Reads only.",
                "It describes; 'verify' judges: exit 0 whatever it finds, unless the backup cannot be read (a job without backups: 2)."})
final class ShowCommand implements Callable<Integer> {
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    @ParentCommand
    Root root;

    @Parameters(index = "0", paramLabel = "JOB")
    String job;

    @Parameters(index = "1", arity = "0..1", paramLabel = "KEY", description = "A key or file name from 'list' (default: newest).")
    String key;

    @Option(names = "--contents", description = "Also list the tables and views the backup holds, read from it (a PostgreSQL "
            + "custom archive: its table of contents, at its start; a script or a SQLite file: all of it).")
    boolean contents;

    @Option(names = "--json", description = "Print JSON on stdout.")
    boolean json;

    @Mixin
    DecryptionOptions decryption = new DecryptionOptions();

    @Override
    public Integer call() {
        Workspace ws = root.workspace();
        DecryptionKeys keys = decryption.keys(root.main, ws); // warns of a shared --identity untagged: the command's file
        BackupDetails details = new BackupDetails(ws, keys);
        BackupDetails.Details d;
        try (Log.Tagging tag = Log.tag("job", job)) { // what its store or a library says names it
            d = details.show(job, Optional.ofNullable(key), contents);
            d.problems().forEach(p -> ws.log().warn(p, "key", d.key().key()));
        }
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("key", d.key().key());
            m.put("job", d.job());
            m.put("store", d.store());
            m.put("size", d.storedSize());
            m.put("sidecar_sha256", d.sidecarSha256());
            m.put("manifest", d.manifest());
            m.put("pinned", d.pin().isPresent());
            d.pin().ifPresent(p -> {
                m.put("pinned_at", p.pinnedAt() == null ? null : p.pinnedAt().toString());
                m.put("pin_note", p.note());
                if (!p.unknownFields().isEmpty()) {
                    m.put("pin_unknown_fields", p.unknownFields());
                }
            });
            m.put("problems", d.problems());
            if (d.contents() != null) {
                m.put("contents", d.contents());
            }
            root.out.println(Json.pretty(m));
            return 0;
        }
        Map<String, Object> man = d.manifest() == null ? Map.of() : d.manifest();
        line("backup", d.key().key());
        line("job", d.job() + " (store " + d.store() + ")");
        line("size", Human.size(d.storedSize()) + " stored" + (man.get("raw_size") instanceof Number raw
                ? ", " + Human.size(raw.longValue()) + " dumped" : "") + " (" + d.key().format().extension() + ", "
                + compression(man, d) + ")");
        line("encryption", (man.containsKey("encryption") ? String.valueOf(man.get("encryption"))
                : d.key().encrypted() ? "age" : "none") + encryptedFor(man));
        line("sha256", sha256(d, man));
        Instant started = instant(man.get("started"));
        Instant finished = instant(man.get("finished"));
        Instant taken = d.key().timestamp(); // the time in its name, as list shows it
        Duration ago = Duration.between(taken, ws.clock().instant());
        line("taken", TIME.format(taken) + " (" + (ago.isNegative() ? "dated " : "") + Human.ago(ago) + ")"
                + (started != null && finished != null ? ", " + took(Duration.between(started, finished)) : ""));
        if (man.containsKey("engine")) {
            line("engine", man.get("engine") + ", database " + man.get("database"));
        }
        if (man.containsKey("tool_version")) {
            line("made by", man.getOrDefault("tool", "dbbackup") + " " + man.get("tool_version")
                    + io.dbbackup.core.BuildInfo.of(man.get("tool_commit"), man.get("tool_built")));
        }
        if (man.get("copied_from") instanceof Map<?, ?> from) { // a copy job's copy: whose backup it is, and when
            Instant copied = instant(from.get("copied"));
            line("copied from", "job " + from.get("job") + " (store " + from.get("store") + "), key " + from.get("key")
                    + (copied == null ? "" : ", copied " + TIME.format(copied)));
        }
        d.pin().ifPresent(p -> line("pinned", (p.pinnedAt() == null ? "" : "since " + TIME.format(p.pinnedAt()))
                + (p.note().isEmpty() ? "" : (p.pinnedAt() == null ? "" : ": ") + p.note()) + " (retention keeps it"
                + (p.unknownFields().isEmpty() ? "" : "; written by a newer dbbackup: " + p.unknown()
                + ", which this dbbackup does not apply: kept until `pin --remove`") + ")"));
        BackupDetails.Restore restore = details.restoreCommand(d);
        line("restore", restore.command());
        restore.note().ifPresent(note -> line("", note)); // what its placeholder stands for: --identity FILE
        if (man.get("facts") instanceof Map<?, ?> facts && facts.get("binlog_file") != null && facts.get("binlog_position") != null) {
            // MySQL/MariaDB: where the binary log stood at the dump's snapshot, the start of a point-in-time replay (README)
            line("binlog", facts.get("binlog_file") + ":" + facts.get("binlog_position")
                    + (facts.get("binlog_gtid") == null ? "" : " (gtid " + facts.get("binlog_gtid") + ")")
                    + ": replay from here (" + (String.valueOf(facts.get("server_version")).contains("MariaDB") ? "mariadb-binlog"
                    : "mysqlbinlog") + " --start-position=" + facts.get("binlog_position") + ")");
        }
        if (man.get("facts") instanceof Map<?, ?> facts) {
            block("facts", facts.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList());
        }
        d.problems().forEach(p -> line("PROBLEM", p));
        if (d.contents() != null) {
            block("contents", d.contents().isEmpty() ? List.of("no tables") : d.contents());
        }
        return 0;
    }

    /**
     * "took 1.2s"; a manifest whose finish is before its start (the clock stepped back during the backup: NTP, a VM
     * resumed) says so instead of a negative time.
     */
    private static String took(Duration took) {
        return took.isNegative() ? "took an unknown time (it finished " + Human.gap(took) + " before it started: "
                + "this host's clock stepped back)" : "took " + Human.duration(took);
    }

    /** The sidecar's digest and whether the manifest records the same; the manifest's alone when the sidecar is gone. */
    private static String sha256(BackupDetails.Details d, Map<String, Object> man) {
        Object recorded = man.get("sha256");
        if (d.sidecarSha256() != null) {
            return d.sidecarSha256() + (d.sidecarSha256().equals(recorded) ? " (sidecar and manifest agree)" : " (sidecar)");
        }
        return recorded instanceof String s ? s + " (manifest)" : "unknown";
    }

    private static String compression(Map<String, Object> man, BackupDetails.Details d) {
        String id = d.key().compression().id();
        return "none".equals(id) ? "not compressed" : id + (man.get("compression_level") instanceof Number n ? " level " + n : "");
    }

    private static Instant instant(Object value) {
        try {
            return value instanceof String s ? Instant.parse(s) : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void line(String label, String value) {
        root.out.printf(Locale.ROOT, "%-11s %s%n", label, value);
    }

    private void block(String label, List<String> values) {
        for (int i = 0; i < values.size(); i++) {
            line(i == 0 ? label : "", values.get(i));
        }
    }

    /** " for age1..., age1..." when the manifest records the recipients (public keys): whose key opens the backup. */
    private static String encryptedFor(Map<String, Object> man) {
        if (man.get("recipients") instanceof java.util.List<?> r && !r.isEmpty() && !r.equals(java.util.List.of("passphrase"))) {
            return " for " + String.join(", ", r.stream().map(String::valueOf).toList());
        }
        return "";
    }
}
