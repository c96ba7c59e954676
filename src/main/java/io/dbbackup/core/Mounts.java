package io.dbbackup.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The mount a path lies on, after {@code /proc/self/mountinfo}: the JDK's {@code FileStore} looks a mount up by device, so
 * it cannot tell a bind mount's own options (a container's {@code -v /srv:/srv:ro}, a {@code noexec} tmpfs) from those of
 * the file system under it.
 */
public final class Mounts {
    private Mounts() {
    }

    /** A mount's own options (the 6th field: {@code ro}, {@code noexec}) and its file system's (after {@code -}). */
    public record Options(List<String> mount, List<String> fileSystem) {
        static final Options NONE = new Options(List.of(), List.of());

        /** Read-only, by the mount's options or the file system's. */
        public boolean readOnly() {
            return mount.contains("ro") || fileSystem.contains("ro");
        }
    }

    /** This process's {@code /proc/self/mountinfo}, or null where it cannot be read. */
    public static String table() {
        try {
            return Files.readString(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The options of the mount that holds {@code p} in {@code mountinfo}: the mount point that is the longest prefix of its
     * real path; of equal ones, the last mounted (it is on top). None when no line holds it.
     */
    public static Options of(Path p, String mountinfo) {
        Path real;
        try {
            real = p.toRealPath();
        } catch (IOException | RuntimeException e) {
            real = p.toAbsolutePath().normalize();
        }
        int longest = -1;
        Options found = Options.NONE;
        for (String line : mountinfo.split("\n")) {
            String[] f = line.split(" ");
            if (f.length < 6) {
                continue;
            }
            Path point = Path.of(unescape(f[4]));
            if (real.startsWith(point) && point.getNameCount() >= longest) {
                longest = point.getNameCount();
                int dash = List.of(f).indexOf("-");
                found = new Options(List.of(f[5].split(",")),
                        dash >= 0 && dash + 3 < f.length ? List.of(f[dash + 3].split(",")) : List.of());
            }
        }
        return found;
    }

    /** mountinfo writes a space, tab, newline and backslash of a path as octal escapes ({@code \040}). */
    static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
