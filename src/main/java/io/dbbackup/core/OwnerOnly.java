package io.dbbackup.core;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files that hold database content or keys, created readable by their owner alone (0600) from the first byte: the mode
 * is given when the file is created, never set afterwards (a chmod leaves a window in which others can open it). On a
 * file system without POSIX modes, the file is created as the file system does.
 */
public final class OwnerOnly {
    private static final FileAttribute<?> MODE = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private OwnerOnly() {
    }

    /** Creates {@code file}, which must not exist ({@link java.nio.file.FileAlreadyExistsException}), with mode 0600. */
    public static Path createFile(Path file) throws IOException {
        try {
            return Files.createFile(file, MODE);
        } catch (UnsupportedOperationException notPosix) {
            return Files.createFile(file);
        }
    }

    /** A new file {@code file} (it must not exist) with mode 0600, open for writing. */
    public static FileChannel createForWriting(Path file) throws IOException {
        Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            return FileChannel.open(file, options, MODE);
        } catch (UnsupportedOperationException notPosix) {
            return FileChannel.open(file, options);
        }
    }
}
