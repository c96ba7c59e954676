package io.dbbackup.cli;

import io.dbbackup.testkit.Shell;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real process under the standard streams cron, systemd and scripts hand it, on the bundled SQLite example: a result
 * written to a full disk or a closed stdout is a failure (exit 2, one line), not an empty inventory or a lost key that
 * exit 0; a dump piped to a reader that stops early is not "download finished"; a listing's reader stopping early
 * ({@code | head -1}) is normal and quiet; a backup whose log cannot be written still backs up and exits by its result.
 */
class StandardStreamsIT {
    private static final String FULL = "error: cannot write to standard output: No space left on device: the command's output is incomplete";
    private static final String CLOSED = "error: cannot write to standard output: Bad file descriptor: the command's output is incomplete";

    @TempDir
    Path dir;

    private record Run(int exit, String err) {
    }

    @BeforeEach
    void example() throws Exception {
        Files.createDirectories(dir.resolve("examples"));
        Files.copy(Path.of("examples/shop.db"), dir.resolve("examples/shop.db"));
        Files.copy(Path.of("examples/config.yaml"), dir.resolve("examples/config.yaml"));
        Run first = dbbackup("-q backup shop", "> /dev/null");
        assertThat(first.exit()).as(first.err()).isZero();
    }

    /** {@code dbbackup -c examples/config.yaml ARGS REDIRECT} in bash with pipefail: its exit code and its stderr. */
    private Run dbbackup(String args, String redirect) throws Exception {
        return dbbackup(args, redirect, "");
    }

    /** The same, {@code before} run first in the same group, sharing its stdout (the perl of a non-blocking pipe). */
    private Run dbbackup(String args, String redirect, String before) throws Exception {
        Path jar = Path.of(System.getProperty("dbbackup.jar", "target/dbbackup.jar")).toAbsolutePath();
        assertThat(jar).as("the shaded jar (mvn package)").exists();
        Shell.Result r = Shell.run(dir, "bash", "-c", "set -o pipefail; { " + before + "'" + Path.of(System.getProperty("java.home"),
                "bin", "java") + "' -jar '" + jar + "' -c examples/config.yaml " + args + " 2> err.txt; } " + redirect
                + "; echo $? > exit.txt");
        assertThat(r.exit()).as(r.output()).isZero();
        return new Run(Integer.parseInt(Files.readString(dir.resolve("exit.txt")).strip()),
                Files.exists(dir.resolve("err.txt")) ? Files.readString(dir.resolve("err.txt")) : "");
    }

