package io.dbbackup.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Real binaries that cannot run on this host, made from its {@code /bin/true} by changing one field of the ELF file, so
 * that the kernel and the dynamic loader answer as they do for a client built for another machine.
 */
public final class ForeignBinaries {
    private static final Path TRUE = Path.of("/bin/true");
    private static final int AARCH64 = 0xB7;
    private static final int X86_64 = 0x3E;

    private ForeignBinaries() {
    }

    /** A binary whose {@code e_machine} is another CPU's (aarch64, or x86-64 on an aarch64 host); returns that CPU's name. */
    public static String forAnotherCpu(Path exe) throws IOException {
        byte[] elf = Files.readAllBytes(TRUE);
        int other = Byte.toUnsignedInt(elf[18]) == AARCH64 ? X86_64 : AARCH64;
        elf[18] = (byte) other;
        elf[19] = 0;
        write(exe, elf);
        return other == AARCH64 ? "aarch64" : "x86-64";
    }

    /** A binary whose dynamic loader ({@code PT_INTERP}) is {@code loader} with its last character an X; returns that path. */
    public static String withoutItsLoader(Path exe, String loader) throws IOException {
        byte[] elf = Files.readAllBytes(TRUE);
        int at = new String(elf, StandardCharsets.ISO_8859_1).indexOf(loader + "\0");
        if (at < 0) {
            throw new IllegalStateException(TRUE + " does not name the loader " + loader);
        }
        String gone = loader.substring(0, loader.length() - 1) + "X";
        System.arraycopy(gone.getBytes(StandardCharsets.ISO_8859_1), 0, elf, at, gone.length());
        write(exe, elf);
        return gone;
    }

    /** A binary that needs {@code libz.so.0} instead of {@code libc.so.6}, which the dynamic loader cannot find. */
    public static void missingALibrary(Path exe) throws IOException {
        byte[] elf = Files.readAllBytes(TRUE);
        int at = new String(elf, StandardCharsets.ISO_8859_1).indexOf("libc.so.6\0");
        if (at < 0) {
            throw new IllegalStateException(TRUE + " does not link libc.so.6");
        }
        System.arraycopy("libz.so.0".getBytes(StandardCharsets.ISO_8859_1), 0, elf, at, 9);
        write(exe, elf);
    }

    private static void write(Path exe, byte[] elf) throws IOException {
        Files.createDirectories(exe.getParent());
        Files.write(exe, elf);
        exe.toFile().setExecutable(true);
    }
}
