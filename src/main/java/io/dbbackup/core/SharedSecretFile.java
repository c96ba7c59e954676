package io.dbbackup.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a file holding a secret (a password file, an age identity) can be read by other users, and the fix that works
 * where it lies: {@code chmod 600}, or on a Kubernetes secret volume, which chmod cannot change, the volume's
 * {@code defaultMode}.
 */
public final class SharedSecretFile {
    private SharedSecretFile() {
    }

    /** One line saying {@code p} is readable by others and what to do; empty when it is not, or not a POSIX file. */
    public static Optional<String> problem(Path p) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
            boolean groupRisk = perms.contains(PosixFilePermission.GROUP_READ) && !ownGroup(p);
            if (!groupRisk && !perms.contains(PosixFilePermission.OTHERS_READ)) {
                return Optional.empty();
            }
            return Optional.of(p + " is readable by other users; " + (onSecretVolume(p)
                    ? "it is on a Kubernetes secret volume, where chmod cannot change it: set the volume's defaultMode: 0400 "
                    + "and the pod's securityContext.fsGroup (the file is then 0440 root:<fsGroup>, readable by the pod only)"
                    : "fix with: chmod 600 " + p));
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty(); // not a POSIX file system: nothing to check
        }
    }

    /**
     * Whether {@code p} is a file of a Kubernetes secret (or configMap, projected) volume: the kubelet links each key to
     * {@code ..data/<key>}, and {@code ..data} to the current {@code ..<timestamp>} folder.
     */
    static boolean onSecretVolume(Path p) {
        try {
            Path parent = p.toAbsolutePath().getParent();
            return parent != null && Files.isSymbolicLink(parent.resolve("..data")) && Files.isSymbolicLink(p)
                    && Files.readSymbolicLink(p).toString().startsWith("..data/");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /**
     * Whether the file's group is one of this process's own groups: Kubernetes mounts secrets as
     * {@code 0440 root:<fsGroup>}, readable by the pod's group only, which is not a leak.
     */
    private static boolean ownGroup(Path p) {
        try {
            long gid = ((Number) Files.getAttribute(p, "unix:gid")).longValue();
            com.sun.security.auth.module.UnixSystem me = new com.sun.security.auth.module.UnixSystem();
            if (me.getGid() == gid) {
                return me.getUid() != 0 || gid != 0; // root's group 0 is shared by system users: still warn
            }
            for (long g : me.getGroups()) {
                if (g == gid) {
                    return true;
                }
            }
            return false;
        } catch (IOException | RuntimeException | LinkageError e) {
            return false;
        }
    }
}
