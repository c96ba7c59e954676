package io.dbbackup.spi;

import io.dbbackup.testkit.ForeignBinaries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A client program that cannot run on this host: built for another CPU, for another C library (its dynamic loader
 * missing), missing a shared library, or using instructions this CPU lacks (SIGILL). Real binaries ({@link
 * ForeignBinaries}). Each fails once (not retried: every attempt ends alike) in words that say which it is.
 */
class ForeignBinaryTest {
    @TempDir
    Path dir;

    @Test
    void aClientBuiltForAnotherCpuIsSaidToBeOneNotASyntaxError() throws IOException {
        Path exe = dir.resolve("pg_dump-bin/pg_dump");
        String cpu = ForeignBinaries.forAnotherCpu(exe);
        // run directly and under stdbuf (stdout read): execvp's shell fallback read it as a script ("Syntax error", exit 2)
        for (OutputStream out : java.util.Arrays.asList(new ByteArrayOutputStream(), (OutputStream) null)) {
            assertThatThrownBy(() -> ChildProcess.of(List.of(exe.toString(), "--version")).run(null, out, new Cancellation()))
                    .isInstanceOfSatisfying(ToolFailedException.class, e -> {
                        assertThat(e.retryable()).isFalse();
                        assertThat(e.getMessage()).contains("): not a program for this machine: " + exe + " is built for "
                                + cpu + ", this host is ").contains("not retried");
                    });
        }
        // from a bin_dir wrapper script: the shell's exit 126 named the program, and told to chmod +x it
        Path wrapper = script("psql", "#!/bin/sh\nexec " + exe + " \"$@\"\n");
        assertThatThrownBy(() -> ChildProcess.of(List.of(wrapper.toString())).run(null, null, new Cancellation()))
                .isInstanceOfSatisfying(ToolFailedException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).startsWith("psql failed (exit 126): not a program for this machine: " + exe)
                            .doesNotContain("chmod");
                });
    }

    /**
     * A 32-bit JVM (os.arch i386) on this 64-bit kernel: psql's ordinary exit 2 (no connection) read the 64-bit program's
     * header against the JVM's CPU and became "not a program for this machine … not retried", the server's words gone.
     */
    @Test
    void aProgramOfTheKernelsCpuIsNotForeignUnderA32BitJvm() throws Exception {
        assertThat(new String(new ProcessBuilder("uname", "-m").start().getInputStream().readAllBytes()).strip())
                .as("a 64-bit x86 kernel").isEqualTo("x86_64");
        String was = System.getProperty("os.arch");
        System.setProperty("os.arch", "i386");
        try {
            assertThatThrownBy(() -> ChildProcess.of(List.of("/bin/sh", "-c", "echo 'connection refused' >&2; exit 2"))
                    .run(null, null, new Cancellation()))
                    .isInstanceOfSatisfying(ToolFailedException.class, e -> {
                        assertThat(e.getMessage()).contains("connection refused").doesNotContain("not a program");
                        assertThat(e.retryable()).isTrue();
                    });
        } finally {
            System.setProperty("os.arch", was);
        }
    }

    @Test
    void aClientWhoseDynamicLoaderIsMissingIsNotCalledMissingItself() throws IOException {
        String loader = ElfBinary.read(Path.of("/bin/true")).orElseThrow().interpreter();
        assertThat(loader).as("/bin/true is dynamically linked").isNotNull();
        Path exe = dir.resolve("mariadb-dump-bin/mariadb-dump");
        String gone = ForeignBinaries.withoutItsLoader(exe, loader);
        for (OutputStream out : java.util.Arrays.asList(new ByteArrayOutputStream(), (OutputStream) null)) {
            assertThatThrownBy(() -> ChildProcess.of(List.of(exe.toString())).run(null, out, new Cancellation()))
                    .isInstanceOfSatisfying(ToolFailedException.class, e -> {
                        assertThat(e.retryable()).isFalse();
                        assertThat(e.getMessage()).contains(": cannot run " + exe + ": its dynamic loader " + gone
                                + " is not on this host").doesNotContain("command not found");
                    });
        }
    }

    @Test
    void aClientMissingASharedLibraryNamesTheLibrary() throws IOException {
        Path exe = dir.resolve("pg_dump-bin/pg_dump");
        ForeignBinaries.missingALibrary(exe);
        Path wrapper = script("pg_restore", "#!/bin/sh\nexec " + exe + " \"$@\"\n");
        for (Path p : List.of(exe, wrapper)) {
            assertThatThrownBy(() -> ChildProcess.of(List.of(p.toString())).run(null, new ByteArrayOutputStream(), new Cancellation()))
                    .as(p.toString())
                    .isInstanceOfSatisfying(ToolFailedException.class, e -> {
                        assertThat(e.retryable()).isFalse();
                        assertThat(e.getMessage()).contains("(exit 127): a shared library " + exe + " needs cannot be loaded: "
                                + "libz.so.0 (cannot open shared object file").doesNotContain("command not found");
                    });
        }
    }

    @Test
    void aClientEndedBySigillIsNotRetried() {
        assertThatThrownBy(() -> ChildProcess.of(List.of("/bin/sh", "-c", "kill -ILL $$")).name("psql")
                .run(null, null, new Cancellation()))
                .isInstanceOfSatisfying(ToolFailedException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).startsWith("psql failed (exit 132): crashed with SIGILL (signal 4)")
                            .contains("not retried");
                });
    }

    private Path script(String name, String text) throws IOException {
        Path p = Files.createDirectories(dir.resolve(name + "-bin")).resolve(name);
        Files.writeString(p, text);
        p.toFile().setExecutable(true);
        return p;
    }
}
