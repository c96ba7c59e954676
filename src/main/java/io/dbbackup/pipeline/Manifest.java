package io.dbbackup.pipeline;

import io.dbbackup.core.Json;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code <key>.manifest.json} sidecar: what was backed up, how, and what it hashes to. {@code recipients}: whom an
 * encrypted backup is encrypted for ({@code age1...} public keys, or {@code passphrase}), empty when it is not.
 */
public record Manifest(String key, String job, String engine, String database, String format, String compression,
                       int compressionLevel, String encryption, List<String> recipients, long size, long rawSize, String sha256,
                       Instant started, Instant finished, String toolVersion, Map<String, String> facts) {

    /**
     * The backup format this build writes and reads ({@code manifest_version}). Raised only by a change that an older
     * dbbackup would read wrongly (a new field that older code may ignore raises nothing); see docs/DECISIONS.md.
     */
    public static final int VERSION = 1;

    /**
     * Why this build must not decode the backup {@code key} whose manifest is {@code manifest}: it was written in a
     * newer format ({@code manifest_version} above {@link #VERSION}), which this build would read by its older rules.
     * Empty for a format it knows, or a manifest that does not say (every dbbackup so far wrote 1).
     */
    public static Optional<String> tooNew(String key, Map<?, ?> manifest) {
        if (!(manifest.get("manifest_version") instanceof Number n) || n.doubleValue() <= VERSION) {
            return Optional.empty();
        }
        Object madeBy = manifest.get("tool_version");
        String by = madeBy instanceof String v && !v.isBlank()
                ? "dbbackup " + v + io.dbbackup.core.BuildInfo.of(manifest.get("tool_commit"), manifest.get("tool_built")) : null;
        return Optional.of(key + " was made by " + (by == null ? "a newer dbbackup" : by) + " in backup format " + n
                + " (manifest_version in its manifest), and this dbbackup, " + io.dbbackup.core.BuildInfo.current().describe()
                + ", reads backup formats up to " + VERSION + ": read it with "
                + (by == null ? "a newer dbbackup" : "that build or a later one")
                + " (nothing was read or changed)");
    }

    public Manifest {
        facts = Map.copyOf(facts);
        recipients = List.copyOf(recipients);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("manifest_version", VERSION);
        m.put("key", key);
        m.put("job", job);
        m.put("engine", engine);
        m.put("database", database);
        m.put("format", format);
        m.put("compression", compression);
        m.put("compression_level", compressionLevel);
        m.put("encryption", encryption);
        if (!recipients.isEmpty()) { // whom it is encrypted for: a wrong key's error names them (public keys, no secret)
            m.put("recipients", recipients);
        }
        m.put("size", size);
        m.put("raw_size", rawSize);
        m.put("sha256", sha256);
        m.put("started", started.toString());
        m.put("finished", finished.toString());
        m.put("tool", "dbbackup");
        m.put("tool_version", toolVersion);
        // which build wrote it: the version is raised by releases only, so builds in between share it
        m.put("tool_commit", io.dbbackup.core.BuildInfo.current().commit());
        m.put("tool_built", io.dbbackup.core.BuildInfo.current().built());
        m.put("facts", new java.util.TreeMap<>(facts));
        return m;
    }

    public String toJson() {
        return Json.pretty(toMap()) + "\n";
    }
}
