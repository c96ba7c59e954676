package io.dbbackup.pipeline;

import io.dbbackup.core.Json;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code <key>.manifest.json} sidecar: what was backed up, how, and what it hashes to. {@code recipients}: whom an
 * encrypted backup is encrypted for ({@code age1...} public keys, or {@code passphrase}), empty when it is not.
 */
public record Manifest(String key, String job, String engine, String database, String format, String compression,
                       int compressionLevel, String encryption, List<String> recipients, long size, long rawSize, String sha256,
                       Instant started, Instant finished, String toolVersion, Map<String, String> facts) {

    public Manifest {
        facts = Map.copyOf(facts);
        recipients = List.copyOf(recipients);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("manifest_version", 1);
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
        m.put("facts", new java.util.TreeMap<>(facts));
        return m;
    }

    public String toJson() {
        return Json.pretty(toMap()) + "\n";
    }
}
