package io.dbbackup.store.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On a file system that neither renames in one step nor links, a new key is copied into its final name by Files.move,
 * which does not fsync the copy: a power cut after "ok" could leave it empty. The store now fsyncs it. Observed with
 * strace on a JVM of its own (a JVM's system calls cannot be seen from inside it).
 */
class LocalCopyInSyncIT {
    @TempDir
    Path dir;

    /** Puts one new key into a store at {@code args[0]} that fsyncs, renames nothing in one step and links nothing. */
    public static void main(String[] args) throws Exception {
        LocalStore store = LocalStoreFaults.withoutHardLinks(LocalStoreFaults.withoutAtomicRenames(
                new LocalStore(Path.of(args[0]), true)));
        store.put("app/app-20260101-040000.sql.gz", "the whole backup".getBytes(), null);
    }

    @Test
    void aNewKeyCopiedInIsFsynced() throws Exception {
        Path real = dir.toRealPath();
        Path trace = real.resolve("fsync.trace");
        Process p = new ProcessBuilder(List.of("strace", "-f", "-qq", "-y", "-e", "trace=fsync,fdatasync", "-o", trace.toString(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                LocalCopyInSyncIT.class.getName(), real.resolve("store").toString()))
                .redirectErrorStream(true).redirectOutput(real.resolve("out.txt").toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(real.resolve("out.txt"))).isZero();
        Path key = real.resolve("store/app/app-20260101-040000.sql.gz");
        assertThat(Files.readString(key)).isEqualTo("the whole backup");
        assertThat(Files.readString(trace)).as("fsync of the copy under its key").contains("<" + key + ">)");
    }
}
