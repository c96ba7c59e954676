package io.dbbackup.core;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

/** The one line for a native library that could not load from a noexec temp folder, and nothing otherwise. */
class NativeLibraryFailureTest {
    private static final String MOUNTS = """
            22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
            30 22 0:26 / /tmp rw,nosuid,nodev,noexec,relatime shared:5 - tmpfs tmpfs rw,size=262144k
            31 30 0:27 / /tmp/exec\\040here rw,relatime shared:6 - tmpfs tmpfs rw
            """;

    @Test
    void noexecIsReadFromTheMountThatHoldsTheFolder() {
        assertThat(NativeLibraryFailure.noexec(Path.of("/tmp"), MOUNTS)).isTrue();
        assertThat(NativeLibraryFailure.noexec(Path.of("/tmp/a/b"), MOUNTS)).isTrue();
        assertThat(NativeLibraryFailure.noexec(Path.of("/tmp/exec here/x"), MOUNTS)).as("a mount inside it").isFalse();
        assertThat(NativeLibraryFailure.noexec(Path.of("/var/tmp"), MOUNTS)).isFalse();
        assertThat(NativeLibraryFailure.noexec(Path.of("/tmpx"), MOUNTS)).as("a prefix of the name only").isFalse();
    }

    @Test
    void zstdsErrorFromANoexecTmpBecomesOneLineWithTheFix() {
        Throwable zstd = new UnsatisfiedLinkError("/tmp/libzstd-jni-1.5.7-28123.so: /tmp/libzstd-jni-1.5.7-28123.so: "
                + "failed to map segment from shared object\nUnsupported OS/arch, cannot find /linux/amd64/libzstd-jni-1.5.7-28.so");
        String line = NativeLibraryFailure.explain(new IOException("wrapped", zstd), "/tmp", MOUNTS, Path.of("/opt/dbbackup/dbbackup.jar"));
        assertThat(line).isEqualTo("cannot load the zstd native library: it is unpacked into java.io.tmpdir /tmp, which is "
                + "mounted noexec (as Docker's --tmpfs and compose's tmpfs are by default); run dbbackup through bin/dbbackup "
                + "or the container image, which load it from /opt/dbbackup/dbbackup.native (or make that folder once: java -cp "
                + "/opt/dbbackup/dbbackup.jar io.dbbackup.cli.NativeLibraries), or mount /tmp with exec, or point "
                + "-Djava.io.tmpdir at a folder mounted with exec").doesNotContain("\n");
        // the same error on a temp folder that is not noexec (a read error of the library, really another platform): as before
        assertThat(NativeLibraryFailure.explain(new UnsatisfiedLinkError("no zstd-jni in java.library.path"), "/var/tmp", MOUNTS,
                null)).isNull();
    }

    @Test
    void sqliteJdbcsErrorIsRecognisedThroughItsConnectionError() {
        SQLException opening = new SQLException("Error opening connection"); // as sqlite-jdbc throws it
        opening.initCause(new org.sqlite.NativeLibraryNotFoundException(
                "No native library found for os.name=Linux, os.arch=x86_64, paths=[/org/sqlite/native/Linux/x86_64:/usr/lib]"));
        assertThat(NativeLibraryFailure.explain(new IOException("cannot read SQLite database /db: Error opening connection",
                opening), "/tmp", MOUNTS, null))
                .startsWith("cannot load the SQLite native library: it is unpacked into java.io.tmpdir /tmp, which is mounted noexec");
        assertThat(NativeLibraryFailure.explain(new IOException("cannot read SQLite database /db: Error opening connection",
                new NoClassDefFoundError("Could not initialize class org.sqlite.core.NativeDB")), "/tmp", MOUNTS, null))
                .startsWith("cannot load the SQLite native library: it is unpacked into java.io.tmpdir /tmp, which is mounted noexec");
        assertThat(NativeLibraryFailure.explain(new IOException("disk full"), "/tmp", MOUNTS, null)).isNull();
    }
}
