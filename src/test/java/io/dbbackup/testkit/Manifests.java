package io.dbbackup.testkit;

import io.dbbackup.core.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Manifests for artifacts a test makes by hand. */
public final class Manifests {
    private Manifests() {
    }

    /**
     * Writes {@code to}: the manifest {@code from} with its key, size and digest describing {@code artifact} stored
     * under {@code key} (verify checks that a manifest describes the bytes beside it).
     */
    public static void describing(Path from, String key, Path artifact, String sha256, Path to) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        ((Map<?, ?>) Json.parse(Files.readString(from))).forEach((k, v) -> m.put(String.valueOf(k), v));
        m.put("key", key);
        m.put("size", Files.size(artifact));
        m.put("sha256", sha256);
        Files.writeString(to, Json.pretty(m) + "\n");
    }
}
