package io.dbbackup.spi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What an executable's ELF header says about where it runs: its CPU ({@code e_machine}) and its dynamic loader
 * ({@code PT_INTERP}). A client built for another machine fails in words that never say so: the kernel's "Exec format
 * error" (and the shell fallback of {@code execvp} then reads the binary as a script: {@code 1: Syntax error: "("
 * unexpected}), or "No such file or directory" for a file that is there when its loader (another C library's, another
 * CPU's) is missing.
 */
record ElfBinary(int machine, String interpreter) {
    private static final Map<Integer, String> MACHINES = Map.of(3, "x86 (32-bit)", 0x28, "arm (32-bit)", 0x3E, "x86-64",
            0xB7, "aarch64", 0xF3, "riscv", 0x15, "ppc64", 0x16, "s390x", 0x08, "mips");
    /** The JVM's {@code os.arch} and the kernel's {@code uname -m} names, to e_machine. */
    private static final Map<String, Integer> HOST_ARCH = Map.ofEntries(Map.entry("amd64", 0x3E), Map.entry("x86_64", 0x3E),
            Map.entry("aarch64", 0xB7), Map.entry("arm64", 0xB7), Map.entry("arm", 0x28), Map.entry("armv6l", 0x28),
            Map.entry("armv7l", 0x28), Map.entry("armv8l", 0x28), Map.entry("x86", 3), Map.entry("i386", 3),
            Map.entry("i686", 3), Map.entry("riscv64", 0xF3), Map.entry("ppc64", 0x15), Map.entry("ppc64le", 0x15),
            Map.entry("s390x", 0x16));
    /** The kernel's machine ({@code uname -m}), asked once, on the first failure that needs it; null when unknown. */
    private static volatile Optional<Integer> kernel;
    private static final int PT_INTERP = 3;

    /** The ELF header of {@code file}; empty when it is no ELF file (a script) or cannot be read. */
    static Optional<ElfBinary> read(Path file) {
        if (file == null || !file.isAbsolute() || !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(64 * 1024);
            if (head.length < 52 || head[0] != 0x7F || head[1] != 'E' || head[2] != 'L' || head[3] != 'F') {
                return Optional.empty();
            }
            boolean wide = head[4] == 2;
            ByteBuffer b = ByteBuffer.wrap(head).order(head[5] == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            int machine = Short.toUnsignedInt(b.getShort(18));
            long phoff = wide ? b.getLong(0x20) : Integer.toUnsignedLong(b.getInt(0x1C));
            int phentsize = Short.toUnsignedInt(b.getShort(wide ? 0x36 : 0x2A));
            int phnum = Short.toUnsignedInt(b.getShort(wide ? 0x38 : 0x2C));
            String interpreter = null;
            for (int i = 0; i < phnum && phoff + (long) (i + 1) * phentsize <= head.length; i++) {
                int at = (int) (phoff + (long) i * phentsize);
                if (b.getInt(at) == PT_INTERP) {
                    long off = wide ? b.getLong(at + 8) : Integer.toUnsignedLong(b.getInt(at + 4));
                    long size = wide ? b.getLong(at + 0x20) : Integer.toUnsignedLong(b.getInt(at + 16));
                    if (off >= 0 && size > 1 && off + size <= head.length) {
                        interpreter = new String(head, (int) off, (int) size - 1, java.nio.charset.StandardCharsets.ISO_8859_1);
                    }
                }
            }
            return Optional.of(new ElfBinary(machine, interpreter));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Why {@code program} cannot run on this host, as its header tells: built for another CPU, or its dynamic loader
     * missing here (a build for another C library, such as musl's); "" when it tells nothing of the kind.
     */
    static String problem(Path program) {
        return read(program).map(elf -> elf.problemOf(program)).orElse("");
    }

    private String problemOf(Path program) {
        // both runnable here: the JVM's own (a 32-bit JVM's os.arch on a 64-bit kernel, whose programs run) and the kernel's
        Integer jvm = HOST_ARCH.get(System.getProperty("os.arch", "").toLowerCase(Locale.ROOT));
        Integer host = kernelMachine().orElse(jvm);
        if (host != null && machine != host && (jvm == null || machine != jvm)) {
            return "not a program for this machine: " + program + " is built for " + name(machine) + ", this host is "
                    + name(host) + " (install the build for this machine; not retried)";
        }
        if (interpreter != null && !Files.exists(Path.of(interpreter))) {
            return "cannot run " + program + ": its dynamic loader " + interpreter + " is not on this host (a build for "
                    + "another system, such as one for musl/Alpine; install the build for this machine; not retried)";
        }
        return "";
    }

    private static Optional<Integer> kernelMachine() {
        Optional<Integer> known = kernel;
        if (known == null) {
            known = Optional.empty();
            try {
                Process p = new ProcessBuilder("uname", "-m").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readNBytes(256), java.nio.charset.StandardCharsets.US_ASCII).strip();
                if (p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0) {
                    known = Optional.ofNullable(HOST_ARCH.get(out.toLowerCase(Locale.ROOT)));
                }
                p.destroyForcibly();
            } catch (IOException e) {
                // no uname: the JVM's os.arch alone, as before
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            kernel = known;
        }
        return known;
    }

    private static String name(int machine) {
        return MACHINES.getOrDefault(machine, "ELF machine " + machine);
    }
}
