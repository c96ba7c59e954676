package io.dbbackup.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A small owner-only file in an operation's scratch folder (a tool's password file). A scratch folder on a full disk
 * (DBBACKUP_TMPDIR, else java.io.tmpdir: often a small /tmp) fails it with the JDK's bare "No space left on device",
 * which reads as the backup's store being full; the failure here names the file, what it was for and where the folder
 * comes from, and leaves no empty file behind.
 */
public final class ScratchFile {
    private ScratchFile() {
    }

    /** Writes {@code text} to the new file {@code name} in {@code scratchDir} (made if missing), mode 0600 from the start. */
    public static Path write(Path scratchDir, String name, String what, CharSequence text) throws IOException {
        Path file = scratchDir.resolve(name);
        String action = "create";
        try {
            Files.createDirectories(scratchDir);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            action = "write";
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
            return file;
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException | RuntimeException ignored) {
                // the scratch folder goes with the operation
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw failure(action + " " + what, file, (IOException) e);
        }
    }

    /**
     * "cannot {@code action} {@code file}: reason (dbbackup's scratch folder, …)" for a file of the scratch folder; a
     * cancellation passes unchanged.
     */
    public static IOException failure(String action, Path file, IOException e) {
        IOException said = FileFailure.of("", action, file, e);
        return said instanceof LocalFileException local ? inScratch(local) : said;
    }

    /** {@code failure} (of a file in the scratch folder) with where that folder comes from. */
    public static LocalFileException inScratch(LocalFileException failure) {
        return new LocalFileException(failure.getMessage() + " (dbbackup's scratch folder, set by DBBACKUP_TMPDIR, else "
                + "java.io.tmpdir)", failure.getCause());
    }
}
