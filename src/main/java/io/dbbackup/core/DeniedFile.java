package io.dbbackup.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Why this process may not read a file it was refused (a secret file mounted for another user): the file's mode and
 * owner against this process's ids, and the fix that works where the file lies. A Kubernetes secret volume with
 * {@code defaultMode: 0400} and no {@code fsGroup} gives {@code 0400 root:root}, which uid 10001 cannot read.
 */
public final class DeniedFile {
    private DeniedFile() {
    }

    /** {@code permission denied: it is 0400, owner uid 0, group 0; this process runs as uid 10001, group 10001: FIX}. */
    public static String why(Path p) {
        try {
            int mode = ((Number) Files.getAttribute(p, "unix:mode")).intValue() & 07777;
            long uid = ((Number) Files.getAttribute(p, "unix:uid")).longValue();
            long gid = ((Number) Files.getAttribute(p, "unix:gid")).longValue();
            SharedSecretFile.Ids me = SharedSecretFile.Ids.ofThisProcess();
            String fix = SharedSecretFile.onSecretVolume(p)
                    ? "on a Kubernetes secret volume, set the pod's securityContext.fsGroup (the files are then 0440 root:<fsGroup>, "
                    + "readable by the pod's group only)"
                    : "make it readable by uid " + me.uid() + " (its owner: chown " + me.uid() + ", mode 0400)";
            return String.format(Locale.ROOT, "permission denied: it is %04o, owner uid %d, group %d; this process runs as uid %d, "
                    + "group %d: %s", mode, uid, gid, me.uid(), me.gid(), fix);
        } catch (IOException | RuntimeException e) {
            return "permission denied"; // the folder on the way is not searchable: nothing more to say about the file
        }
    }

    /**
     * Why this process may not create a file in {@code folder} (a store's folder: a volume mounted as root's, the pod
     * another uid): {@code permission denied: the folder F is 0750, owner uid 0, group 10001; this process runs as uid
     * 10001, group 10001 and may not create files in it: FIX}. Just "permission denied" when its attributes cannot be read.
     */
    public static String whyFolder(Path folder) {
        try {
            int mode = ((Number) Files.getAttribute(folder, "unix:mode")).intValue() & 07777;
            long uid = ((Number) Files.getAttribute(folder, "unix:uid")).longValue();
            long gid = ((Number) Files.getAttribute(folder, "unix:gid")).longValue();
            SharedSecretFile.Ids me = SharedSecretFile.Ids.ofThisProcess();
            String fix = me.uid() == uid ? "give its owner write (chmod u+w " + folder + ")"
                    : me.gid() == gid || me.groups().contains(gid) ? "give its group write (chmod g+w " + folder + ")"
                    : "make it writable by uid " + me.uid() + " (chown " + me.uid() + " " + folder + ")";
            return String.format(Locale.ROOT, "permission denied: the folder %s is %04o, owner uid %d, group %d; this process "
                    + "runs as uid %d, group %d and may not create files in it: %s (on a Kubernetes volume, the pod's "
                    + "securityContext.fsGroup gives the pod's group the volume)", folder, mode, uid, gid, me.uid(), me.gid(), fix);
        } catch (IOException | RuntimeException e) {
            return "permission denied";
        }
    }
}
