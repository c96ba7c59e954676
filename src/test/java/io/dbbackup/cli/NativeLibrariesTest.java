package io.dbbackup.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start-up side of the native libraries beside the jar ({@link NativeLibraries#configure(Path, Properties, String,
 * String)}): which of zstd-jni's and sqlite-jdbc's properties are set, for a folder there or not, properties the user
 * gave kept; and the unpacking ({@link NativeLibraries#extract}) of this machine's libraries from the real dependency jars.
 */
class NativeLibrariesTest {
    @TempDir
    Path dir;
    private Path jar;
    private Path linux;

    @BeforeEach
    void jar() throws Exception {
        jar = Files.writeString(dir.resolve("dbbackup.jar"), "a jar");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.parse("2026-12-01T00:00:00Z")));
        linux = dir.resolve("dbbackup.native/linux-amd64");
    }

    private void libraries(Path folder, Instant written) throws Exception {
        Files.createDirectories(folder);
        for (String name : List.of("libzstd-jni-" + NativeLibraries.ZSTD_VERSION + ".so", "libsqlitejdbc.so")) {
            Files.setLastModifiedTime(Files.writeString(folder.resolve(name), "ELF"), FileTime.from(written));
        }
    }

    @Test
    void withoutTheFolderNothingIsSet() throws Exception {
        Properties props = new Properties();
        assertThat(NativeLibraries.configure(jar, props, "Linux", "amd64")).isEmpty();
        assertThat(props).isEmpty();
    }

    @Test
    void theFolderBesideTheJarPointsBothLibrariesAtIt() throws Exception {
        libraries(linux, Instant.parse("2026-12-02T00:00:00Z"));
        Properties props = new Properties();

        assertThat(NativeLibraries.configure(jar, props, "Linux", "amd64"))
                .containsExactly("ZstdNativePath", "org.sqlite.lib.path", "org.sqlite.lib.name");
        assertThat(props.getProperty("ZstdNativePath")).isEqualTo(linux.resolve("libzstd-jni-1.5.7-28.so").toString());
        assertThat(props.getProperty("org.sqlite.lib.path")).isEqualTo(linux.toString());
        assertThat(props.getProperty("org.sqlite.lib.name")).isEqualTo("libsqlitejdbc.so");
    }

    @Test
    void propertiesTheUserSetAreKept() throws Exception {
        libraries(linux, Instant.parse("2026-12-02T00:00:00Z"));
        Properties props = new Properties();
        props.setProperty("ZstdNativePath", "/opt/zstd/libzstd-jni.so");
        props.setProperty("org.sqlite.lib.name", "mysqlite.so"); // either of sqlite-jdbc's two: both are left to the user

        assertThat(NativeLibraries.configure(jar, props, "Linux", "amd64")).isEmpty();
        assertThat(props).hasSize(2).containsEntry("ZstdNativePath", "/opt/zstd/libzstd-jni.so")
                .containsEntry("org.sqlite.lib.name", "mysqlite.so");

        Properties sqliteOnly = new Properties();
        sqliteOnly.setProperty("org.sqlite.lib.path", "/usr/lib/jni");
        assertThat(NativeLibraries.configure(jar, sqliteOnly, "Linux", "amd64")).containsExactly("ZstdNativePath");
        assertThat(sqliteOnly.getProperty("org.sqlite.lib.path")).isEqualTo("/usr/lib/jni");
        assertThat(sqliteOnly.getProperty("org.sqlite.lib.name")).isNull();
    }

    @Test
    void anotherPlatformsFolderOrAFileOlderThanTheJarIsNotUsed() throws Exception {
        libraries(linux, Instant.parse("2026-12-02T00:00:00Z"));
        Properties arm = new Properties();
        assertThat(NativeLibraries.configure(jar, arm, "Linux", "aarch64")).as("only linux-amd64 there").isEmpty();

        // unpacked from an earlier build of the jar: zstd-jni would load it without falling back, sqlite-jdbc too
        libraries(linux, Instant.parse("2026-11-30T00:00:00Z"));
        Properties stale = new Properties();
        assertThat(NativeLibraries.configure(jar, stale, "Linux", "amd64")).isEmpty();
        assertThat(stale).isEmpty();

        Files.setLastModifiedTime(linux.resolve("libsqlitejdbc.so"), FileTime.from(Instant.parse("2026-12-02T00:00:00Z")));
        Files.delete(linux.resolve("libzstd-jni-1.5.7-28.so"));
        Properties sqlite = new Properties();
        assertThat(NativeLibraries.configure(jar, sqlite, "Linux", "amd64")).as("zstd's file missing: only sqlite")
                .containsExactly("org.sqlite.lib.path", "org.sqlite.lib.name");
    }

    @Test
    void theFolderIsNamedAfterTheJarAndThePlatform() {
        assertThat(NativeLibraries.folder(Path.of("/opt/dbbackup/dbbackup.jar"))).isEqualTo(Path.of("/opt/dbbackup/dbbackup.native"));
        assertThat(NativeLibraries.platform("Linux", "amd64")).isEqualTo("linux-amd64");
        assertThat(NativeLibraries.platform("Mac OS X", "aarch64")).isEqualTo("darwin-aarch64");
        assertThat(NativeLibraries.zstdResource("Linux", "amd64")).isEqualTo("/linux/amd64/libzstd-jni-1.5.7-28.so");
    }

    @Test
    void unpackingWritesThisMachinesLibrariesAsTheJarHoldsThemAndNothingElse() throws Exception {
        Path folder = dir.resolve("out.native");
        List<Path> written = NativeLibraries.extract(folder);
        Path platform = folder.resolve(NativeLibraries.platform(System.getProperty("os.name"), System.getProperty("os.arch")));
        assertThat(written).containsExactly(
                platform.resolve(NativeLibraries.zstdName(System.getProperty("os.name"))),
                platform.resolve(System.mapLibraryName("sqlitejdbc")));
        for (Path p : written) {
            String resource = p.getFileName().toString().startsWith("libzstd")
                    ? NativeLibraries.zstdResource(System.getProperty("os.name"), System.getProperty("os.arch"))
                    : NativeLibraries.sqliteResource();
            try (InputStream in = NativeLibraries.class.getResourceAsStream(resource)) {
                assertThat(in).as(resource).isNotNull();
                assertThat(Files.readAllBytes(p)).isEqualTo(in.readAllBytes());
            }
            assertThat(Files.getPosixFilePermissions(p)).contains(PosixFilePermission.OTHERS_READ);
        }
        NativeLibraries.extract(folder); // again, over the files there
        try (Stream<Path> files = Files.list(platform)) {
            assertThat(files).as("no temp file left").hasSize(2);
        }
        // what the start-up then sets, for a jar older than the files
        Properties props = new Properties();
        Path jarThere = Files.writeString(dir.resolve("out.jar"), "jar");
        Files.setLastModifiedTime(jarThere, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        assertThat(NativeLibraries.configure(jarThere, props, System.getProperty("os.name"), System.getProperty("os.arch")))
                .hasSize(3);
    }
}
