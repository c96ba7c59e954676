package io.dbbackup.core;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Flushes a folder's entries (a file created, renamed or removed in it) to disk. */
public final class FolderSync {
    private FolderSync() {
    }

    /**
     * fsync of the folder itself; quietly nothing where the file system cannot flush a folder (the files in it are
     * flushed on their own, and a rename or removal is atomic either way).
     */
    public static void flush(Path folder) {
        try (FileChannel ch = FileChannel.open(folder, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // not every file system can fsync a folder
        }
    }
}
