package io.dbbackup.engine.sqlite;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.Mounts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Why a whole SQLite restore cannot replace its target, found before anything is read: it writes its copy beside the
 * target and renames it over it, so the target's folder (or the nearest existing one, when it is still to be made) must
 * be writable, and the target itself, when it exists, too. A read-only mount and an immutable folder or file
 * ({@code chattr +i}, which even root cannot rename over) fail the rename or the copy; a file of mode 0444 in a writable
 * folder could be renamed over, but its owner made it read-only on purpose (as {@code rm} asks before removing one), so
 * it is refused as well. Each is the user's to fix, not a passing fault: a user error (exit 1), not a retry. A partial
 * restore ({@code --table}, {@code --data-only}) writes into the target in place, and SQLite its journal ({@code -journal},
 * or {@code -wal} and {@code -shm}) beside it: it needs the same, and is refused the same.
 */
final class UnwritableTarget {
    private UnwritableTarget() {
    }

    /** What keeps a whole restore from its target, and the fix to suggest. */
    private record Problem(String text, String fix) {
    }

    /** {@code its folder D cannot be written (why)} or {@code it cannot be written (why)}; null when both can be. */
    static String problem(Path target) {
        Problem p = find(target);
        return p == null ? null : p.text();
    }

    /** Throws the user error of a whole restore into {@code target} that {@link #problem} finds. */
    static void require(Path target) {
        Problem problem = find(target);
        if (problem == null) {
            return;
        }
        throw DbBackupException.user("cannot restore into SQLite database " + target + ": " + problem.text()
                + "; nothing was restored: " + (Files.exists(target) ? target + " is unchanged"
                : "nothing was made") + " (" + problem.fix() + ")");
    }

    private static Problem find(Path target) {
        Path parent = target.toAbsolutePath().getParent();
        Path dir = parent;
        while (dir != null && !Files.exists(dir)) {
            dir = dir.getParent();
        }
        if (dir != null && !(Files.isDirectory(dir) && Files.isWritable(dir))) {
            if (!Files.isDirectory(dir)) {
                return new Problem("its folder " + dir + " cannot be written (it is a file, not a folder)",
                        "restore elsewhere with --to, or as a user who may write there");
            }
            Why why = why(dir, "write in it", "restore elsewhere with --to, or as a user who may write there");
            return new Problem("its folder " + dir + " cannot be written (" + why.text() + ")", why.fix());
        }
        if (Files.isRegularFile(target) && !Files.isWritable(target)) {
            Why why = why(target, "write it", "make it writable, chmod u+w, or restore elsewhere with --to");
            return new Problem("it cannot be written (" + why.text() + ")", why.fix());
        }
        return null;
    }

    private record Why(String text, String fix) {
    }

    /**
     * A read-only file system; immutable (as root, nothing else keeps a file from being written); else the user, whose
     * fix is {@code userFix}.
     */
    private static Why why(Path p, String verb, String userFix) {
        if (readOnlyMount(p)) {
            return new Why("a read-only file system", "restore where it can be written, or mount it read-write");
        }
        if (root()) {
            return new Why("immutable, lsattr shows its i flag", "chattr -i it, or restore elsewhere with --to");
        }
        return new Why("this user may not " + verb, userFix);
    }

    /**
     * Whether {@code p} lies on a read-only mount: the mount of the longest mount point above it in
     * {@code /proc/self/mountinfo}, its own options or its file system's. {@code FileStore.isReadOnly} cannot tell a
     * read-only bind mount (a container's {@code -v /srv:/srv:ro}) from the file system under it: it looks the mount up
     * by device, the same for both.
     */
    static boolean readOnlyMount(Path p) {
        String table = Mounts.table();
        if (table == null) {
            try {
                return Files.getFileStore(p).isReadOnly();
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
        return Mounts.of(p, table).readOnly();
    }

    private static boolean root() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | RuntimeException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }
}
