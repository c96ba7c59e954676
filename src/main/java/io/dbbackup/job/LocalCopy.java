package io.dbbackup.job;

import io.dbbackup.core.BackupKey;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.StoredObject;
import io.dbbackup.spi.NoSuchKeyException;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.Store;
import io.dbbackup.spi.Upload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A copy of one backup in a local file (from {@code download --with-sidecar}, a copy of the bucket, a disk
 * carried over) seen as the job's store, read-only: the backup under its key, its {@code .sha256} sidecar and
 * {@code .manifest.json} when they lie beside the file under its name. {@code restore --from-file} and
 * {@code verify --from-file} read it with the same checks as a stored backup, without reaching the store.
 */
final class LocalCopy implements Store {
    /** A backup's file name: {@code <database>-<YYYYMMDD-HHMMSS>.<ext>}, the database in group 1. */
    private static final java.util.regex.Pattern BACKUP_FILE_NAME = java.util.regex.Pattern.compile("(.+)-\\d{8}-\\d{6}\\..+");

    private final BackupKey key;
    private final Map<String, Path> objects = new LinkedHashMap<>();
    /** What lines call each object: the file as the user gave it, and its sidecars beside it so named. */
    private final Map<String, String> names = new LinkedHashMap<>();

    private LocalCopy(BackupKey key, Path file, Path given) {
        this.key = key;
        objects.put(key.key(), file);
        objects.put(key.sha256Key(), file.resolveSibling(file.getFileName() + BackupKey.SHA256_SUFFIX));
        objects.put(key.manifestKey(), file.resolveSibling(file.getFileName() + BackupKey.MANIFEST_SUFFIX));
        names.put(key.key(), given.toString());
        names.put(key.sha256Key(), given + BackupKey.SHA256_SUFFIX);
        names.put(key.manifestKey(), given + BackupKey.MANIFEST_SUFFIX);
    }

    /**
     * {@code file} as a backup of a job whose backups are named for {@code database} under {@code prefix}, named in lines
     * as {@code given} (the path as the user typed it, relative to the working directory).
     */
    static LocalCopy of(Path file, Path given, String jobName, String prefix, String database) {
        if (!Files.isRegularFile(file)) {
            throw DbBackupException.user("--from-file " + file + ": " + (Files.exists(file) ? "not a file" : "no such file"));
        }
        String name = file.getFileName().toString();
        BackupKey key = BackupKey.parseFileName(name, prefix, database).orElseThrow(() -> DbBackupException.user(
                "--from-file " + file + ": '" + name + "' is not the name of a backup of job '" + jobName + "' (expected "
                        + database + "-YYYYMMDD-HHMMSS.<ext>[.gz|.zst|.lz4][.age], the name list and download give it; "
                        + "the name says how to decode it)" + otherDatabase(name, prefix)));
        LocalCopy copy = new LocalCopy(key, file, given);
        if (!Files.isRegularFile(copy.objects.get(key.sha256Key())) && !Files.isRegularFile(copy.objects.get(key.manifestKey()))) {
            throw DbBackupException.user("--from-file " + file + ": no " + name + BackupKey.SHA256_SUFFIX + " (or "
                    + name + BackupKey.MANIFEST_SUFFIX + ") beside it to check it against; copy the backup's sidecar there "
                    + "('download --with-sidecar' writes it): a backup is never restored unchecked");
        }
        return copy;
    }

    /**
     * For a file named as a backup of another database or cluster ({@code app-20261130-020000.dump.zst} for a job whose
     * datasource names {@code restored}, a config written again after the old one was lost): which one, and how a job
     * takes it; empty for any other name.
     */
    private static String otherDatabase(String name, String prefix) {
        java.util.regex.Matcher m = BACKUP_FILE_NAME.matcher(name);
        if (!m.matches() || BackupKey.parseFileName(name, prefix, m.group(1)).isEmpty()) {
            return "";
        }
        return "; it is a backup of database or cluster '" + m.group(1) + "': give the job's datasource that name (database: "
                + m.group(1) + ", or cluster: " + m.group(1) + " for a physical or roles one), and restore it --to another "
                + "datasource to put it under another name";
    }

    BackupKey key() {
        return key;
    }

    Path file() {
        return objects.get(key.key());
    }

    @Override
    public InputStream open(String k) throws IOException {
        Path p = objects.get(k);
        if (p == null) {
            throw new NoSuchKeyException(k);
        }
        try {
            return Files.newInputStream(p);
        } catch (NoSuchFileException e) {
            throw new NoSuchKeyException(k);
        }
    }

    @Override
    public List<StoredObject> list(String prefix) throws IOException {
        List<StoredObject> out = new ArrayList<>();
        for (String k : objects.keySet()) {
            if (k.startsWith(prefix)) {
                stat(k).ifPresent(out::add);
            }
        }
        return out;
    }

    @Override
    public Optional<StoredObject> stat(String k) throws IOException {
        Path p = objects.get(k);
        if (p == null || !Files.isRegularFile(p)) {
            return Optional.empty();
        }
        return Optional.of(new StoredObject(k, Files.size(p), Files.getLastModifiedTime(p).toInstant()));
    }

    @Override
    public Upload upload(String k, OperationContext ctx) {
        throw readOnly();
    }

    @Override
    public void delete(String k) {
        throw readOnly();
    }

    private DbBackupException readOnly() {
        return DbBackupException.user("--from-file " + file() + " is read, never written");
    }

    @Override
    public String nameOf(String k) {
        return names.getOrDefault(k, k);
    }

    @Override
    public String describe() {
        return "local copy " + file();
    }

    /** As a local store's: the sidecar beside the file by its absolute path, the command pasted from any folder. */
    @Override
    public String howToWrite(String k, String line) {
        Path p = objects.get(k);
        return p == null ? Store.super.howToWrite(k, line)
                : io.dbbackup.core.ShellWords.echoInto(line, p.toAbsolutePath().normalize().toString());
    }
}
