package io.dbbackup.spi;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs a tool whose stdout we read under coreutils {@code stdbuf -o 1M}. Dump tools write through
 * stdio, which buffers only 4 KiB when stdout is a pipe: a GiB of dump is then ~260,000 write calls
 * and as many wake-ups of the reader. With a 1 MiB buffer the pipe moves full 64 KiB loads and the
 * kernel time of pg_dump + reader falls by about 0.8 s per GiB (docs/PERFORMANCE.md). {@code stdbuf}
 * execs the tool in place (same pid, so cancellation kills the tool itself) and only changes its
 * stdio buffering. Where {@code stdbuf} is missing or does not work (no {@code libstdbuf.so},
 * busybox), tools run as they are.
 */
final class StdoutBuffer {
    static final String SIZE = "1M";

    private static volatile Optional<String> stdbuf;

    private StdoutBuffer() {
    }

    static List<String> wrap(List<String> command, String path) {
        // a tool that cannot start must still fail as "cannot start", not as stdbuf's exit 127
        if (!executable(command.get(0), path)) {
            return command;
        }
        Optional<String> tool = stdbuf(path);
        if (tool.isEmpty()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(command.size() + 3);
        wrapped.add(tool.get());
        wrapped.add("-o");
        wrapped.add(SIZE);
        wrapped.addAll(command);
        return wrapped;
    }

    private static Optional<String> stdbuf(String path) {
        Optional<String> found = stdbuf;
        if (found == null) {
            found = probe(path);
            stdbuf = found;
        }
        return found;
    }

    private static boolean executable(String program, String path) {
        if (program.contains("/")) {
            return Files.isRegularFile(Path.of(program)) && Files.isExecutable(Path.of(program));
        }
        return onPath(program, path).isPresent();
    }

    private static Optional<Path> onPath(String program, String path) {
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * {@code stdbuf} from PATH, if it is coreutils' and its preload library is where it looks for it
     * (beside itself, or {@code <prefix>/libexec/coreutils}): checked on the file system, not by running
     * it, which would cost a process start on every command.
     */
    private static Optional<String> probe(String path) {
        Optional<Path> candidate = onPath("stdbuf", path);
        if (candidate.isEmpty()) {
            return Optional.empty();
        }
        try {
            Path real = candidate.get().toRealPath();
            if (!real.getFileName().toString().equals("stdbuf")) {
                return Optional.empty(); // a multi-call binary (busybox, uutils): not coreutils' preload
            }
            Path dir = real.getParent();
            List<Path> libs = new ArrayList<>(List.of(dir.resolve("libstdbuf.so")));
            if (dir.getParent() != null) {
                libs.add(dir.getParent().resolve("libexec/coreutils/libstdbuf.so"));
                libs.add(dir.getParent().resolve("lib/coreutils/libstdbuf.so"));
            }
            libs.add(Path.of("/usr/libexec/coreutils/libstdbuf.so"));
            for (Path lib : libs) {
                if (Files.isRegularFile(lib)) {
                    return Optional.of(candidate.get().toString());
                }
            }
        } catch (java.io.IOException e) {
            // unreadable: tools run unwrapped
        }
        return Optional.empty();
    }
}
