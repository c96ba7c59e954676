package io.dbbackup.engine.sqlite;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * Frees the disk space of a paused copy's snapshot that the operation has let go and deleted: SQLite's native backup
 * keeps the snapshot and its journal open (the destination connection lives inside the native call, which nothing but
 * the end of the pause closes), so their pages stayed allocated until the copy ended or the process exited — for a file
 * this process cannot write, or an application holding its write lock for hours, in a long-running scheduler. Each
 * descriptor of this process on them is found in {@code /proc/self/fd} and the file it names (deleted or not) is
 * truncated to 0 bytes through it. Called on the copy's own thread between two steps, so SQLite writes no page into it
 * meanwhile; should the copy end later, its rollback only finds an empty file. Where there is no {@code /proc} (not
 * Linux), nothing is done: the space is freed when the copy ends, as before.
 */
final class SnapshotRelease {
    private SnapshotRelease() {
    }

    static void empty(Path snapshot) {
        List<String> names = Stream.concat(Stream.of(snapshot), SqliteEngine.journals(snapshot).stream())
                .map(Path::toString).toList();
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return;
        }
        try (Stream<Path> list = Files.list(fds)) {
            for (Path fd : list.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    String file = target.endsWith(" (deleted)") ? target.substring(0, target.length() - 10) : target;
                    if (names.contains(file)) {
                        try (FileChannel ch = FileChannel.open(fd, StandardOpenOption.WRITE)) {
                            ch.truncate(0);
                        }
                    }
                } catch (IOException | RuntimeException closedMeanwhile) {
                    // not there any more, or not ours to write: left as it was
                }
            }
        } catch (IOException | RuntimeException e) {
            // nothing freed: as before, the space is freed when the copy ends
        }
    }
}
