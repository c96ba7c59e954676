package io.dbbackup.job;

import io.dbbackup.core.NoSpace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Why a scratch root cannot hold a scratch folder, in a few words, and the DBBACKUP_TMPDIR that fits that reason: "a folder
 * this user can write" sent on-call to chmod a folder whose file system was out of inodes or space.
 *
 * @param reason what is wrong with the folder ({@code permission denied}, {@code no inodes left on /tmp …})
 * @param fix    where DBBACKUP_TMPDIR should point instead
 */
record UnusableScratchRoot(String reason, String fix) {
    static final String WRITABLE = "a folder this user can write";
    static final String FREE_INODES = "a folder on a file system with free inodes";
    static final String FREE_SPACE = "a folder on a file system with free space";
    static final String WRITABLE_FILE_SYSTEM = "a folder on a file system that is not read-only";

    /** The warning's words: {@code (reason): set DBBACKUP_TMPDIR to fix}. */
    String said() {
        return "(" + reason + "): set DBBACKUP_TMPDIR to " + fix;
    }

    static UnusableScratchRoot of(Path root) {
        if (!Files.exists(root)) {
            return new UnusableScratchRoot("it does not exist and cannot be made", WRITABLE);
        }
        if (!Files.isDirectory(root)) {
            return new UnusableScratchRoot("it is not a folder", WRITABLE);
        }
        String refused = refusal(root);
        if ("Read-only file system".equals(refused)) {
            // a pod's readOnlyRootFilesystem without a volume there: "permission denied" sent people to chmod and runAsUser
            return new UnusableScratchRoot("its file system is read-only, as a container's read-only root file system is: "
                    + "mount a volume there, in Kubernetes an emptyDir", WRITABLE_FILE_SYSTEM);
        }
        if (refused != null && refused.contains(NoSpace.ENOSPC)) {
            return noSpace(root, refused); // a full disk, or one out of inodes: not permissions
        }
        return new UnusableScratchRoot(Files.isWritable(root) ? "it cannot be written" : "permission denied", WRITABLE);
    }

    /** {@code refused}, the system's ENOSPC for a folder made in {@code root}: out of inodes, or of bytes. */
    static UnusableScratchRoot noSpace(Path root, String refused) {
        String reason = NoSpace.reason(root, refused);
        // the system's words stay only for a file system whose bytes are used up
        return new UnusableScratchRoot(reason, reason.contains(NoSpace.ENOSPC) ? FREE_SPACE : FREE_INODES);
    }

    /**
     * The system's reason for refusing a folder made in {@code folder} (EROFS: "Read-only file system", ENOSPC), or null:
     * the JDK's FileStore.isReadOnly() reads the mount above it, not a read-only bind mount of the folder itself.
     */
    private static String refusal(Path folder) {
        Path probe = folder.resolve(".dbbackup-probe-" + ProcessHandle.current().pid() + "-" + Long.toHexString(System.nanoTime()));
        try {
            Files.createDirectory(probe);
            Files.deleteIfExists(probe);
            return null;
        } catch (java.nio.file.FileSystemException e) {
            return e.getReason();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
