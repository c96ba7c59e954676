package io.dbbackup.core;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** Compression of a stored artifact; the suffix is part of the object key. */
public enum Compression {
    GZIP("gzip", ".gz", 6, 1, 9),
    ZSTD("zstd", ".zst", 3, 1, 19),
    LZ4("lz4", ".lz4", 1, 1, 12),
    NONE("none", "", 0, 0, 0);

    private final String id;
    private final String suffix;
    private final int defaultLevel;
    private final int minLevel;
    private final int maxLevel;

    Compression(String id, String suffix, int defaultLevel, int minLevel, int maxLevel) {
        this.id = id;
        this.suffix = suffix;
        this.defaultLevel = defaultLevel;
        this.minLevel = minLevel;
        this.maxLevel = maxLevel;
    }

    public String id() {
        return id;
    }

    public String suffix() {
        return suffix;
    }

    public int defaultLevel() {
        return defaultLevel;
    }

    public int minLevel() {
        return minLevel;
    }

    public int maxLevel() {
        return maxLevel;
    }

    public static Optional<Compression> byId(String id) {
        String wanted = id.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(c -> c.id.equals(wanted)).findFirst();
    }

    private static final Compression[] VALUES = values();

    public static Optional<Compression> bySuffix(String suffix) {
        for (Compression c : VALUES) { // a loop, not a stream: called for every key of a listing
            if (!c.suffix.isEmpty() && c.suffix.equals(suffix)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    public static String known() {
        return Arrays.stream(values()).map(Compression::id).collect(Collectors.joining(", "));
    }
}
