package io.dbbackup.cli;

import io.dbbackup.testkit.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A restore_command's {@code wal-fetch --stop-recovery-on-error} in a jar that lost or damaged a class (an upgrade that
 * overwrote it while PostgreSQL recovers): whatever cannot load — wal-fetch's own class, the exception it stops recovery
 * with, a class the main class needs to start, one the error report needs — the process exits 255 (PostgreSQL stops
 * recovery), never 1 ("not archived": PostgreSQL would promote early). Without the flag it is no 255.
 */
class WalFetchDamagedJarIT {
    @TempDir
    Path dir;

    /** A copy of the built jar named {@code name}, changed by {@code change} (given the jar's root). */
    private Path jar(String name, Change change) throws Exception {
        Path jar = Path.of(System.getProperty("dbbackup.jar", "target/dbbackup.jar")).toAbsolutePath();
        assertThat(jar).as("the shaded jar (mvn package)").exists();
        Path copy = Files.copy(jar, dir.resolve(name + ".jar"));
        try (FileSystem zip = FileSystems.newFileSystem(copy)) {
            change.apply(zip.getPath("/"));
        }
        return copy;
    }

    private interface Change {
        void apply(Path root) throws Exception;
    }

    /** The built jar without the class file {@code entry}. */
    private Path without(String entry) throws Exception {
        return jar("without-" + entry.replaceFirst("\\.class$", "").replaceAll("[^A-Za-z$]+", "_"),
                root -> Files.delete(root.resolve(entry)));
    }

    private Shell.Result walFetch(Path jar, boolean stopRecovery) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar.toString(), "-c", dir.resolve("no-such-config.yaml").toString(), "wal-fetch", "--job", "phys"));
        if (stopRecovery) {
            cmd.add("--stop-recovery-on-error");
        }
        cmd.addAll(List.of("000000010000000000000001", "pg_wal/RECOVERYXLOG"));
        return Shell.run(dir, cmd.toArray(String[]::new));
    }

    @Test
    void aClassThatCannotLoadStopsRecoveryWithTheFlagAndOnlyWithIt() throws Exception {
        List<String> lost = List.of("io/dbbackup/cli/WalFetchCommand.class", "io/dbbackup/cli/WalFetchCommand$StopRecovery.class",
                "io/dbbackup/core/DbBackupException.class", "io/dbbackup/cli/WalPushShortcut.class",
                "io/dbbackup/core/Redactor.class", "io/dbbackup/core/ExitStatus.class", "io/dbbackup/job/WalArchive.class",
                "io/dbbackup/job/Confirmer.class", "io/dbbackup/cli/JsonFailure$Watched.class");
        List<Path> jars = new ArrayList<>();
        for (String entry : lost) {
            jars.add(without(entry));
        }
        jars.add(jar("garbled-WalFetchCommand", root -> Files.writeString(root.resolve("io/dbbackup/cli/WalFetchCommand.class"),
                "not a class")));
        // none of dbbackup's classes but the main class: whatever main needs, before or after it starts, is lost
        jars.add(jar("only-Main", root -> {
            try (Stream<Path> all = Files.walk(root.resolve("io/dbbackup"))) {
                for (Path p : all.filter(p -> p.toString().endsWith(".class") && !p.toString().equals("/io/dbbackup/cli/Main.class"))
                        .toList()) {
                    Files.delete(p);
                }
            }
        }));
        for (Path jar : jars) {
            Shell.Result stop = walFetch(jar, true);
            assertThat(stop.exit()).as(jar.getFileName() + "\n" + stop).isEqualTo(255);
            assertThat(stop.output()).as(jar.getFileName().toString()).contains("PostgreSQL stops recovery here");
            Shell.Result plain = walFetch(jar, false);
            assertThat(plain.exit()).as(jar.getFileName() + "\n" + plain).isNotEqualTo(255).isNotZero();
        }
    }
}
