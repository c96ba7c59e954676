package io.dbbackup.core;

import com.sun.security.auth.module.UnixSystem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.List;
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

    /**
     * One line saying {@code p} is readable by others and what to do; empty when it is not, or not a POSIX file, or a
     * folder (no secret file: its reader says so, and {@code chmod 600} would lock its owner out of it).
     */
    public static Optional<String> problem(Path p) {
        if (Files.isDirectory(p)) {
            return Optional.empty();
        }
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
            Ids me = Ids.ofThisProcess();
            if (me.gid() == gid) {
                return me.uid() != 0 || gid != 0; // root's group 0 is shared by system users: still warn
            }
            return me.groups().contains(gid);
        } catch (IOException | RuntimeException | LinkageError e) {
            return false;
        }
    }

    /**
     * This process's user, group and supplementary groups, from {@code /proc/self/status}. The JDK's
     * {@code UnixSystem} says uid 0, gid 0 and no groups for a user without a passwd entry (an arbitrary UID, as
     * OpenShift runs pods), and the fsGroup mount was then warned about on every run.
     */
    record Ids(long uid, long gid, List<Long> groups) {
        static Ids ofThisProcess() throws IOException {
            Path status = Path.of("/proc/self/status");
            if (!Files.isReadable(status)) {
                UnixSystem me = new UnixSystem();
                long[] g = me.getGroups() == null ? new long[0] : me.getGroups();
                return new Ids(me.getUid(), me.getGid(), Arrays.stream(g).boxed().toList());
            }
            long uid = -1;
            long gid = -1;
            List<Long> groups = List.of();
            for (String line : Files.readAllLines(status)) {
                String[] f = line.trim().split("\\s+");
                if (f[0].equals("Uid:") && f.length > 2) {
                    uid = Long.parseLong(f[2]); // effective
                } else if (f[0].equals("Gid:") && f.length > 2) {
                    gid = Long.parseLong(f[2]);
                } else if (f[0].equals("Groups:")) {
                    groups = Arrays.stream(f).skip(1).map(Long::parseLong).toList();
                }
            }
            return new Ids(uid, gid, groups);
        }
    }
}
