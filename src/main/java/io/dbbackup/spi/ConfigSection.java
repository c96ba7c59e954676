package io.dbbackup.spi;

import io.dbbackup.core.BackupKey;
import io.dbbackup.core.FilePermissions;
import io.dbbackup.core.Secret;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One mapping of the config file (a datasource, a store, a notifier) as a plugin sees it. Every
 * getter marks its key as known; keys nobody asked for are reported as unknown after the plugin's
 * {@code create} returns. Problems are recorded with the file, line and column of the key and do
 * not throw: the loader reports all of them at once.
 */
public interface ConfigSection {

    /** Dotted path of this section, e.g. {@code datasources.appdb}. */
    String path();

    /** The section's own name, e.g. {@code appdb}. */
    String name();

    /** The folder relative paths are resolved against (the config file's folder). */
    Path baseDir();

    boolean has(String key);

    Optional<String> string(String key);

    /**
     * An optional string that, when given, holds more than white space: {@code endpoint: ""} (a template's unset value)
     * is an error at the key saying what leaving the key out means ({@code absentMeans}), never silently the default.
     */
    default Optional<String> optionalString(String key, String absentMeans) {
        Optional<String> v = string(key);
        if (v.isPresent() && v.get().isBlank()) {
            error(key, "must not be empty: leave the key out for " + absentMeans + ", or give its value");
            return Optional.empty();
        }
        return v;
    }

    /**
     * A store's {@code prefix} (the folder inside its bucket or container that is its root), checked as a job's {@code
     * prefix} is ({@link BackupKey#prefixProblem}): the folder without leading or trailing '/', ending in '/' when not
     * empty ({@code ""} when absent); empty after an error at the key.
     */
    default Optional<String> folderPrefix(String key) {
        String prefix = string(key).orElse("");
        Optional<String> why = BackupKey.prefixProblem(prefix);
        if (why.isPresent()) {
            error(key, why.get());
            return Optional.empty();
        }
        String folder = BackupKey.normalizePrefix(prefix);
        return Optional.of(folder.isEmpty() ? "" : folder + "/");
    }

    /** A required string; records "missing required key" and returns empty when absent. */
    Optional<String> requireString(String key);

    /** One of {@code allowed} (case-insensitive, returned lower-case); anything else is a problem. */
    Optional<String> choice(String key, Set<String> allowed);

    Optional<Integer> integer(String key, int min, int max);

    Optional<Boolean> bool(String key);

    /** Seconds as a number, or a duration string such as {@code 10ms}, {@code 30s}, {@code 5m}, {@code 2h}. */
    Optional<Duration> duration(String key);

    /** A single string, a comma-separated string, or a YAML list of strings. */
    List<String> stringList(String key);

    /**
     * A {@link #stringList} whose items each become one argument or pattern of a tool ({@code extra_args}, {@code schemas},
     * a drill check): an empty item of a list (a template's empty value) is an error at it, and left out.
     */
    List<String> argumentList(String key);

    /** A path, resolved against {@link #baseDir()} when relative. */
    Optional<Path> path(String key);

    /**
     * Why file {@code p} (a {@link #path} of a key that names a file to read: {@code ca_file}, {@code key_file}...) cannot
     * be read, as the rest of an error at that key: a folder (a Secret mounted without {@code subPath}: the files in it
     * are named), not a regular file, missing, or not readable. Empty when it can be read.
     */
    Optional<String> unreadableFile(Path p);

    /** {@link #path} of a file that must be readable now (a TLS certificate): an error at {@code key} saying why it is not. */
    default Optional<Path> readableFile(String key) {
        Optional<Path> p = path(key);
        p.flatMap(this::unreadableFile).ifPresent(why -> error(key, why));
        return p;
    }

    /**
     * The user's home folder, where {@code ~/} in a path points: {@code $HOME}, else the account's; empty when neither is
     * known (a container under a UID without a passwd entry and no HOME: the JVM's {@code user.home} is then "?").
     */
    Optional<Path> home();

