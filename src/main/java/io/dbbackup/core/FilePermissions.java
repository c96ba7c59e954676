package io.dbbackup.core;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The mode of the files a store creates (a store's {@code file_mode}), and of its folders: the file's mode with the
 * search bit (x) wherever it has r. Owner-only (0600, folders 0700) unless the config says otherwise; never executable,
 * and the owner always reads and writes (the store reads its backups back and deletes them).
 *
 * @param file the file mode's permission bits, e.g. {@code 0640}
 */
public record FilePermissions(int file) {
    public static final FilePermissions OWNER_ONLY = new FilePermissions(0600);

    public FilePermissions {
        if ((file & ~0666) != 0 || (file & 0600) != 0600) {
            throw new IllegalArgumentException("not a file mode without execute bits, read and written by its owner: " + octal(file));
        }
    }

    /**
     * {@code "0640"} or {@code "640"}: octal digits only; no execute, setuid, setgid or sticky bit; the owner reads and
     * writes. Anything else is an {@link IllegalArgumentException} saying what the value must be.
     */
    public static FilePermissions parse(String text) {
        String t = text.trim();
        if (!t.matches("0?[0-7]{3}")) {
            throw new IllegalArgumentException("is not an octal mode of 3 or 4 digits, such as \"0600\" or \"0640\"");
        }
        int bits = Integer.parseInt(t, 8);
        if ((bits & 0111) != 0) {
            throw new IllegalArgumentException("gives an execute bit: backups are no programs (the folders get x where r is set by themselves)");
        }
        if ((bits & 0022) != 0) {
            throw new IllegalArgumentException("lets the group or others write: whoever may rewrite a backup can replace it "
                    + "(a read bit for them is allowed: \"0640\", \"0644\")");
        }
        if ((bits & 0600) != 0600) {
            throw new IllegalArgumentException("keeps the owner from reading or writing (the owner's digit must be 6): the store "
                    + "reads its files back and replaces them");
        }
        return new FilePermissions(bits);
    }

    /** The folders' mode: the file's, with x wherever r is set ({@code 0640} → {@code 0750}). */
    public int folder() {
        return file | (file & 0444) >> 2;
    }

    /** Whether group or others get anything: then a server's or a process's umask could take away what was asked. */
    public boolean ownerOnly() {
        return (file & 0077) == 0;
    }

    public Set<PosixFilePermission> filePermissions() {
        return posix(file);
    }

    public Set<PosixFilePermission> folderPermissions() {
        return posix(folder());
    }

    public FileAttribute<Set<PosixFilePermission>> fileAttribute() {
        return PosixFilePermissions.asFileAttribute(filePermissions());
    }

    public FileAttribute<Set<PosixFilePermission>> folderAttribute() {
        return PosixFilePermissions.asFileAttribute(folderPermissions());
    }

    /**
     * Creates {@code file}, which must not exist ({@link java.nio.file.FileAlreadyExistsException}), with this mode given
     * to the call that creates it (never set afterwards: a chmod leaves a window in which others can open it), less what
     * the umask takes; on a file system without POSIX modes, as the file system does.
     */
    public Path createFile(Path file) throws IOException {
        try {
            return Files.createFile(file, fileAttribute());
        } catch (UnsupportedOperationException notPosix) {
            return Files.createFile(file);
        }
    }

    /** As {@link #createFile}, open for writing. */
    public FileChannel createForWriting(Path file) throws IOException {
        java.util.Set<StandardOpenOption> options = java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            return FileChannel.open(file, options, fileAttribute());
        } catch (UnsupportedOperationException notPosix) {
            return FileChannel.open(file, options);
        }
    }

    /** {@code 0640}. */
    @Override
    public String toString() {
        return octal(file);
    }

    static String octal(int bits) {
        return String.format(Locale.ROOT, "%04o", bits);
    }

    private static Set<PosixFilePermission> posix(int bits) {
        Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) {
            if ((bits & (1 << i)) != 0) {
                out.add(order[i]);
            }
        }
        return out;
    }
}
