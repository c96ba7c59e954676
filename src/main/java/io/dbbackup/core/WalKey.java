package io.dbbackup.core;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One archived WAL file in a store: {@code <walFolder><sub>/<name>-<sha256>.<compression>[.age]}, where
 * {@code walFolder} is {@code <prefix>/<cluster>/wal/}, {@code <sub>} groups segments by timeline and log
 * (see {@link WalFileName#folder()}) and {@code sha256} is the digest of the file as PostgreSQL wrote it.
 * The digest in the name is the integrity check (a fetch compares the decoded bytes with it) and lets a
 * repeated push be recognised as identical without downloading or decrypting anything.
 */
public record WalKey(String walFolder, WalFileName file, String sha256, Compression compression, boolean encrypted) {
    private static final Pattern NAME = Pattern.compile(
            "(?<name>[0-9A-F.a-z]+)-(?<sha>[0-9a-f]{64})(?<comp>\\.gz|\\.zst|\\.lz4)?(?<age>\\.age)?");

    /** {@code <prefix>/<cluster>/wal/}. */
    public static String walFolder(String prefix, String cluster) {
        return BackupKey.folder(prefix, cluster) + "wal/";
    }

    public String key() {
        return walFolder + file.folder() + file.name() + "-" + sha256 + compression.suffix() + (encrypted ? BackupKey.ENCRYPTED_SUFFIX : "");
    }

    /** The listing prefix under which every archived copy of {@code file} lies. */
    public static String prefixOf(String walFolder, WalFileName file) {
        return walFolder + file.folder() + file.name() + "-";
    }

    /** The WAL file name a stored name begins with, followed by its end or a separator (not a letter or digit). */
    private static final Pattern LEADING_WAL_NAME = Pattern.compile(
            "([0-9A-F]{24}(?:\\.partial|\\.[0-9A-F]{8}\\.backup)?|[0-9A-F]{8}\\.history)(?![0-9A-Za-z]).*", Pattern.DOTALL);

    /**
     * For a key under {@code walFolder} that does not {@link #parse} (and is not a hidden temporary file): the WAL file its
     * name begins with — a copy of that file in a form this build does not know (a newer dbbackup's naming or compression,
     * or another tool's archive in the same folder). Empty for a key that names no WAL file (garbage).
     */
    public static Optional<WalFileName> unknownFormOf(String key, String walFolder) {
        if (!key.startsWith(walFolder) || parse(key, walFolder).isPresent()) {
            return Optional.empty();
        }
        String name = key.substring(key.lastIndexOf('/') + 1);
        Matcher m = LEADING_WAL_NAME.matcher(name);
        return m.matches() ? WalFileName.parse(m.group(1)) : Optional.empty();
    }

    /** Whether a key under {@code walFolder} is a hidden file (a store's temporary upload, never a WAL file's key). */
    public static boolean hidden(String key) {
        return key.substring(key.lastIndexOf('/') + 1).startsWith(".");
    }

    /** Parses a store key under {@code walFolder}; anything else (temporary files, foreign objects) is empty. */
    public static Optional<WalKey> parse(String key, String walFolder) {
        if (!key.startsWith(walFolder)) {
            return Optional.empty();
        }
        String rest = key.substring(walFolder.length());
        int slash = rest.lastIndexOf('/');
        String sub = slash < 0 ? "" : rest.substring(0, slash + 1);
        Matcher m = NAME.matcher(rest.substring(slash + 1));
        if (!m.matches()) {
            return Optional.empty();
        }
        Optional<WalFileName> file = WalFileName.parse(m.group("name")).filter(f -> f.folder().equals(sub));
        Compression comp = m.group("comp") == null ? Compression.NONE : Compression.bySuffix(m.group("comp")).orElseThrow();
        return file.map(f -> new WalKey(walFolder, f, m.group("sha"), comp, m.group("age") != null));
    }

    @Override
    public String toString() {
        return key();
    }
}
