package io.dbbackup.core;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
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
    /** The marker that pins a backup: retention keeps it whatever its rules say ({@code pin}). */
    public static final String PIN_SUFFIX = ".pin";
    /**
     * The longest key dbbackup writes: S3 takes at most 1024 bytes of UTF-8, Azure 1024 characters (never more than
     * the bytes). A prefix is refused when the longest key under it would be longer ({@link #prefixTooLong}).
     */
    public static final int MAX_KEY_BYTES = 1024;
    /** The longest folder name in a prefix: 255 bytes, what file systems (a local store) and SFTP servers take. */
    public static final int MAX_NAME_BYTES = 255;
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final Pattern NAME = Pattern.compile(
            "(\\d{8}-\\d{6})\\.([a-z]+)(\\.gz|\\.zst|\\.lz4)?(\\.age)?"); // stamp, format, compression, age

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

    /**
     * Why {@code prefix} (a job's or a store's {@code prefix:}) is no folder path, as the rest of an error at the key; empty
     * when it is one. Leading and trailing '/' are allowed (stripped); {@code ./p} or {@code p//} is the folder {@code p}
     * spelled otherwise (two jobs would share it unseen), {@code ..} climbs out of it, and a control character (a newline)
     * in a folder name splits every log and summary line that names a key.
     */
    public static Optional<String> prefixProblem(String prefix) {
        String normalized = normalizePrefix(prefix);
        if (prefix.contains("..") || prefix.contains("\\") || (!normalized.isEmpty()
                && Arrays.stream(normalized.split("/", -1)).anyMatch(x -> x.isEmpty() || x.equals(".")))) {
            return Optional.of("must be folder names separated by single '/' (no '.', '..', '//' or '\\')");
        }
        if (prefix.chars().anyMatch(Character::isISOControl)) {
            return Optional.of("must not hold control characters (a newline, a tab...)");
        }
        for (String folder : normalized.split("/", -1)) {
            int bytes = folder.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_NAME_BYTES) {
                return Optional.of("has a folder name of " + bytes + " bytes ('" + folder.substring(0, Math.min(16, folder.length()))
                        + "…'): a folder name is at most " + MAX_NAME_BYTES + " bytes (of UTF-8), as file systems and SFTP "
                        + "servers allow; split it with '/' or shorten it");
            }
        }
        return Optional.empty();
    }

    /**
     * The longest key dbbackup writes below a prefix and its '/' for the backups of {@code database} (its folder) in
     * {@code format}, with the longest compression suffix and {@code .age}: the manifest beside a backup
     * ({@code app/app-20261206-030000.sql.zst.age.manifest.json}) or, for a base backup ({@link DumpFormat#TAR}), a WAL
     * file's copy ({@code main/wal/<timeline+log>/<segment>.<offset>.backup-<sha256>.zst.age}).
     */
    public static String longestKeyBelowPrefix(String database, DumpFormat format) {
        String backup = folder("", database) + longestBackupFile(database, format);
        if (format != DumpFormat.TAR) {
            return backup;
        }
        String wal = WalKey.walFolder("", database) + "0000000100000000/000000010000000000000001.00000028.backup-"
                + "0".repeat(64) + longestCompressionSuffix() + ENCRYPTED_SUFFIX;
        return wal.getBytes(StandardCharsets.UTF_8).length > backup.getBytes(StandardCharsets.UTF_8).length ? wal : backup;
    }

    /**
     * Why {@code prefix} is too long for the backups of {@code database} in {@code format}: the longest key dbbackup writes
     * under it ({@link #longestKeyBelowPrefix}) would be over {@link #MAX_KEY_BYTES}. Empty when it fits.
     */
    public static Optional<String> prefixTooLong(String prefix, String database, DumpFormat format) {
        return prefixTooLong("", "", prefix, database, format);
    }

    /**
     * {@link #prefixTooLong(String, String, DumpFormat)} for a job on store {@code store}, which writes
     * {@code storePrefix} (its own prefix, empty or ending in '/') in front of every key: that counts too. With no job
     * prefix, why the store's prefix alone is too long for the job's keys.
     */
    public static Optional<String> prefixTooLong(String store, String storePrefix, String prefix, String database,
                                                 DumpFormat format) {
        String p = normalizePrefix(prefix);
        String below = longestKeyBelowPrefix(database, format);
        int storeBytes = storePrefix.getBytes(StandardCharsets.UTF_8).length;
        int prefixBytes = p.isEmpty() ? 0 : p.getBytes(StandardCharsets.UTF_8).length + 1;
        int belowBytes = below.getBytes(StandardCharsets.UTF_8).length;
        int total = storeBytes + prefixBytes + belowBytes;
        if (total <= MAX_KEY_BYTES) {
            return Optional.empty();
        }
        if (p.isEmpty() && storePrefix.isEmpty()) {
            return Optional.of(databaseTooLong(store, database, format, total));
        }
        String storeText = "store '" + store + "''s prefix '" + shortened(storePrefix) + "' (" + storeBytes + " bytes)";
        if (p.isEmpty()) {
            int room = MAX_KEY_BYTES - belowBytes;
            return Optional.of(storeText + " is too long for this job: the longest key dbbackup writes for this job, "
                    + "STORE-PREFIX/" + below + ", would be " + total + " bytes, over the " + MAX_KEY_BYTES
                    + " that S3 and Azure allow; " + (room > 0 ? "keep the store's prefix within " + room + " bytes"
                    : "the name '" + database + "' leaves no room for a prefix: leave it out"));
        }
        int room = MAX_KEY_BYTES - 1 - belowBytes - storeBytes;
        return Optional.of("is " + (prefixBytes - 1) + " bytes (of UTF-8), too long" + (storePrefix.isEmpty() ? ""
                : " after " + storeText) + ": the longest key dbbackup writes under it, "
                + (storePrefix.isEmpty() ? "" : "STORE-PREFIX/") + "PREFIX/" + below + ", would be " + total
                + " bytes, over the " + MAX_KEY_BYTES + " that S3 and Azure allow; " + (room > 0 ? "keep the prefix within "
                + room + " bytes" : "the name '" + database + "' leaves no room for a prefix" + (storePrefix.isEmpty() ? ""
                : " after the store's") + ": leave it out"));
    }

    /**
     * Why the keys of {@code database} alone (no prefix) are too long: {@code total} bytes, over {@link #MAX_KEY_BYTES};
     * with the longest name that fits. S3 and Azure have no 255-byte name limit that would have caught it first.
     */
    private static String databaseTooLong(String store, String database, DumpFormat format, int total) {
        int dbBytes = database.getBytes(StandardCharsets.UTF_8).length;
        int fits = dbBytes;
        while (fits > 0 && longestKeyBelowPrefix("d".repeat(fits), format).getBytes(StandardCharsets.UTF_8).length
                > MAX_KEY_BYTES) {
            fits--;
        }
        return "store '" + store + "' would write keys of " + total + " bytes for database '"
                + database.substring(0, Math.min(16, database.length())) + "…' (" + dbBytes + " bytes of UTF-8): the longest, "
                + longestKeyBelowPrefix(database, format).replace(database, "DATABASE") + ", is over the " + MAX_KEY_BYTES
                + " bytes that S3 and Azure allow; a database name of at most " + fits + " bytes fits";
    }

    /**
     * Why the longest key the job writes ({@link #longestKeyBelowPrefix} under the store's prefix and the job's) has more
     * path segments (names between '/') than store {@code store} (of type {@code type}) takes, {@code limit} (an Azure
     * blob name has at most 254): at the job's prefix, or with none at the store's. Empty when it fits.
     */
    public static Optional<String> tooManySegments(String store, String type, int limit, String storePrefix, String prefix,
                                                   String database, DumpFormat format) {
        String p = normalizePrefix(prefix);
        String below = longestKeyBelowPrefix(database, format);
        int storeSegments = (int) storePrefix.chars().filter(c -> c == '/').count(); // empty, or ending in '/'
        int prefixSegments = p.isEmpty() ? 0 : p.split("/", -1).length;
        int belowSegments = below.split("/", -1).length;
        int total = storeSegments + prefixSegments + belowSegments;
        if (total <= limit) {
            return Optional.empty();
        }
        String over = " would have " + total + " path segments (names between '/'), over the " + limit + " that store '"
                + store + "' (" + type + ") allows; ";
        String storeText = "store '" + store + "''s prefix '" + shortened(storePrefix) + "' (" + storeSegments + " folders)";
        if (p.isEmpty()) {
            int room = limit - belowSegments;
            return Optional.of(storeText + " has too many for this job: the longest key dbbackup writes for this job, "
                    + "STORE-PREFIX/" + below + "," + over + "keep the store's prefix within " + room + " folders");
        }
        int room = limit - storeSegments - belowSegments;
        return Optional.of("has " + prefixSegments + " folders, too many" + (storePrefix.isEmpty() ? "" : " after " + storeText)
                + ": the longest key dbbackup writes under it, " + (storePrefix.isEmpty() ? "" : "STORE-PREFIX/") + "PREFIX/"
                + below + "," + over + (room > 0 ? "keep the prefix within " + room + " folders"
                : "the store's prefix leaves no room for one: leave it out"));
    }

    /** At most 40 characters of {@code text}, with '…' when cut. */
    private static String shortened(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }

    /**
     * The longest file names dbbackup writes in the job's folders for the backups of {@code database} in {@code format}
     * (the last part of each key {@link #longestKeyBelowPrefix} weighs): a backup's manifest and, for a base backup, a
     * WAL file's copy.
     */
    public static List<String> longestFileNames(String database, DumpFormat format) {
        String key = longestKeyBelowPrefix(database, format);
        String last = key.substring(key.lastIndexOf('/') + 1);
        String file = longestBackupFile(database, format);
        return last.equals(file) ? List.of(file) : List.of(file, last);
    }

    /** The longest name of a file beside a backup of {@code database} in {@code format}: its manifest, encrypted. */
    private static String longestBackupFile(String database, DumpFormat format) {
        String sidecar = java.util.stream.Stream.of(SHA256_SUFFIX, MANIFEST_SUFFIX, PIN_SUFFIX)
                .max(java.util.Comparator.comparingInt(String::length)).orElseThrow();
        return database + "-YYYYMMDD-HHMMSS." + format.extension() + longestCompressionSuffix() + ENCRYPTED_SUFFIX + sidecar;
    }

    private static String longestCompressionSuffix() {
        return Arrays.stream(Compression.values()).map(Compression::suffix)
                .max(java.util.Comparator.comparingInt(String::length)).orElse("");
    }

    /** The folder (relative to the store root) that holds this job's backups, ending in '/'. */
    public static String folder(String prefix, String database) {
        String p = normalizePrefix(prefix);
        return (p.isEmpty() ? "" : p + "/") + database + "/";
    }

    public String folder() {
        return folder(prefix, database);
    }

    /** The same backup under another job's prefix (a copy job's copy of it). */
    public BackupKey withPrefix(String otherPrefix) {
        return new BackupKey(otherPrefix, database, timestamp, format, compression, encrypted);
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

    public String pinKey() {
        return key() + PIN_SUFFIX;
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
        Optional<DumpFormat> format = DumpFormat.byExtension(m.group(2));
        if (format.isEmpty()) {
            return Optional.empty();
        }
        Optional<Instant> stamp = parseStamp(m.group(1));
        if (stamp.isEmpty()) {
            return Optional.empty();
        }
        Compression comp = m.group(3) == null ? Compression.NONE
                : Compression.bySuffix(m.group(3)).orElseThrow();
        return Optional.of(new Parts(stamp.get(), format.get(), comp, m.group(4) != null));
    }

    /**
     * {@code YYYYMMDD-HHMMSS} (digits already matched) as a UTC instant; a date or time that does not
     * exist (20260230, hour 24, year 0) is not one of ours. Read field by field rather than with a
     * DateTimeFormatter: listing and pruning parse every key of a store (a prune decision over
     * 100,000 names went from 1.5 s to well under one).
     */
    private static Optional<Instant> parseStamp(String s) {
        int year = digits(s, 0, 4);
        if (year == 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDateTime.of(year, digits(s, 4, 6), digits(s, 6, 8), digits(s, 9, 11), digits(s, 11, 13),
                    digits(s, 13, 15)).toInstant(ZoneOffset.UTC));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            v = v * 10 + (s.charAt(i) - '0');
        }
        return v;
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
