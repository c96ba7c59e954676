package io.dbbackup.job;

import io.dbbackup.codec.age.AgeKeys;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.FileFailure;
import io.dbbackup.core.Log;
import io.dbbackup.core.Redactor;
import io.dbbackup.core.Secret;
import io.dbbackup.core.SharedSecretFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * An age identity file named on a command line ({@code --identity FILE}, {@code keygen -y FILE}): its identities, or
 * one line saying what it is instead — missing, a folder, unreadable, {@code age -p}-protected, not text, not keys — or
 * that the argument is a key itself, typed where its file belongs (a secret key is then never printed).
 */
public final class IdentityFile {
    private IdentityFile() {
    }

    /** The identities in {@code file}; {@code log} (or null) gets the warning when others can read it. */
    public static List<String> identities(Path file, Log log) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw notAFile(file);
        } catch (IOException e) {
            throw DbBackupException.user(Files.isDirectory(file) ? file + " is a folder, not an identity file"
                    : "cannot read identity file " + file + " (" + FileFailure.reason(e) + ")");
        } catch (SecurityException e) {
            throw DbBackupException.user("cannot read identity file " + file + " (" + e.getMessage() + ")");
        }
        try {
            String text = AgeKeys.identityText(bytes, file.toString());
            new Secret(text, "file " + file);
            List<String> identities = AgeKeys.parseIdentities(text, file.toString());
            if (log != null) { // a file of keys: one that is none (the config given by mistake) is said by its error alone
                warnIfShared(file, log);
            }
            return identities;
        } catch (AgeKeys.KeyFormatException e) {
            throw DbBackupException.user("identity file " + file + ": " + e.getMessage());
        }
    }

    /** No file {@code file}: said so, or that its name is a key typed in place of the file's name. */
    private static DbBackupException notAFile(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().strip();
        if (name.toUpperCase(Locale.ROOT).startsWith(AgeKeys.IDENTITY_PREFIX)) {
            Redactor.register(name);
            return DbBackupException.user("the identity file given is an age secret key (AGE-SECRET-KEY-1..., not shown), not a "
                    + "file: write it to a file only you can read (chmod 600) and give that file's name");
        }
        if (name.startsWith(AgeKeys.RECIPIENT_PREFIX)) {
            return DbBackupException.user(name + " is an age public key (a recipient), not an identity file: decrypting needs "
                    + "the file of its secret key (AGE-SECRET-KEY-1..., as 'dbbackup keygen -o' or age-keygen wrote it)");
        }
        return DbBackupException.user("cannot read identity file " + file + " (no such file)");
    }

    /**
     * Warns of each of {@code files} that holds identities and others can read, now: a command calls it before its
     * per-job work, so that the warning about the command's file names no job (inside a job's log tag it named the first job, as if its config held the
     * file). Each job's decryptor reads the {@code --identity} files again: the warning is said once per file and log (a
     * run), not once per job.
     */
    public static void warnIfShared(List<Path> files, Log log) {
        files.stream().filter(IdentityFile::holdsIdentities).forEach(f -> warnIfShared(f, log));
    }

    /**
     * Whether {@code file} reads as identities: one that does not (missing, a folder, the config given by mistake) gets
     * no advice to guard it with chmod, only its error when it is read for a backup's key.
     */
    private static boolean holdsIdentities(Path file) {
        try {
            identities(file, null);
            return true;
        } catch (DbBackupException e) {
            return false;
        }
    }

    private static void warnIfShared(Path file, Log log) {
        Set<Path> said;
        synchronized (WARNED) {
            said = WARNED.computeIfAbsent(log, l -> new HashSet<>());
        }
        synchronized (said) {
            if (said.contains(file.toAbsolutePath())) {
                return;
            }
            SharedSecretFile.problem(file).ifPresent(why -> {
                said.add(file.toAbsolutePath());
                log.warn(why);
            });
        }
    }

    /** The files already warned about, per log. */
    private static final Map<Log, Set<Path>> WARNED = new WeakHashMap<>();
}
