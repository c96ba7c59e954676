package io.dbbackup.spi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A client program that cannot run on this host: built for another CPU, for another C library (its dynamic loader
 * missing), missing a shared library, or using instructions this CPU lacks (SIGILL). Real binaries, this host's
 * {@code /bin/true} with one field of its ELF file changed, so the kernel and the dynamic loader answer as they do for
 * such a client. Each fails once (not retried: every attempt ends alike) in words that say which it is.
 */
class ForeignBinaryTest {
    @TempDir
    Path dir;

    @Test
    void aClientBuiltForAnotherCpuIsSaidToBeOneNotASyntaxError() throws IOException {
        ElfBinary self = ElfBinary.read(Path.of("/bin/true")).orElseThrow();
        int other = self.machine() == 0xB7 ? 0x3E : 0xB7; // aarch64, or x86-64 on an aarch64 host
        byte[] elf = Files.readAllBytes(Path.of("/bin/true"));
        elf[18] = (byte) other;
        elf[19] = 0;
        Path exe = binary("pg_dump", elf);
        // run directly and under stdbuf (stdout read): execvp's shell fallback read it as a script ("Syntax error", exit 2)
        for (OutputStream out : java.util.Arrays.asList(new ByteArrayOutputStream(), (OutputStream) null)) {
            assertThatThrownBy(() -> ChildProcess.of(List.of(exe.toString(), "--version")).run(null, out, new Cancellation()))
                    .isInstanceOfSatisfying(ToolFailedException.class, e -> {
                        assertThat(e.retryable()).isFalse();
                        assertThat(e.getMessage()).contains("): not a program for this machine: " + exe + " is built for "
                                + (other == 0xB7 ? "aarch64" : "x86-64") + ", this host is ").contains("not retried");
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

    @Test
    void aClientWhoseDynamicLoaderIsMissingIsNotCalledMissingItself() throws IOException {
        ElfBinary self = ElfBinary.read(Path.of("/bin/true")).orElseThrow();
        String loader = self.interpreter();
        assertThat(loader).as("/bin/true is dynamically linked").isNotNull();
        byte[] elf = Files.readAllBytes(Path.of("/bin/true"));
        String text = new String(elf, StandardCharsets.ISO_8859_1);
        int at = text.indexOf(loader + "\0");
        String gone = loader.substring(0, loader.length() - 1) + "X";
        System.arraycopy(gone.getBytes(StandardCharsets.ISO_8859_1), 0, elf, at, gone.length());
        Path exe = binary("mariadb-dump", elf);
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
        byte[] elf = Files.readAllBytes(Path.of("/bin/true"));
        String text = new String(elf, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("libc.so.6\0");
        assertThat(at).as("/bin/true links libc.so.6").isPositive();
        System.arraycopy("libz.so.0".getBytes(StandardCharsets.ISO_8859_1), 0, elf, at, 9);
        Path exe = binary("pg_dump", elf);
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

    private Path binary(String name, byte[] elf) throws IOException {
        Path p = Files.createDirectories(dir.resolve(name + "-bin")).resolve(name);
        Files.write(p, elf);
        p.toFile().setExecutable(true);
        return p;
    }

    private Path script(String name, String text) throws IOException {
        return binary(name, text.getBytes(StandardCharsets.UTF_8));
    }
}