    /**
     * A secret given as {@code <key>_env} (environment variable), {@code <key>_file} (file contents,
     * trailing newline trimmed) or {@code <key>_command} (a program's standard output, run when the secret is
     * first needed: a secret manager's CLI). A literal {@code <key>} in the YAML is rejected: secrets never live
     * in the config file.
     */
    Optional<Secret> secret(String key);

    /** Whether the config names a source for secret {@code key} (or writes it literally, which {@link #secret} refuses). */
    default boolean secretGiven(String key) {
        return secretSourceKey(key).isPresent();
    }

    /** The key that gives secret {@code key}: {@code <key>_env}, {@code <key>_file}, {@code <key>_command} or {@code <key>}. */
    default Optional<String> secretSourceKey(String key) {
        for (String k : List.of(key + "_env", key + "_file", key + "_command", key)) {
            if (has(k)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /**
     * {@code file_mode} of a store that creates files and folders (local, ssh): the mode of its files, e.g. {@code "0640"}
     * (folders get x where r is set); owner-only ({@code 0600}, folders {@code 0700}) when absent. A value that is not
     * octal, gives an execute bit, lets the group or others write, or keeps the owner from reading and writing is an
     * error at the key (empty then).
     */
    default Optional<FilePermissions> fileMode() {
        Optional<String> text = string("file_mode");
        if (text.isEmpty()) {
            return Optional.of(FilePermissions.OWNER_ONLY);
        }
        try {
            return Optional.of(FilePermissions.parse(text.get()));
        } catch (IllegalArgumentException e) {
            error("file_mode", "'" + text.get() + "' " + e.getMessage());
            return Optional.empty();
        }
    }

    /** A nested mapping. */
    Optional<ConfigSection> section(String key);

    /**
     * Key {@code key}'s full path and where the file gives it, for a runtime error that names the setting to check, e.g.
     * {@code stores.sftp.user at config.yaml:9:11}; the path alone when no file gives it.
     */
    default String place(String key) {
        return path() + "." + key;
    }

    /**
     * {@link #place} of {@code key} when the section sets it, else its path with the default it took, e.g. {@code
     * datasources.app.port (not set: 5432)}: every setting an error asks to check, given or not.
     */
    default String placeOr(String key, Object took) {
        return has(key) ? place(key) : path() + "." + key + " (not set: " + took + ")";
    }

    /** Records a problem at {@code key} (or at the section itself when the key is absent). */
    void error(String key, String message);

    /**
     * Records a problem about {@code item}, one of the strings {@link #stringList} returned for {@code key}: at the item's
     * own line when the list is a YAML list (its path {@code key[i]}), else at the key.
     */
    default void errorAtItem(String key, String item, String message) {
        error(key, message);
    }

    /**
     * A secret that was read but cannot be used (a webhook URL that is no URL): an error at {@code key} under {@code config
     * validate}; under every other command, which defers secrets, the secret returned instead raises the problem when it is
     * used — so a notifier's bad secret fails its notifications, not every job.
     */
    default Secret unusable(String key, Secret secret, String message) {
        error(key, message);
        return secret;
    }

    /**
     * A file that holds a secret under a key of its own name (an SSH {@code key_file}) cannot be read: an error at {@code
     * key} under {@code config validate}; under every other command, and {@code config validate JOB}, it is kept as an
     * unread secret of this section, failing only the work that needs it — as a {@code *_file} secret that cannot be read.
     * The section is then set up as if the file were there.
     */
    default void unreadableSecretFile(String key, String message) {
        error(key, message);
    }

    /**
     * Whether an error was already recorded at {@code key} (its value the wrong type, not one of the choices...): a check
     * that pairs it with another key is then left out, so one mistake is one error.
     */
    default boolean refused(String key) {
        return false;
    }

    /**
     * The section's other keys cannot be judged (a {@code method} that is none of the known ones decides which keys
     * belong): keys nobody asked for are not reported as unknown, so the one error is the value that decides them.
     */
    default void otherKeysUnjudged() {
    }

    /** Records a warning at {@code key}; warnings are printed but do not fail validation. */
    void warn(String key, String message);
}
