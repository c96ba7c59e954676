package io.dbbackup.cli;

import io.dbbackup.core.NativeLibraryFailure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * The native libraries of zstd-jni and sqlite-jdbc, loaded from a folder beside the jar instead of being unpacked into
 * {@code java.io.tmpdir} at every run: a temp folder mounted {@code noexec} (Docker's {@code --tmpfs /tmp}, compose's
 * {@code tmpfs:}, CIS-hardened hosts) cannot map them, and every zstd or SQLite backup failed.
 *
 * <p>{@link #main} unpacks this platform's libraries into {@code <jar without .jar>.native/<os>-<arch>/} (each through a
 * temp file and a rename); bin/dbbackup runs it once per build of the jar where the jar's folder is writable, the image's
 * build step in the Dockerfile. {@link #configure()}, the first thing {@link Main#main} does, points the libraries at
 * that folder through their own system properties: zstd-jni's {@code ZstdNativePath} (no fallback if it fails to load:
 * set only when the file is there, for this platform, not older than the jar) and sqlite-jdbc's
 * {@code org.sqlite.lib.path} and {@code org.sqlite.lib.name} (it falls back to unpacking). Properties the user set are
 * kept. lz4-java is left alone: it falls back to its pure-Java codec when its library cannot load. JDK code only, and
 * nothing thrown: a start-up without the folder is the start-up as before.
 */
public final class NativeLibraries {
    static final String ZSTD_PATH = "ZstdNativePath";
    static final String SQLITE_PATH = "org.sqlite.lib.path";
    static final String SQLITE_NAME = "org.sqlite.lib.name";
    /** zstd-jni's version, in its library's name (a compile-time constant: copied here, no class of zstd-jni loads). */
    static final String ZSTD_VERSION = com.github.luben.zstd.util.ZstdVersion.VERSION;

    private NativeLibraries() {
    }

    /**
     * Unpacks this platform's libraries beside the jar (or into the folder given as the only argument); prints the folder.
     * Exit 0 also when the jar holds no library for this platform (nothing to unpack), 2 when the folder cannot be written.
     */
    public static void main(String[] args) {
        try {
            Path jar = NativeLibraryFailure.runningJar();
            Path folder = args.length > 0 ? Path.of(args[0]) : jar == null ? null : folder(jar);
            if (folder == null) {
                System.err.println("dbbackup: not run from a jar: give the folder to unpack the native libraries into");
                System.exit(2);
            }
            Files.createDirectories(folder); // also with nothing in it: bin/dbbackup unpacks again only for a newer jar
            List<Path> written = extract(folder);
            Files.setLastModifiedTime(folder, FileTime.fromMillis(System.currentTimeMillis()));
            System.out.println(written.isEmpty() ? "no native library for this platform in the jar" : folder.resolve(
                    platform(System.getProperty("os.name"), System.getProperty("os.arch"))).toString());
            System.exit(0);
        } catch (IOException | RuntimeException e) {
            System.err.println("dbbackup: cannot unpack the native libraries: " + e);
            System.exit(2);
        }
    }

    /** Points the libraries at the folder beside the running jar, if there is one; never throws. */
    public static void configure() {
        try {
            Path jar = NativeLibraryFailure.runningJar();
            if (jar != null) {
                configure(jar, System.getProperties(), System.getProperty("os.name"), System.getProperty("os.arch"));
            }
        } catch (Throwable e) { // as before: the libraries unpack themselves
        }
    }

