package io.dbbackup.cli;

import io.dbbackup.testkit.DbbackupJar;
import io.dbbackup.testkit.Shell;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM while a command reads a stored backup (the built jar, a local store, the read slowed by
 * {@code --limit-download}): the read is stopped, the command says it was interrupted (the cancellation's reason) and
 * the process exits 143. {@code verify --deep} said "verification of … failed: SourceReadException" (the read's
 * failure wrapped, no word of the signal), and restore's check before the restore was not stopped at all: it read on
 * to its end, and the restore it then started was cut by the process's exit, without a word.
 */
class ReadCancelSignalIT {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "verify big|verification of big/big-",
            "verify big --deep|verification of big/big-",
            "restore big --to restored|cannot read big/big-",
            "download big -o got.sqlite|download of big/big-"})
    void sigtermMidReadSaysTheCommandWasInterrupted(String command, String context) throws Exception {
        Shell.ok(dir, "sqlite3", dir.resolve("big.db").toString(),
                "create table blobs(b); insert into blobs select randomblob(1048576) from generate_series(1, 6);");
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  big: {engine: sqlite, path: big.db, compression: none}
                  restored: {engine: sqlite, path: restored.db}
                stores:
                  local: {type: local, path: store, fsync: false}
                jobs:
                  big: {datasource: big, store: local}
                """);
        Process backup = DbbackupJar.start(dir, Map.of(), "backup", "big");
        assertThat(backup.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(backup.exitValue()).as(Files.readString(dir.resolve("err.txt"))).isZero();

        List<String> args = new java.util.ArrayList<>(List.of("--limit-download", "512KiB"));
        args.addAll(List.of(command.split(" ")));
        Process p = DbbackupJar.start(dir, Map.of(), args.toArray(String[]::new));
        try {
            DbbackupJar.Stopped stopped = DbbackupJar.terminateWhen(p, dir, "the backup is read",
                    () -> reading(p, dir.resolve("store")), 1000);
            assertThat(stopped.exit()).as(stopped.toString()).isEqualTo(143);
            assertThat(stopped.ms()).as("stopped within seconds, not read to its end").isLessThan(5000);
            assertThat(stopped.err()).contains(context).contains(": interrupted (cancelled: signal SIGTERM)")
                    .doesNotContain("SourceReadException", "restore started", "is corrupt");
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.map(f -> f.getFileName().toString())).as("nothing downloaded or restored")
                        .noneMatch(f -> f.startsWith("got") || f.startsWith("restored") || f.contains("dbbackup-"));
            }
        } finally {
            p.destroyForcibly();
        }
    }

    /** Whether {@code p} holds a backup in {@code store} open (Linux: its /proc/PID/fd), not a sidecar or a manifest. */
    private static boolean reading(Process p, Path store) throws IOException {
        if (!Files.isDirectory(store)) {
            return false;
        }
        Path real = store.toRealPath();
        try (Stream<Path> open = Files.list(Path.of("/proc", String.valueOf(p.pid()), "fd"))) {
            return open.anyMatch(fd -> {
                try {
                    Path target = Files.readSymbolicLink(fd);
                    return target.startsWith(real) && target.getFileName().toString().endsWith(".sqlite");
                } catch (IOException e) {
                    return false; // closed meanwhile
                }
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            return false; // the process is ending: the caller says so
        }
    }
}
