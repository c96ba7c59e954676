package io.dbbackup.engine.sqlite;

import io.dbbackup.core.DbBackupException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Why a whole SQLite restore cannot replace its target, found before anything is read: it writes its copy beside the
 * target and renames it over it, so the target's folder (or the nearest existing one, when it is still to be made) must
 * be writable, and the target itself, when it exists, too. A read-only mount and an immutable folder or file
 * ({@code chattr +i}, which even root cannot rename over) fail the rename or the copy; a file of mode 0444 in a writable
 * folder could be renamed over, but its owner made it read-only on purpose (as {@code rm} asks before removing one), so
 * it is refused as well. Each is the user's to fix, not a passing fault: a user error (exit 1), not a retry.
 */
final class UnwritableTarget {
    private UnwritableTarget() {
    }

    /** {@code its folder D cannot be written (why)} or {@code it cannot be written (why)}; null when both can be. */
    static String problem(Path target) {
        Path parent = target.toAbsolutePath().getParent();
        Path dir = parent;
        while (dir != null && !Files.exists(dir)) {
            dir = dir.getParent();
        }
        if (dir != null && !(Files.isDirectory(dir) && Files.isWritable(dir))) {
            String why = Files.isDirectory(dir) ? why(dir, "write in it") : "it is a file, not a folder";
            return "its folder " + dir + " cannot be written (" + why + ")";
        }
        if (Files.isRegularFile(target) && !Files.isWritable(target)) {
            return "it cannot be written (" + why(target, "write it") + ")";
        }
        return null;
    }

    /** Throws the user error of a whole restore into {@code target} that {@link #problem} finds. */
    static void require(Path target) {
        String problem = problem(target);
        if (problem == null) {
            return;
        }
        throw DbBackupException.user("cannot restore into SQLite database " + target + ": " + problem
                + "; nothing was restored: " + (Files.exists(target) ? target + " is unchanged"
                : "nothing was made") + fix(problem));
    }

    private static String fix(String problem) {
        if (problem.contains("read-only file system")) {
            return " (restore where it can be written, or mount it read-write)";
        }
        if (problem.contains("immutable")) {
            return " (chattr -i it, or restore elsewhere with --to)";
        }
        return problem.startsWith("it ") ? " (make it writable, chmod u+w, or restore elsewhere with --to)"
                : " (restore elsewhere with --to, or as a user who may write there)";
    }

    /** a read-only file system; immutable (as root, nothing else keeps a file from being written); else the user. */
    private static String why(Path p, String verb) {
        return readOnlyMount(p) ? "a read-only file system" : root() ? "immutable, lsattr shows its i flag"
                : "this user may not " + verb;
    }

    /**
     * Whether {@code p} lies on a read-only mount: the mount of the longest mount point above it in
     * {@code /proc/self/mountinfo}, its own options or its file system's. {@code FileStore.isReadOnly} cannot tell a
     * read-only bind mount (a container's {@code -v /srv:/srv:ro}) from the file system under it: it looks the mount up
     * by device, the same for both.
     */
    static boolean readOnlyMount(Path p) {
        Path real;
        List<String> lines;
        try {
            real = p.toRealPath();
            lines = Files.readAllLines(Path.of("/proc/self/mountinfo"));
        } catch (IOException | RuntimeException e) {
            try {
                return Files.getFileStore(p).isReadOnly();
            } catch (IOException | RuntimeException again) {
                return false;
            }
        }
        int longest = -1;
        boolean readOnly = false;
        for (String line : lines) {
            String[] f = line.split(" ");
            int dash = Arrays.asList(f).indexOf("-");
            if (f.length < 6 || dash < 0 || dash + 3 >= f.length) {
                continue;
            }
            Path point = Path.of(unescape(f[4]));
            int depth = point.getNameCount();
            if (real.startsWith(point) && depth >= longest) { // the later of equal mount points is on top
                longest = depth;
                readOnly = Arrays.asList(f[5].split(",")).contains("ro")
                        || Arrays.asList(f[dash + 3].split(",")).contains("ro");
            }
        }
        return readOnly;
    }

    /** mountinfo writes a space, tab, newline and backslash of a path as octal escapes. */
    private static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean root() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | RuntimeException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }
}
