package io.dbbackup.cli;

import io.dbbackup.testkit.Shell;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backups with {@code java.io.tmpdir} on a real {@code noexec} tmpfs (Docker's {@code --tmpfs /tmp}, compose's
 * {@code tmpfs:}, a CIS-hardened host's /tmp), mounted in a private mount namespace ({@code unshare -rm}, as
 * {@link FullDiskIT}), with the shaded jar. zstd-jni and sqlite-jdbc unpacked their native libraries there at every run,
 * could not map them, and every zstd or SQLite backup failed. Run through bin/dbbackup, which unpacks them once beside
 * the jar ({@code dbbackup.native}), a zstd backup of the SQLite example works, as do its verification and a restore; with
 * {@code java -jar} and no such folder, the job fails with exit 2 and one line that says why and what to do.
 */
class NoexecTmpIT {
    @TempDir
    Path dir;
    private Path jar;

    @BeforeEach
    void files() throws Exception {
        jar = Path.of(System.getProperty("dbbackup.jar", "target/dbbackup.jar")).toAbsolutePath();
        assertThat(jar).as("the shaded jar (mvn package)").exists();
        Files.createDirectories(dir.resolve("tmp"));
        Files.createDirectories(dir.resolve("store"));
        Files.createDirectories(dir.resolve("restored"));
        Files.copy(Path.of("examples/shop.db"), dir.resolve("shop.db"));
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  shop: {engine: sqlite, path: shop.db, compression: zstd}
                  restored: {engine: sqlite, path: restored/shop.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                  shop: {datasource: shop, store: local}
                """);
    }

    @Test
    void throughTheLauncherTheLibrariesLoadFromBesideTheJar() throws Exception {
        Path installed = Files.createDirectories(dir.resolve("opt"));
        Files.copy(jar, installed.resolve("dbbackup.jar"));
        String dbbackup = "DBBACKUP_JAR=" + installed.resolve("dbbackup.jar") + " DBBACKUP_CDS=off"
                + " JAVA_OPTS=\"-XX:+UseSerialGC -Djava.io.tmpdir=$PWD/tmp\" " + Path.of("bin/dbbackup").toAbsolutePath() + " -q -c config.yaml";

        String out = inNoexecTmp(dbbackup + " backup shop; echo \"backup=$?\"; "
                + "zstd -t store/shop/*.sqlite.zst && echo zstd-ok; (cd store/shop && sha256sum -c ./*.sha256); "
                + dbbackup + " verify shop; echo \"verify=$?\"; "
                + dbbackup + " restore shop --to restored; echo \"restore=$?\"; "
                + "echo \"rows=$(sqlite3 restored/shop.db 'select count(*) from sqlite_master')\"; "
                + "echo '-- tmp:'; find tmp -name '*.so*'");

        assertThat(out).as(out).contains("backup=0", "zstd-ok", ".sqlite.zst: OK", "verify=0", "restore=0")
                .doesNotContain("UnsatisfiedLinkError", "failed to map segment");
        assertThat(out).containsPattern("rows=[1-9]");
        assertThat(out.substring(out.indexOf("-- tmp:")).lines().skip(1)).as("nothing unpacked into the temp folder").isEmpty();
        assertThat(installed.resolve("dbbackup.native")).as("made by the launcher, once").isDirectory();
    }

    @Test
    void withoutTheFolderTheJobFailsWithOneLineThatSaysWhyAndWhatToDo() throws Exception {
        Path bare = Files.copy(jar, Files.createDirectories(dir.resolve("bare")).resolve("dbbackup.jar")); // no dbbackup.native there
        String out = inNoexecTmp(Path.of(System.getProperty("java.home"), "bin", "java") + " -XX:+UseSerialGC -Djava.io.tmpdir=$PWD/tmp"
                + " -jar " + bare + " -q -c config.yaml backup shop 2> err; echo \"exit=$?\"; echo '-- stderr:'; cat err");

        assertThat(out).contains("exit=2");
        String line = out.lines().filter(l -> l.startsWith("shop ")).findFirst().orElseThrow(() -> new AssertionError(out));
        assertThat(line).as(out).contains("FAILED").containsPattern("backup of sqlite \\S+/shop\\.db failed: cannot load the (zstd|SQLite) "
                + "native library: it is unpacked into java\\.io\\.tmpdir \\S+/tmp, which is mounted noexec \\(as Docker's --tmpfs "
                + "and compose's tmpfs are by default\\); run dbbackup through bin/dbbackup or the container image, which load "
                + "it from \\S+/bare/dbbackup\\.native \\(or make that folder once: java -cp \\S+/bare/dbbackup\\.jar "
                + "io\\.dbbackup\\.cli\\.NativeLibraries\\), or mount \\S+/tmp with exec, or point -Djava\\.io\\.tmpdir at a folder mounted with exec$");
        String err = out.substring(out.indexOf("-- stderr:"));
        assertThat(err).as("the log's error line is that one line too").containsPattern("ERROR  ?backup of sqlite \\S+ failed: "
                + "cannot load the (zstd|SQLite) native library").doesNotContain("Unsupported OS/arch");
        assertThat(dir.resolve("store")).isEmptyDirectory();
    }

    private String inNoexecTmp(String script) {
        Shell.Result r = Shell.run(dir, "unshare", "-rm", "bash", "-c",
                "set -u; mount -t tmpfs -o noexec,nosuid,nodev,size=64m tmpfs tmp && grep -q ' '$PWD/tmp' .*noexec' /proc/self/mountinfo"
                        + " && " + script);
        assertThat(r.output()).as("unshare and mount (user namespaces must be on for a non-root user)")
                .doesNotContain("unshare:").doesNotContain("mount:");
        return r.output();
    }
}
