package io.dbbackup.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Says, in one line, why a native library (zstd-jni's, sqlite-jdbc's) did not load when the reason is the usual one: the
 * library unpacks itself into {@code java.io.tmpdir} and maps it from there, and that folder is mounted {@code noexec}
 * (Docker's {@code --tmpfs /tmp} and compose's {@code tmpfs:} are by default, so are CIS-hardened hosts' /tmp). The
 * libraries' own text ("failed to map segment from shared object ... Unsupported OS/arch", or sqlite-jdbc's "Error
 * opening connection") names neither the cause nor the fix. bin/dbbackup and the image load them from a folder beside
 * the jar instead (io.dbbackup.cli.NativeLibraries); this is for a {@code java -jar} run without that folder.
 */
public final class NativeLibraryFailure {
    /** Less free space than this in the temp folder, and a library that did not load, is a full folder: they are ~1-2 MiB. */
    static final long ROOM = 4L << 20;

    private NativeLibraryFailure() {
    }

    /** The line, when {@code t}'s chain is a native library that did not load from a noexec temp folder; else null. */
    public static String explain(Throwable t) {
        try {
            String mounts = java.util.Objects.requireNonNullElse(Mounts.table(), "");
            String tmpdir = System.getProperty("java.io.tmpdir");
            return explain(t, tmpdir, mounts, runningJar(), usable(tmpdir));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The bytes free for this user in {@code folder}'s file system; -1 when that cannot be told. */
    private static long usable(String folder) {
        try {
            return folder == null ? -1 : Files.getFileStore(Path.of(folder)).getUsableSpace();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static String explain(Throwable t, String tmpdir, String mountinfo, Path jar) {
        return explain(t, tmpdir, mountinfo, jar, -1);
    }

    /**
     * As above; {@code free} (bytes, -1 unknown) below {@link #ROOM} in the temp folder, or "No space left on device" in
     * the chain, is said as that folder being full: the library could not be unpacked (sqlite-jdbc logs that and then
     * says only "Error opening connection", as if the database were at fault).
     */
    static String explain(Throwable t, String tmpdir, String mountinfo, Path jar, long free) {
        String library = null;
        boolean mapFailed = false;
        boolean full = false;
        for (Throwable e = t; e != null && e.getCause() != e; e = e.getCause()) {
            String msg = String.valueOf(e.getMessage());
            boolean nativeFailure = e instanceof UnsatisfiedLinkError
                    || e.getClass().getName().equals("org.sqlite.NativeLibraryNotFoundException")
                    || e instanceof NoClassDefFoundError && msg.startsWith("Could not initialize class")
                    || msg.startsWith("Cannot unpack lib"); // zstd-jni's, when it cannot write the library out
            if (nativeFailure) {
                String m = msg.toLowerCase(Locale.ROOT);
                library = m.contains("zstd") ? "zstd" : m.contains("sqlite") ? "SQLite" : m.contains("lz4") ? "lz4" : library;
                mapFailed |= m.contains("failed to map segment");
            }
            full |= msg.contains("No space left on device");
        }
        if (library == null || tmpdir == null) {
            return null;
        }
        String native_ = jar == null ? "dbbackup.native beside the jar" : folder(jar).toString();
        String once = " (or make that folder once: java -cp " + (jar == null ? "dbbackup.jar" : jar)
                + " io.dbbackup.cli.NativeLibraries)";
        // ENOSPC with bytes to spare: that folder's file system is out of inodes, and freeing bytes would not help
        String noInodes = full && (free < 0 || free >= ROOM) ? NoSpace.reason(Path.of(tmpdir), NoSpace.ENOSPC) : NoSpace.ENOSPC;
        if (!mapFailed && !noInodes.equals(NoSpace.ENOSPC)) {
            return "cannot load the " + library + " native library: it is unpacked into java.io.tmpdir " + tmpdir + ": "
                    + noInodes + "; or run dbbackup through bin/dbbackup or the container image, which load it from "
                    + native_ + once + ", or point -Djava.io.tmpdir at a folder on another file system";
        }
        if (!mapFailed && (full || free >= 0 && free < ROOM)) {
            return "cannot load the " + library + " native library: it is unpacked into java.io.tmpdir " + tmpdir
                    + ", which is full (" + (free < 0 ? "no room" : free / 1024 + " KiB free") + "); free space there, or run "
                    + "dbbackup through bin/dbbackup or the container image, which load it from " + native_ + once
                    + ", or point -Djava.io.tmpdir at a folder with room";
        }
        if (!(mapFailed || noexec(Path.of(tmpdir), mountinfo))) {
            return null;
        }
        return "cannot load the " + library + " native library: it is unpacked into java.io.tmpdir " + tmpdir
                + ", which is mounted noexec (as Docker's --tmpfs and compose's tmpfs are by default); run dbbackup through"
                + " bin/dbbackup or the container image, which load it from " + (jar == null ? "dbbackup.native beside the jar"
                : folder(jar)) + " (or make that folder once: java -cp "
                + (jar == null ? "dbbackup.jar" : jar) + " io.dbbackup.cli.NativeLibraries), or mount " + tmpdir
                + " with exec, or point -Djava.io.tmpdir at a folder mounted with exec";
    }

    /** Whether the mount {@code folder} is on has the noexec option (its own options: {@link Mounts#of}). */
    static boolean noexec(Path folder, String mountinfo) {
        return Mounts.of(folder, mountinfo).mount().contains("noexec");
    }

    /** Where io.dbbackup.cli.NativeLibraries unpacks them: {@code dbbackup.jar} → {@code dbbackup.native} beside it. */
    public static Path folder(Path jar) {
        String name = jar.getFileName().toString();
        return jar.resolveSibling(name.substring(0, name.length() - ".jar".length()) + ".native");
    }

    /** The jar dbbackup runs from, or null (classes from a folder: tests in the IDE, Maven's). */
    public static Path runningJar() {
        try {
            var source = NativeLibraryFailure.class.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null) {
                return null;
            }
            Path p = Path.of(source.getLocation().toURI());
            return p.getFileName() != null && p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p) ? p : null;
        } catch (Exception | LinkageError e) {
            return null;
        }
    }
}