    private long storedBackups() throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("backups/example/shop"))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".sqlite.zst")).count();
        }
    }

    @Test
    void aResultWrittenToAFullDiskFailsTheCommandInsteadOfLeavingAnEmptyFileAndExit0() throws Exception {
        for (String verb : new String[] {"list shop --json", "show shop", "prune --dry-run shop", "keygen", "config validate"}) {
            Run r = dbbackup("-q " + verb, "> /dev/full");
            assertThat(r.exit()).as(verb + ": " + r.err()).isEqualTo(2);
            assertThat(r.err()).as(verb).isEqualTo(FULL + "\n");
        }
    }

    @Test
    void aResultWrittenToAClosedStdoutFailsTheCommand() throws Exception {
        for (String verb : new String[] {"list shop", "keygen"}) {
            Run r = dbbackup("-q " + verb, ">&-");
            assertThat(r.exit()).as(verb + ": " + r.err()).isEqualTo(2);
            assertThat(r.err()).as(verb).endsWith(CLOSED + "\n");
        }
    }

    @Test
    void aDumpWhoseReaderStopsEarlyIsNotReportedAsDownloadedAndTheStoreIsUnharmed() throws Exception {
        // 136 KiB of SQLite: more than a pipe holds, so the writes after head exits find no reader
        Run r = dbbackup("download shop -o - --decompress", "| head -c 100 > /dev/null");
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).containsPattern("error: download of example/shop/shop-\\d{8}-\\d{6}\\.sqlite\\.zst failed: "
                + "cannot write to standard output: Broken pipe").doesNotContain("download finished").doesNotContain("\tat ");

        Run full = dbbackup("download shop -o -", "> /dev/full");
        assertThat(full.exit()).as(full.err()).isEqualTo(2);
        assertThat(full.err()).contains("failed: cannot write to standard output: No space left on device")
                .doesNotContain("download finished");

        Run verify = dbbackup("-q verify shop", "> /dev/null");
        assertThat(verify.exit()).as(verify.err()).isZero();
    }

    /**
     * A parent (a CI runner, a Node.js supervisor) may hand over a pipe it made non-blocking: a write to it when full
     * fails with EAGAIN instead of waiting. The dump must still arrive whole, byte for byte, with the reader slow.
     */
    @Test
    void aDumpToANonBlockingPipeArrivesWhole() throws Exception {
        Run file = dbbackup("-q download shop -o whole.db --decompress", "> /dev/null");
        assertThat(file.exit()).as(file.err()).isZero();

        Run r = dbbackup("download shop -o - --decompress", "| (sleep 3; cat > piped.db)",
                "perl -MFcntl -e 'fcntl(STDOUT, F_SETFL, fcntl(STDOUT, F_GETFL, 0) | O_NONBLOCK) or die \"fcntl: $!\"' && ");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("download finished");
        assertThat(Files.size(dir.resolve("piped.db"))).as("more than a pipe holds").isGreaterThan(65_536);
        assertThat(Files.mismatch(dir.resolve("piped.db"), dir.resolve("whole.db"))).isEqualTo(-1L);
    }

    /**
     * A reader that stalls without closing its end (a psql waiting on a lock) holds the download in a write: SIGTERM must
     * still stop it at once (exit 143), not when the reader goes away.
     */
    @Test
    void sigtermStopsADumpWhoseReaderStalls() throws Exception {
        Path jar = Path.of(System.getProperty("dbbackup.jar", "target/dbbackup.jar")).toAbsolutePath();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Shell.Result r = Shell.run(dir, "bash", "-c", "{ '" + java + "' -jar '" + jar + "' -c examples/config.yaml download shop -o - "
                + "--decompress 2> err.txt & echo $! > pid; wait $!; echo \"exit $?\" > exit.txt; } | sleep 12 & "
                + "sleep 4; start=$(date +%s); kill -TERM $(cat pid); while kill -0 $(cat pid) 2> /dev/null; do sleep 0.1; done; "
                + "echo \"gone after $(( $(date +%s) - start )) s\"; wait");
        assertThat(r.output()).containsPattern("gone after [0-5] s");
        assertThat(Files.readString(dir.resolve("exit.txt"))).isEqualTo("exit 143\n");
        assertThat(Files.readString(dir.resolve("err.txt"))).contains("failed: interrupted (cancelled: signal SIGTERM)")
                .doesNotContain("download finished");
    }

    /** A reader that takes what it wants and stops ({@code | head -1}) is normal use: exit 0, nothing on stderr. */
    @Test
    void aListingWhoseReaderStopsEarlyIsQuiet() throws Exception {
        Run r = dbbackup("list shop", "| head -1 > first.txt");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(Files.readString(dir.resolve("first.txt"))).startsWith("TIMESTAMP (UTC)");
    }

    @Test
    void aBackupWhoseLogCannotBeWrittenStillBacksUpAndExitsByItsResult() throws Exception {
        Path jar = Path.of(System.getProperty("dbbackup.jar", "target/dbbackup.jar")).toAbsolutePath();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (String streams : new String[] {"> /dev/null 2>&-", "> /dev/null 2> /dev/full"}) {
            long before = storedBackups();
            Thread.sleep(1_100); // one backup a second: the key is the time to the second
            Shell.Result r = Shell.run(dir, "bash", "-c", "'" + java + "' -jar '" + jar + "' -c examples/config.yaml backup shop "
                    + streams + "; echo \"exit $?\" > exit.txt");
            assertThat(r.exit()).as(r.output()).isZero();
            assertThat(Files.readString(dir.resolve("exit.txt"))).as(streams).isEqualTo("exit 0\n");
            assertThat(storedBackups()).as(streams).isEqualTo(before + 1);
        }

        // its summary (stdout) lost: the backup is made and checked, and the run says the output is incomplete
        long before = storedBackups();
        Thread.sleep(1_100);
        Run r = dbbackup("-q backup shop", "> /dev/full");
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).isEqualTo(FULL + "\n");
        assertThat(storedBackups()).isEqualTo(before + 1);
        Run verify = dbbackup("-q verify shop", "> /dev/null");
        assertThat(verify.exit()).as(verify.err()).isZero();
    }

    /**
     * A stderr pipe whose reader stalls without closing it (a hung log shipper): the old process blocked in its first log
     * line, the job and then the SIGTERM handler with it, for as long as the reader slept. The backup now runs to its end,
     * exits by its result and waits for its stalled log at most a couple of seconds.
     */
    @Test
    void aBackupWhoseStderrReaderStallsStillBacksUpAndExits() throws Exception {
        Path jar = Path.of(System.getProperty("dbbackup.jar", "target/dbbackup.jar")).toAbsolutePath();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        long before = storedBackups();
        Thread.sleep(1_100); // one backup a second: the key is the time to the second
        // the pipe is filled first (64 KiB), so that the first log line finds it full; its reader sleeps 40 s
        Shell.Result r = Shell.run(dir, "bash", "-c", "{ { head -c 65536 /dev/zero >&2; exec '" + java + "' -jar '" + jar
                + "' -c examples/config.yaml backup shop > /dev/null; } 2>&1 & echo $! > pid; wait $!; echo \"exit $?\" > exit.txt; } "
                + "| sleep 40 & reader=$!; start=$(date +%s); "
                + "while kill -0 $(cat pid 2> /dev/null || echo $$) 2> /dev/null && [ $(( $(date +%s) - start )) -lt 20 ]; do sleep 0.2; done; "
                + "echo \"gone after $(( $(date +%s) - start )) s\"; kill -KILL $(cat pid) 2> /dev/null; kill $reader; wait");
        assertThat(r.output()).containsPattern("gone after ([0-9]|1[0-2]) s");
        assertThat(Files.readString(dir.resolve("exit.txt"))).isEqualTo("exit 0\n");
        assertThat(storedBackups()).isEqualTo(before + 1);
    }

    /**
     * A stderr that a parent left non-blocking (as a CI runner or a Node.js supervisor may) refused the log lines while its
     * slow reader had not yet emptied it, and they were lost; with stdout on the same pipe ({@code 2>&1}) they now all
     * arrive, and before the summary when the reader keeps up.
     */
    @Test
    void theLogOnANonBlockingStderrPipeArrivesWholeAndInOrder() throws Exception {
        Path jar = Path.of(System.getProperty("dbbackup.jar", "target/dbbackup.jar")).toAbsolutePath();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Thread.sleep(1_100);
        Shell.Result r = Shell.run(dir, "bash", "-c", "{ perl -MFcntl -e 'fcntl(STDERR, F_SETFL, fcntl(STDERR, F_GETFL, 0) | O_NONBLOCK) "
                + "or die \"fcntl: $!\"' && head -c 65536 /dev/zero >&2 && '" + java + "' -jar '" + jar
                + "' -c examples/config.yaml backup shop; echo \"exit $?\" > exit.txt; } 2>&1 | (sleep 3; tr -d '\\000' > both.txt)");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(Files.readString(dir.resolve("exit.txt"))).isEqualTo("exit 0\n");
        String both = Files.readString(dir.resolve("both.txt"));
        // whole; the summary may come first: stdout waits for a stderr that got nothing out for 2 s no longer
        assertThat(both).containsSubsequence("INFO  backup started", "INFO  backup stored", "INFO  backup verified")
                .contains("1 of 1 job succeeded (exit 0)");

        // a reader that keeps up: the log lines come before the summary, as written
        Thread.sleep(1_100);
        Shell.Result inOrder = Shell.run(dir, "bash", "-c", "'" + java + "' -jar '" + jar + "' -c examples/config.yaml backup shop 2>&1 "
                + "| cat > both.txt");
        assertThat(inOrder.exit()).as(inOrder.output()).isZero();
        assertThat(Files.readString(dir.resolve("both.txt"))).containsSubsequence("INFO  backup started", "INFO  backup stored",
                "INFO  backup verified", "JOB ", "1 of 1 job succeeded (exit 0)");
    }
}
