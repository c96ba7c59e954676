package io.dbbackup.engine.sqlite;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.spi.RestoreOptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a restore does with a SQLite target file that does not exist. A whole restore creates it (and its folder, when
 * missing). A restore in part opens it in place: {@code --table} creates it (SQLite makes the file) holding only what was
 * asked for, but makes no folder (it failed, after its long read, "unable to open database file"); {@code --data-only}
 * loads rows into tables that exist, and a new file has none (it failed after its read, leaving an empty file). Those two
 * are refused before the backup is read (a user error, exit 1), and said on a dry run's target line.
 */
final class MissingTarget {
    private MissingTarget() {
    }

    /**
     * Why the restore of {@code options} into the missing {@code target} fails: {@code text} after its path in the error,
     * {@code line} after {@code PATH does not exist} on a dry run's target line; and the fix.
     */
    private record Problem(String text, String line, String fix) {
    }

    private static Problem find(Path target, RestoreOptions options) {
        if (!options.partial() || Files.exists(target)) {
            return null;
        }
        if (options.dataOnly()) {
            return new Problem("it does not exist, and --data-only loads rows into tables that exist",
                    "--data-only loads rows into tables that exist", "restore without --data-only, which creates it, or check the datasource's path");
        }
        Path folder = target.toAbsolutePath().getParent();
        if (folder != null && !Files.isDirectory(folder)) {
            String missing = "its folder " + folder + " does not exist (a restore in part makes none)";
            return new Problem(missing, missing, "make the folder, or restore the whole database, which makes it, or check the datasource's path");
        }
        return null;
    }

    /**
     * For the target's line of a dry run of a missing {@code target}: {@code ; the restore creates it} (a restore in part:
     * {@code , holding table orders only}; a missing folder: {@code and its folder D}), or {@code ; WHY: the restore of
     * table orders would fail}.
     */
    static String said(Path target, RestoreOptions options) {
        Problem p = find(target, options);
        if (p != null) {
            return "; " + p.line() + ": " + SqliteEngine.wouldFail(options) + " would fail";
        }
        Path folder = target.toAbsolutePath().getParent();
        boolean makesFolder = folder != null && !Files.isDirectory(folder);
        return "; the restore creates it" + (makesFolder ? " and its folder " + folder : "")
                + (options.partial() ? ", holding " + options.describeSelection() + " only" : "");
    }

    /** Throws the user error of a restore of {@code options} into the missing {@code target} that fails. */
    static void require(Path target, RestoreOptions options) {
        Problem p = find(target, options);
        if (p != null) {
            throw DbBackupException.user("cannot restore into SQLite database " + target + ": " + p.text()
                    + "; nothing was restored: nothing was made (" + p.fix() + ")");
        }
    }
}
