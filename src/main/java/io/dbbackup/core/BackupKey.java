package io.dbbackup.core;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name of one backup in a store: {@code <prefix>/<database>/<database>-<YYYYMMDD-HHMMSS>.<ext>},
 * the timestamp in UTC, {@code <ext>} = format + compression suffix + {@code .age} when encrypted.
 * An empty prefix leaves the key starting at the database folder.
 */
public record BackupKey(String prefix, String database, Instant timestamp, DumpFormat format,
                        Compression compression, boolean encrypted) implements Comparable<BackupKey> {

    public static final String SHA256_SUFFIX = ".sha256";
    public static final String MANIFEST_SUFFIX = ".manifest.json";
    public static final String ENCRYPTED_SUFFIX = ".age";
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final Pattern NAME = Pattern.compile(
            "(?<stamp>\\d{8}-\\d{6})\\.(?<format>[a-z]+)(?<comp>\\.gz|\\.zst|\\.lz4)?(?<age>\\.age)?");

    public BackupKey {
        prefix = normalizePrefix(prefix);
        timestamp = timestamp.truncatedTo(ChronoUnit.SECONDS);
    }

    /** Strips leading/trailing slashes so that keys never start with '/' or hold '//'. */
    public static String normalizePrefix(String prefix) {
        if (prefix == null) {
            return "";
        }
        String p = prefix.strip();
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    /** The folder (relative to the store root) that holds this job's backups, ending in '/'. */
    public static String folder(String prefix, String database) {
        String p = normalizePrefix(prefix);
        return (p.isEmpty() ? "" : p + "/") + database + "/";
    }

    public String folder() {
        return folder(prefix, database);
    }

    public String fileName() {
        return database + "-" + STAMP.format(timestamp) + "." + format.extension() + compression.suffix()
                + (encrypted ? ENCRYPTED_SUFFIX : "");
    }

    /** The full key relative to the store root. */
    public String key() {
        return folder() + fileName();
    }

    public String sha256Key() {
        return key() + SHA256_SUFFIX;
    }

    public String manifestKey() {
        return key() + MANIFEST_SUFFIX;
    }

    /**
     * Parses a key as a backup of this job ({@code prefix} and {@code database}); anything else
     * (sidecars, temporary files, other jobs' files, foreign names) is empty and must be left alone.
     */
    public static Optional<BackupKey> parse(String key, String prefix, String database) {
        String folder = folder(prefix, database);
        if (!key.startsWith(folder)) {
            return Optional.empty();
        }
        String name = key.substring(folder.length());
        String head = database + "-";
        if (!name.startsWith(head)) {
            return Optional.empty();
        }
        return parseName(name.substring(head.length()))
                .map(p -> new BackupKey(prefix, database, p.stamp, p.format, p.compression, p.encrypted));
    }

    /** Parses a bare file name such as {@code app-20260101-030000.sql.gz} given its database name. */
    public static Optional<BackupKey> parseFileName(String fileName, String prefix, String database) {
        return parse(folder(prefix, database) + fileName, prefix, database);
    }

    private record Parts(Instant stamp, DumpFormat format, Compression compression, boolean encrypted) {
    }

    private static Optional<Parts> parseName(String rest) {
        Matcher m = NAME.matcher(rest);
        if (!m.matches()) {
            return Optional.empty();
        }
        Optional<DumpFormat> format = DumpFormat.byExtension(m.group("format"));
        if (format.isEmpty()) {
            return Optional.empty();
        }
        Instant stamp;
        try {
            stamp = Instant.from(STAMP.parse(m.group("stamp")));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
        if (!STAMP.format(stamp).equals(m.group("stamp"))) {
            return Optional.empty(); // e.g. 20260230 resolved leniently: not one of ours
        }
        Compression comp = m.group("comp") == null ? Compression.NONE
                : Compression.bySuffix(m.group("comp")).orElseThrow();
        return Optional.of(new Parts(stamp, format.get(), comp, m.group("age") != null));
    }

    /** Newest first; equal instants order by key, descending (DESIGN.md). */
    @Override
    public int compareTo(BackupKey o) {
        int c = o.timestamp.compareTo(timestamp);
        return c != 0 ? c : o.key().compareTo(key());
    }

    @Override
    public String toString() {
        return key();
    }
}
