package io.dbbackup.spi;

import io.dbbackup.core.StoredObject;
import io.dbbackup.core.UnfinishedUpload;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * A place backups are kept. Keys are relative to the store's root and use '/' separators.
 * Implementations connect lazily (on first use), never in their constructor.
 */
public interface Store extends AutoCloseable {

    /**
     * Starts writing {@code key}. Nothing is visible under {@code key} until {@link Upload#commit()}
     * returns; {@link Upload#abort()} (or close without commit) leaves nothing behind.
     */
    Upload upload(String key, OperationContext ctx) throws IOException;

    /** Opens {@code key} for reading; {@link NoSuchKeyException} when it does not exist. */
    InputStream open(String key) throws IOException;

    /**
     * Every object whose key starts with {@code prefix}, at any depth. Must either return the complete
     * listing or throw: prune deletes on the strength of it.
     */
    List<StoredObject> list(String prefix) throws IOException;

    /**
     * As {@link #list}, but a folder below {@code prefix} that this user may not open (a disk's {@code lost+found},
     * another team's folder) is left out instead of failing the listing: for hints that look through a whole store
     * (where backups lie that no job reaches), never for what prune deletes. Default: {@link #list}.
     */
    default List<StoredObject> listReadable(String prefix) throws IOException {
        return list(prefix);
    }

    /**
     * The objects directly in {@code folder} (empty, or ending in '/'), not those in folders below it:
     * a job's backups sit in its folder, a physical job's WAL archive in {@code wal/} below it, and a
     * listing of the backups must not page through every archived segment. Complete or throws, like
     * {@link #list}. The default filters {@link #list}; stores that can list one level override it.
     */
    default List<StoredObject> listFolder(String folder) throws IOException {
        requireFolder(folder);
        return list(folder).stream().filter(o -> o.key().indexOf('/', folder.length()) < 0).toList();
    }

    /** {@code folder} as {@link #listFolder} takes it: empty (the root) or ending in '/'. */
    static void requireFolder(String folder) {
        if (!folder.isEmpty() && !folder.endsWith("/")) {
            throw new IllegalArgumentException("a folder ends in '/': " + folder);
        }
    }

    Optional<StoredObject> stat(String key) throws IOException;

    /** Deletes {@code key}; deleting a missing key is not an error. */
    void delete(String key) throws IOException;

    /**
     * Deletes every key, in no particular order (missing keys are no error), and throws if any could not
     * be deleted. Stores that can delete many keys per request override it (S3: 1,000): pruning the WAL
     * archive of a busy cluster deletes thousands of segments. Keys a lock holds ({@link HeldObjectException}) do not
     * stop it: the others are deleted, then one {@link HeldObjectException} names every key held. Another failure stops
     * it, its line led by the count of the keys held before it ({@link HeldObjectException#deleteEach}).
     */
    default void deleteAll(List<String> keys) throws IOException {
        HeldObjectException.deleteEach(describe(), keys, this::delete);
    }

    /**
     * Uploads under {@code prefix} (at any depth) that are neither committed nor aborted: those in progress and
     * those a process killed mid-upload left behind (temporary files, incomplete multipart uploads), with their
     * last write, so that the caller can tell one from the other by age. They are never part of {@link #list}.
     * Complete or throws. Default: none (a store that keeps nothing of an upload before its commit).
     */
    default List<UnfinishedUpload> listUnfinished(String prefix) throws IOException {
        return List.of();
    }

    /**
     * Objects under {@code prefix} (at any depth) that a replacement set aside and a process killed mid-replacement
     * left: {@code key} the key it was set aside from, {@code name} the store's name for the set-aside object. It may be
     * the key's only copy (killed before the new object was in), so nothing removes it: the caller reports it. Never part
     * of {@link #list} or {@link #listUnfinished}. Complete or throws. Default: none (a store whose replacement is one
     * step).
     */
    default List<UnfinishedUpload> listSetAside(String prefix) throws IOException {
        return List.of();
    }

    /** Removes an upload {@link #listUnfinished} returned, and what it stored; one already gone is no error. */
    default void removeUnfinished(UnfinishedUpload upload) throws IOException {
    }

    /**
     * When the store's credentials stop working, if they say so (an Azure SAS's expiry, {@code se=}): {@code check}
     * and every backup warn ahead of it, since a backup that fails the night a token expired is the first anyone hears
     * of it. Default: not known.
     */
    default java.util.Optional<java.time.Instant> credentialsExpire() {
        return java.util.Optional.empty();
    }

    /** A one-line description for logs, without secrets, e.g. {@code local /backups}. */
    String describe();

    /**
     * The store's own folder (an SFTP store's or local store's {@code path}) when it does not exist at all — deleted or
     * moved under the tool, a volume not mounted, a wrong path: what a job that finds no backups is told, so that a
     * restore does not read as "nothing was ever backed up". Empty when it exists, and for stores without such a folder
     * (a missing bucket or container is an error of its own).
     */
    default Optional<String> missingRoot() throws IOException {
        return Optional.empty();
    }

