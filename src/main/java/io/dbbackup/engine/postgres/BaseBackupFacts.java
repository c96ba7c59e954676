package io.dbbackup.engine.postgres;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The WAL facts of a base backup, read from its own {@code backup_label} (start LSN and WAL file,
 * checkpoint, start time and timeline) and the WAL ranges at the end of its {@code backup_manifest}
 * (end LSN): what retention and point-in-time restore need, recorded in the manifest.
 */
final class BaseBackupFacts {
    private static final Pattern START = Pattern.compile("(?m)^START WAL LOCATION: ([0-9A-F]+/[0-9A-F]+) \\(file ([0-9A-F]{24})\\)");
    private static final Pattern CHECKPOINT = Pattern.compile("(?m)^CHECKPOINT LOCATION: ([0-9A-F]+/[0-9A-F]+)");
    private static final Pattern START_TIME = Pattern.compile("(?m)^START TIME: (.+)$");
    private static final Pattern TIMELINE = Pattern.compile("(?m)^START TIMELINE: (\\d+)");
    private static final Pattern RANGE = Pattern.compile(
            "\"Timeline\":\\s*(\\d+),\\s*\"Start-LSN\":\\s*\"([0-9A-F]+/[0-9A-F]+)\",\\s*\"End-LSN\":\\s*\"([0-9A-F]+/[0-9A-F]+)\"");

    private BaseBackupFacts() {
    }

    static Map<String, String> read(String label, String manifestTail) throws IOException {
        Map<String, String> f = new LinkedHashMap<>();
        Matcher m = START.matcher(label);
        if (!m.find()) {
            throw new IOException("the base backup's backup_label has no START WAL LOCATION line: " + label.strip());
        }
        f.put("start_lsn", m.group(1));
        f.put("start_wal_file", m.group(2));
        m = TIMELINE.matcher(label);
        f.put("timeline", m.find() ? m.group(1) : String.valueOf(Long.parseLong(f.get("start_wal_file").substring(0, 8), 16)));
        m = CHECKPOINT.matcher(label);
        if (m.find()) {
            f.put("checkpoint_lsn", m.group(1));
        }
        m = START_TIME.matcher(label);
        if (m.find()) {
            f.put("backup_start_time", m.group(1).strip());
        }
        if (manifestTail == null) {
            throw new IOException("the base backup stream held no backup_manifest (its end LSN is unknown)");
        }
        m = RANGE.matcher(manifestTail);
        String end = null;
        String endTimeline = null;
        while (m.find()) {
            endTimeline = m.group(1);
            end = m.group(3);
        }
        if (end == null) {
            throw new IOException("the base backup's backup_manifest has no WAL-Ranges");
        }
        f.put("end_lsn", end);
        f.put("end_timeline", endTimeline);
        return f;
    }
}
