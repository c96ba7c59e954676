package io.dbbackup.store.local;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A refusal of the file system said as one. The JDK's {@link AccessDeniedException} carries the path alone, so a
 * restore host whose user may not read the store's files (they are their writer's alone, {@code 0600}, unless
 * {@code file_mode} widens them) saw {@code cannot read KEY: /backups/KEY} and no reason. The user this process runs
 * as is named by its uid when it has no name (a container's uid without a passwd entry: Java's {@code user.name}
 * is then {@code ?}).
 */
final class PermissionDenied {
    private PermissionDenied() {
    }

    /** {@code e} again, its message "PATH: permission denied (this process runs as USER)" and {@code more} after it. */
    static AccessDeniedException explained(AccessDeniedException e, String more) {
        AccessDeniedException out = new AccessDeniedException(e.getFile(), e.getOtherFile(),
                "permission denied (this process runs as " + processUser() + ")" + more);
        out.initCause(e);
        return out;
    }

    /**
     * Whether this process may not write in the folder {@code file} goes in (or the nearest one above it that exists):
     * {@code access(W_OK)} says no for a read-only file system (a {@code :ro} mount, a disk remounted read-only after
     * errors) as for a folder of another user, whatever the locale says in the error's words.
     */
    static boolean mayNotWriteBeside(Path file) {
        for (Path p = file.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p)) {
                return !Files.isWritable(p);
            }
        }
        return false;
    }

    /** The user's name, else {@code uid N} (from /proc), else {@code a user without a name}. */
    static String processUser() {
        String name = System.getProperty("user.name");
        if (name != null && !name.isBlank() && !name.equals("?")) {
            return name;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return "uid " + line.substring(4).trim().split("\\s+")[1];
                }
            }
        } catch (IOException | RuntimeException notLinux) {
            // fall through
        }
        return "a user without a name";
    }
}