    /**
     * Sets, in {@code props}, the properties for the libraries found in {@code jar}'s native folder for this platform and
     * returns their names. A property (for sqlite-jdbc: either of its two) already set is left as it is; a file missing,
     * or older than the jar (a folder left from an earlier build), is not named.
     */
    static List<String> configure(Path jar, Properties props, String osName, String osArch) throws IOException {
        List<String> set = new ArrayList<>();
        Path dir = folder(jar).resolve(platform(osName, osArch));
        if (!Files.isDirectory(dir)) {
            return set;
        }
        FileTime built = Files.getLastModifiedTime(jar);
        Path zstd = dir.resolve(zstdName(osName));
        if (props.getProperty(ZSTD_PATH) == null && current(zstd, built)) {
            props.setProperty(ZSTD_PATH, zstd.toAbsolutePath().toString());
            set.add(ZSTD_PATH);
        }
        Path sqlite = dir.resolve(sqliteName());
        if (props.getProperty(SQLITE_PATH) == null && props.getProperty(SQLITE_NAME) == null && current(sqlite, built)) {
            props.setProperty(SQLITE_PATH, dir.toAbsolutePath().toString());
            props.setProperty(SQLITE_NAME, sqlite.getFileName().toString());
            set.add(SQLITE_PATH);
            set.add(SQLITE_NAME);
        }
        return set;
    }

    private static boolean current(Path file, FileTime built) throws IOException {
        return Files.isRegularFile(file) && Files.isReadable(file) && Files.getLastModifiedTime(file).compareTo(built) >= 0;
    }

    /**
     * Unpacks the libraries the JVM would load on this platform from the jar's resources into {@code folder/<platform>/},
     * each through a temp file in that folder and a rename (a run beside it sees the old file or the new one, never half
     * of one); returns the files written.
     */
    static List<Path> extract(Path folder) throws IOException {
        String osName = System.getProperty("os.name");
        Path dir = folder.resolve(platform(osName, System.getProperty("os.arch")));
        List<Path> written = new ArrayList<>();
        for (String[] lib : List.of(new String[] {zstdResource(osName, System.getProperty("os.arch")), zstdName(osName)},
                new String[] {sqliteResource(), sqliteName()})) {
            try (InputStream in = NativeLibraries.class.getResourceAsStream(lib[0])) {
                if (in == null) {
                    continue; // no library for this platform: the JVM finds none either, as before
                }
                Files.createDirectories(dir);
                Path tmp = Files.createTempFile(dir, "." + lib[1], ".tmp");
                try {
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                    tmp.toFile().setReadable(true, false);
                    Path target = dir.resolve(lib[1]);
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    written.add(target);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
        }
        return written;
    }

    /** {@code dbbackup.jar} → {@code dbbackup.native} beside it (as {@code dbbackup.jsa}, the class-data archive). */
    static Path folder(Path jar) {
        return NativeLibraryFailure.folder(jar);
    }

    /** The platform's subfolder name, e.g. {@code linux-amd64}: a folder shared between machines holds each one's own. */
    static String platform(String osName, String osArch) {
        return os(osName) + "-" + osArch.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "");
    }

    private static String os(String osName) {
        String os = osName.toLowerCase(Locale.ROOT).replace(' ', '_');
        return os.startsWith("win") ? "win" : os.startsWith("mac") ? "darwin" : os;
    }

    private static String ext(String osName) {
        String os = os(osName);
        return os.equals("darwin") ? "dylib" : os.equals("win") ? "dll" : "so";
    }

    static String zstdName(String osName) {
        return "libzstd-jni-" + ZSTD_VERSION + "." + ext(osName);
    }

    /** As sqlite-jdbc names it on this machine ({@code org.sqlite.util.LibraryLoaderUtil#getNativeLibName}). */
    static String sqliteName() {
        return System.mapLibraryName("sqlitejdbc");
    }

    /** Where zstd-jni keeps it in the jar ({@code com.github.luben.zstd.util.Native#resourceName}). */
    static String zstdResource(String osName, String osArch) {
        String os = os(osName);
        String arch = os.equals("darwin") && osArch.equals("amd64") ? "x86_64" : osArch;
        return "/" + os + "/" + arch + "/" + zstdName(osName);
    }

    /** Where sqlite-jdbc keeps it in the jar for this machine, as sqlite-jdbc itself finds it (musl, ARM variants). */
    static String sqliteResource() {
        return org.sqlite.util.LibraryLoaderUtil.getNativeLibResourcePath() + "/" + org.sqlite.util.LibraryLoaderUtil.getNativeLibName();
    }
}