    /**
     * What a line calls the object under {@code key}: the key itself, unless this store keeps it where the user names it
     * otherwise (a {@code --from-file} copy: its file, and the sidecar beside it).
     */
    default String nameOf(String key) {
        return key;
    }

    /**
     * How a user writes {@code line} (one line of text, a newline after it) as the object under {@code key} by hand, in
     * words that fit "..., {@code <these>} writes it": a command in single quotes, paste-ready in the store's own terms
     * (a local file's absolute path; an SFTP server's path and login; the aws or az CLI for a bucket or container), then
     * where to run it when not anywhere. A line that says how to put a deleted {@code .sha256} sidecar back uses it; the
     * CLI never knows which store it speaks of. Default: {@code 'echo "LINE" > NAME' in its folder}, NAME the key's last
     * name.
     */
    default String howToWrite(String key, String line) {
        return io.dbbackup.core.ShellWords.echoInto(line, key.substring(key.lastIndexOf('/') + 1)) + " in its folder";
    }

    /**
     * Where {@code folder} (a key prefix ending in '/') really is: equal for two stores' folders that hold the same
     * objects (two stores on one path, one store inside another's folder), so that config validation can refuse two
     * jobs sharing one folder however it is spelled. Default: the description and the folder.
     */
    default String location(String folder) {
        return describe() + "\u0000" + folder;
    }

    /**
     * What the store writes in front of every key (an S3 or Azure store's own {@code prefix}, ending in '/'): it counts
     * in the 1024 bytes a key may have, so config validation adds it to a job's keys. Default: nothing.
     */
    default String keyPrefix() {
        return "";
    }

    /**
     * The most path segments (names between '/') a key may have in this store, its {@link #keyPrefix} included, when it
     * caps them (an Azure blob name has at most 254): config validation refuses a job whose longest key would have more.
     * Default: no cap.
     */
    default java.util.OptionalInt keySegmentLimit() {
        return java.util.OptionalInt.empty();
    }

    /**
     * The longest name the store gives an entry of a folder while writing the file {@code fileName} (its temporary names
     * included), when its folders cap a name at 255 bytes (a file system, an SFTP server): config validation refuses a
     * job whose file names would not fit. Empty for stores without such a cap (S3, Azure). Default: empty.
     */
    default java.util.Optional<String> longestEntryName(String fileName) {
        return java.util.Optional.empty();
    }

    /**
     * A service's URL as one place for {@link #location}: scheme and host in lower case, the scheme's port written
     * out, no trailing '/' ({@code http://Minio:80/} and {@code http://minio} are one server).
     */
    static String place(java.net.URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
        int port = url.getPort() != -1 ? url.getPort() : scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
        String path = url.getRawPath() == null ? "" : url.getRawPath().replaceAll("/+$", "");
        return scheme + "://" + (url.getHost() == null ? "" : url.getHost().toLowerCase(java.util.Locale.ROOT)) + ":" + port
                + path;
    }

    @Override
    default void close() throws IOException {
    }

    /** Writes a small object in one go (sidecars). */
    default void put(String key, byte[] content, OperationContext ctx) throws IOException {
        try (Upload up = upload(key, ctx)) {
            up.stream().write(content);
            up.commit();
        }
    }

    /**
     * Writes a small object only when nothing is stored under {@code key}, and says whether it did: the {@code .sha256}
     * sidecar claims a backup's key this way, so that two runs that name the same key (one job started twice in one
     * second, on two hosts) cannot overwrite each other's backup. Default: a look, then {@link #put} — exact unless the
     * other run writes within that one request; stores that can create a file exclusively override it.
     */
    default boolean putIfAbsent(String key, byte[] content, OperationContext ctx) throws IOException {
        if (stat(key).isPresent()) {
            return false;
        }
        put(key, content, ctx);
        return true;
    }

    /**
     * {@code content} written through {@code conditional}, an upload of {@code key} the service refuses when the key is
     * taken ({@link KeyTakenException}): whether this run now holds the key ({@link #holds} when it was refused).
     */
    static boolean writeIfAbsent(Store store, Upload conditional, String key, byte[] content) throws IOException {
        try (conditional) {
            conditional.stream().write(content);
            conditional.commit();
            return true;
        } catch (KeyTakenException e) {
            return holds(store, key, content);
        }
    }

    /**
     * Whether {@code key} holds exactly {@code content}: a conditional write refused as taken may have been refused
     * because of itself (the client sent it again after an answer lost on the way), and then the key is this run's.
     * Another run that wrote the very same bytes is taken for this one: for a sidecar, the same digest of the same
     * file name, so the same backup.
     */
    static boolean holds(Store store, String key, byte[] content) throws IOException {
        try (InputStream in = store.open(key)) {
            return java.util.Arrays.equals(in.readNBytes(content.length + 1), content);
        } catch (NoSuchKeyException gone) {
            return false;
        }
    }
}
