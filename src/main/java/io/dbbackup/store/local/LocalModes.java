package io.dbbackup.store.local;

import io.dbbackup.core.FilePermissions;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;

/**
 * Files and folders of a local store, created with the store's mode from the start (the mode is given to the
 * {@code open} or {@code mkdir} that creates them, never set after data is in them). The process's umask can only take
 * bits away: a mode that gives the group or others something is set again right after creating, while the file is
 * still empty, so {@code file_mode: "0640"} holds under a {@code UMask=0077} service too. On a file system without
 * POSIX modes (FAT, some network shares) the file system's own rules apply and the store carries on.
 */
final class LocalModes {
    private final FilePermissions mode;

    LocalModes(FilePermissions mode) {
        this.mode = mode;
    }

    /** A new file (it must not exist), open for writing, with the store's file mode. */
    FileChannel createForWriting(Path file) throws IOException {
        FileChannel channel = mode.createForWriting(file);
        if (!mode.ownerOnly()) { // (where modes do not apply, restore does nothing)
            restore(file, mode.filePermissions());
        }
        return channel;
    }

    /** Creates {@code folder} and its missing parents with the store's folder mode; existing folders keep theirs. */
    void createFolders(Path folder, List<Path> missing) throws IOException {
        try {
            Files.createDirectories(folder, mode.folderAttribute());
        } catch (UnsupportedOperationException notPosix) {
            Files.createDirectories(folder);
            return;
        }
        if (!mode.ownerOnly()) {
            for (Path p : missing) {
                restore(p, mode.folderPermissions());
            }
        }
    }

    /** Gives back what the umask took from a file or folder just created (still empty); where modes do not apply, nothing. */
    private static void restore(Path p, Set<PosixFilePermission> wanted) {
        try {
            if (!Files.getPosixFilePermissions(p).equals(wanted)) {
                Files.setPosixFilePermissions(p, wanted);
            }
        } catch (IOException | UnsupportedOperationException noModesHere) {
            // a file system without POSIX modes, or a folder another upload's abort removed meanwhile: carry on
        }
    }
}
