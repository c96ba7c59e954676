package io.dbbackup.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A secret file (an age identity) as its owner keeps it: mode 600, so that a test's run does not print the "readable by
 * other users" warning it is not about. A test about that warning writes its file with {@link Files} itself.
 */
public final class PrivateFile {
    private PrivateFile() {
    }

    /** {@code text} written to {@code file}, mode 600; returns {@code file}. */
    public static Path write(Path file, String text) throws IOException {
        Files.writeString(file, text);
        return owned(file);
    }

    /** {@code bytes} written to {@code file}, mode 600; returns {@code file}. */
    public static Path write(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes);
        return owned(file);
    }

    /** {@code from} copied to {@code to} (replacing it), mode 600; returns {@code to}. */
    public static Path copy(Path from, Path to) throws IOException {
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        return owned(to);
    }

    /** {@code file} set to mode 600; returns it. */
    public static Path owned(Path file) throws IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }
}
