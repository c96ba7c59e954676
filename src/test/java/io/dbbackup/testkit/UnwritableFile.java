package io.dbbackup.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Makes a file this process cannot write, for as long as it is open, without skipping anywhere: as root (who may write
 * any file by its mode) the immutable flag ({@code chattr +i}, e2fsprogs, on every Debian); as anyone else, mode 0444.
 * A file system without the immutable flag fails the test with the reason, it is not skipped.
 */
public final class UnwritableFile implements AutoCloseable {
    private final Path file;
    private final Set<PosixFilePermission> before;
    private final boolean immutable;

    private UnwritableFile(Path file, Set<PosixFilePermission> before, boolean immutable) {
        this.file = file;
        this.before = before;
        this.immutable = immutable;
    }

    public static UnwritableFile of(Path file) throws IOException, InterruptedException {
        Set<PosixFilePermission> before = Files.getPosixFilePermissions(file);
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            Process p = new ProcessBuilder("chattr", "+i", file.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            assertThat(p.waitFor()).as("chattr +i %s (root may write any file by its mode; the test needs the immutable "
                    + "flag of the file system under java.io.tmpdir): %s", file, out).isZero();
        } else {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
        }
        UnwritableFile made = new UnwritableFile(file, before, root);
        assertThat(Files.isWritable(file)).as("%s is writable after making it unwritable", file).isFalse();
        return made;
    }

    @Override
    public void close() throws IOException {
        if (immutable) {
            try {
                new ProcessBuilder("chattr", "-i", file.toString()).start().waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Files.setPosixFilePermissions(file, before);
    }
}
