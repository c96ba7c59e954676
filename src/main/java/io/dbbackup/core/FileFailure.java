package io.dbbackup.core;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A failed file operation said with the file: the JDK's own messages are a bare path
 * ({@code AccessDeniedException}) or a bare reason ("No space left on device"); on the night a disk fills
 * up the error must say which file, and so which disk.
 */
public final class FileFailure {
    private FileFailure() {
    }

    /** "{@code prefix}cannot {@code action} {@code file}: reason"; interrupted channels (a cancellation) pass unchanged. */
    public static IOException of(String prefix, String action, Path file, IOException e) {
        if (e instanceof ClosedChannelException || e instanceof InterruptedIOException) {
            return e;
        }
        return new LocalFileException(prefix + "cannot " + action + " " + file + ": " + NoSpace.reason(file, reason(e)), e);
    }

    /**
     * As {@link #of}, of a file of the local store in folder {@code root}: "local store ROOT: cannot {@code action}
     * {@code file}: reason", whose first words are dropped after words that name that folder already
     * ({@link LocalFileException#saidOnce}).
     */
    public static IOException ofStore(Path root, String action, Path file, IOException e) {
        String words = "local store " + root + ": ";
        IOException said = of(words, action, file, e);
        return said instanceof LocalFileException ? new LocalFileException(said.getMessage(), e, words, root.toString()) : said;
    }

    /**
     * {@code out} whose write failures name {@code file} (so its folder, so its disk): the JDK's own is a bare "No space
     * left on device", which on the night a disk fills says neither which file nor which disk. A failure thrown this way
     * is a {@link LocalFileException}: a decoder reading into {@code out} can tell it from damage in what it decodes.
     */
    public static OutputStream naming(OutputStream out, Path file) {
        return new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    out.write(b, off, len);
                } catch (IOException e) {
                    throw FileFailure.of("", "write", file, e);
                }
            }
        };
    }

    /**
     * The reason alone: "permission denied", "no such file or folder", or the system's words (for a file system out of
     * inodes, {@link NoSpace}'s).
     */
    public static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or folder";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return NoSpace.reason(fse.getFile() == null ? null : Path.of(fse.getFile()), fse.getReason());
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
