package io.dbbackup.spi;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The stdout buffering of tools whose output is read (docs/DECISIONS.md, "stdbuf"). */
class ChildProcessTest {
    @Test
    void aToolWhoseStdoutIsReadRunsWithA1MiBStdioBufferAndItsOutputIntact() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // env prints its environment: stdbuf's variables are there, and nothing else of ours
        ChildProcess.of(List.of("/usr/bin/env")).env("MARK", "x").run(null, out, new Cancellation());
        String env = out.toString(StandardCharsets.UTF_8);
        assertThat(env).contains("_STDBUF_O=1048576").contains("LD_PRELOAD=").contains("MARK=x");
        assertThat(StdoutBuffer.wrap(List.of("/usr/bin/env"), System.getenv("PATH")).get(0)).endsWith("/stdbuf");

        // a large output arrives complete and in order through the buffered pipe
        ByteArrayOutputStream big = new ByteArrayOutputStream();
        ChildProcess.of(List.of("/usr/bin/seq", "1", "300000")).run(null, big, new Cancellation());
        String[] lines = big.toString(StandardCharsets.US_ASCII).split("\n");
        assertThat(lines).hasSize(300_000);
        assertThat(lines[0]).isEqualTo("1");
        assertThat(lines[299_999]).isEqualTo("300000");
    }

    /**
     * A restore runs psql several times under one operation (the server's version, the lock-wait watch, the load): each
     * run left its kill hook registered, with its process, until the operation ended. A finished run drops its hook, and
     * a failed one too.
     */
    @Test
    void aFinishedRunLeavesNoHookWaitingForTheOperationsCancellation() throws Exception {
        Cancellation op = new Cancellation();
        for (int i = 0; i < 3; i++) {
            ChildProcess.of(List.of("/bin/true")).run(null, new ByteArrayOutputStream(), op);
        }
        assertThatThrownBy(() -> ChildProcess.of(List.of("/bin/false")).run(null, new ByteArrayOutputStream(), op));
        assertThat(op.waitingHooks()).as("hooks still registered after the runs ended").isZero();
    }

    /**
     * A tool dbbackup killed at its timeout (exit 137) was said as "killed by SIGKILL (signal 9): most often the kernel's
     * out-of-memory killer …", the timeout only among its "last words", and not at all when the tool had written to
     * stderr (a wrapper shell's "Killed" for its child was the last line): a DBA was sent to raise memory limits for a
     * hung server. It is said as a timeout now, whatever the tool wrote.
     */
    @Test
    void aToolKilledAtItsTimeoutIsSaidToHaveTimedOutNotToHaveMetTheOomKiller() {
        // the wrapper shell of the last script may or may not say "Killed" for its child before it is killed itself;
        // the second has no wrapper (exec), so its last words are the tool's own
        for (String script : List.of("sleep 600", "echo 'mariadb-dump: still waiting' >&2; exec sleep 600",
                "echo 'mariadb-dump: still waiting' >&2; sleep 600")) {
            assertThatThrownBy(() -> ChildProcess.of(List.of("/bin/sh", "-c", script)).name("mariadb-dump")
                    // said as the 1 s it is set to, killed after 300 ms: three scripts took 3 s
                    .timeout(java.time.Duration.ofSeconds(1), java.time.Duration.ofMillis(300))
                    .run(null, null, new Cancellation()))
                    .isInstanceOfSatisfying(ToolFailedException.class, e -> {
                        assertThat(e.timedOut()).isTrue();
                        assertThat(e.getMessage()).as(script).startsWith("mariadb-dump failed (exit ")
                                .contains("timed out after 1s (stopped by dbbackup)")
                                .doesNotContain("out-of-memory").doesNotContain("SIGKILL");
                        if (script.contains("exec")) {
                            assertThat(e.getMessage()).endsWith("; its last words: mariadb-dump: still waiting");
                        }
                    });
        }
    }

    /** A sub-second timeout was said "timed out after 0s": the limit in whole seconds, rounded down to none. */
    @Test
    void aSubSecondTimeoutIsSaidAsConfigured() {
        assertThatThrownBy(() -> ChildProcess.of(List.of("/bin/sh", "-c", "sleep 600")).name("mariadb-dump")
                .timeout(java.time.Duration.ofMillis(500)).run(null, null, new Cancellation()))
                .isInstanceOfSatisfying(ToolFailedException.class, e -> {
                    assertThat(e.timedOut()).isTrue();
                    assertThat(e.getMessage()).contains("timed out after 500ms (stopped by dbbackup)");
                });
    }

    /**
     * pg_restore follows a failed statement with "Command was:" and the whole statement: a CREATE TABLE of more columns
     * than the tail holds pushed the error out of it, and the failure said only ");".
     */
    @Test
    void theFirstErrorLineIsKeptWhenALongStatementAfterItFillsTheTail() {
        String script = "echo 'pg_restore: error: could not execute query: ERROR:  type \"public.hstore\" does not exist' >&2; "
                + "echo 'Command was: CREATE TABLE app.t (' >&2; for i in $(seq 1 40); do echo \"    c$i integer,\" >&2; done; "
                + "echo ');' >&2; exit 1";
        assertThatThrownBy(() -> ChildProcess.of(List.of("/bin/sh", "-c", script)).name("pg_restore").run(null, null, new Cancellation()))
                .isInstanceOfSatisfying(ToolFailedException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("pg_restore failed (exit 1): pg_restore: error: could not execute query: "
                            + "ERROR:  type \"public.hstore\" does not exist");
                    assertThat(e.stderrTail()).endsWith("    c40 integer,\n);").contains("    c22 integer,")
                            .doesNotContain("    c21 integer,").doesNotContain("Command was");
                });
    }

    /**
     * A tool that writes one enormous stderr line (a statement or a value quoted whole in its error) put all of it, twice,
     * into the error, the run's summary and the failure mail (a 400 KB mail for a 200,000-character line): each line
     * kept is cut to its start, saying how much was left out.
     */
    @Test
    void aVeryLongStderrLineIsCutInTheTailAndTheError() {
        String script = "printf 'pg_dump: error: query failed: ' >&2; head -c 200000 /dev/zero | tr '\\0' 'y' >&2; echo >&2; "
                + "echo 'pg_dump: detail: last line' >&2; exit 1";
        assertThatThrownBy(() -> ChildProcess.of(List.of("/bin/sh", "-c", script)).name("pg_dump").run(null, null, new Cancellation()))
                .isInstanceOfSatisfying(ToolFailedException.class, e -> {
                    assertThat(e.stderrTail()).hasSizeLessThan(2_000).startsWith("pg_dump: error: query failed: yyy")
                            .contains("… (199").endsWith("\npg_dump: detail: last line");
                    assertThat(e.getMessage()).hasSizeLessThan(2_000).startsWith("pg_dump failed (exit 1): pg_dump: error: query failed: yyy");
                });
    }

    /**
     * A secret the tool quotes across the 1000th character of a line: cut first, its first part stayed in the error, where
     * its mask no longer matched. The line is masked before it is cut.
     */
    @Test
    void aSecretAcrossTheCutOfALongStderrLineIsMaskedNotHalved() {
        String secret = "pw-SECRET-e3d9a1c07b";
        io.dbbackup.core.Redactor.register(secret);
        String script = "printf 'pg_dump: error: ' >&2; head -c 975 /dev/zero | tr '\\0' 'y' >&2; printf ' %s ' \"$S\" >&2; "
                + "head -c 3000 /dev/zero | tr '\\0' 'z' >&2; echo >&2; exit 1";
        assertThatThrownBy(() -> ChildProcess.of(List.of("/bin/sh", "-c", script)).env("S", secret).name("pg_dump")
                .run(null, null, new Cancellation()))
                .isInstanceOfSatisfying(ToolFailedException.class, e -> {
                    assertThat(e.stderrTail()).startsWith("pg_dump: error: yyy").contains("y *** zzz")
                            .endsWith("z… (2996 more characters)").doesNotContain("pw-SEC");
                    assertThat(e.getMessage()).doesNotContain("pw-SEC");
                });
    }

    @Test
    void aMissingToolStillCannotStartRatherThanFailingInsideStdbuf() {
        assertThatThrownBy(() -> ChildProcess.of(List.of("/nonexistent/pg_dump", "--version"))
                .run(null, new ByteArrayOutputStream(), new Cancellation()))
                .isInstanceOf(ToolFailedException.class)
                .hasMessageContaining("cannot start /nonexistent/pg_dump");
        assertThat(StdoutBuffer.wrap(List.of("no-such-tool-here", "-x"), System.getenv("PATH")))
                .containsExactly("no-such-tool-here", "-x");
    }

    /**
     * A tool killed by a signal (the out-of-memory killer's SIGKILL, a crash, someone's SIGTERM) exits 128 + the signal as
     * Java sees it: the error names the signal and, for SIGKILL, its usual cause, not only "exit 137".
     */
    @Test
    void aToolKilledByASignalSaysWhichAndWhy() {
        assertThatThrownBy(() -> ChildProcess.of(List.of("/bin/sh", "-c", "kill -KILL $$")).name("pg_dump")
                .run(null, new ByteArrayOutputStream(), new Cancellation()))
                .isInstanceOf(ToolFailedException.class)
                .hasMessageStartingWith("pg_dump failed (exit 137): killed by SIGKILL (signal 9)")
                .hasMessageContaining("out-of-memory killer").hasMessageContaining("memory limit");
        assertThatThrownBy(() -> ChildProcess.of(List.of("/bin/sh", "-c", "echo 'mariadb: reading' >&2; kill -SEGV $$")).name("mariadb")
                .run(null, null, new Cancellation()))
                .hasMessage("mariadb failed (exit 139): crashed with SIGSEGV (signal 11); its last words: mariadb: reading");
        assertThatThrownBy(() -> ChildProcess.of(List.of("/bin/sh", "-c", "kill -ABRT $$")).name("pg_restore")
                .run(null, null, new Cancellation()))
                .hasMessage("pg_restore failed (exit 134): crashed with SIGABRT (signal 6)");
        assertThatThrownBy(() -> ChildProcess.of(List.of("/bin/sh", "-c", "kill -ILL $$")).name("mariadb-dump")
                .run(null, null, new Cancellation()))
                .hasMessageStartingWith("mariadb-dump failed (exit 132): crashed with SIGILL (signal 4): an illegal instruction,"
                        + " most often a binary built for a newer CPU");
        assertThatThrownBy(() -> ChildProcess.of(List.of("/bin/sh", "-c", "kill -XFSZ $$")).name("pg_basebackup")
                .run(null, null, new Cancellation()))
                .hasMessageStartingWith("pg_basebackup failed (exit 153): killed by SIGXFSZ (signal 25): a file it wrote "
                        + "reached the file size limit (ulimit -f");
        assertThatThrownBy(() -> ChildProcess.of(List.of("/bin/sh", "-c", "kill -TERM $$")).name("mariadb-dump")
                .run(null, null, new Cancellation()))
                .hasMessageStartingWith("mariadb-dump failed (exit 143): killed by SIGTERM (signal 15) from outside dbbackup");
        assertThatThrownBy(() -> ChildProcess.of(List.of("/bin/sh", "-c", "echo 'pg_dump: error: boom' >&2; exit 2")).name("pg_dump")
                .run(null, null, new Cancellation()))
                .as("an ordinary exit is as it was").hasMessage("pg_dump failed (exit 2): pg_dump: error: boom");
    }

    /**
     * A bin_dir wrapper script that runs a program which is missing (exit 127) or not executable (exit 126) failed as a
     * transient error: the job's retry ran it again, the same way, for the whole window. Not retried now, and named.
     */
    @Test
    void aWrapperThatCannotRunItsProgramIsNotRetriedAndSaysWhich(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path bash = script(dir, "pg_dump", "#!/bin/bash\nexec /opt/gone/bin/pg_dump \"$@\"\n");
        assertThatThrownBy(() -> ChildProcess.of(List.of(bash.toString(), "-Fc")).run(null, new ByteArrayOutputStream(),
                new Cancellation()))
                .isInstanceOfSatisfying(ToolFailedException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).startsWith("pg_dump failed (exit 127): command not found: /opt/gone/bin/pg_dump")
                            .contains("not retried");
                });
        java.nio.file.Path dash = script(dir, "mariadb-dump", "#!/bin/sh\nmariadb-dump-9000 \"$@\"\n");
        assertThatThrownBy(() -> ChildProcess.of(List.of(dash.toString())).run(null, null, new Cancellation()))
                .isInstanceOfSatisfying(ToolFailedException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).startsWith("mariadb-dump failed (exit 127): command not found: mariadb-dump-9000");
                });
        java.nio.file.Path plain = dir.resolve("plain");
        java.nio.file.Files.writeString(plain, "not a program");
        java.nio.file.Path notExec = script(dir, "psql", "#!/bin/sh\n" + plain + "\n");
        assertThatThrownBy(() -> ChildProcess.of(List.of(notExec.toString())).run(null, null, new Cancellation()))
                .isInstanceOfSatisfying(ToolFailedException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).startsWith("psql failed (exit 126): not executable: " + plain);
                });
        // a script whose #! interpreter is missing, run directly (through stdbuf) or from a wrapper: the interpreter is
        // named, not the script (which is there); a #! line with a Windows line ending is said to be one
        java.nio.file.Path interpreted = script(dir, "pg_restore", "#!/usr/bin/no-such-interpreter\necho hi\n");
        java.nio.file.Path caller = script(dir, "psql", "#!/bin/bash\n" + interpreted + "\n");
        for (java.nio.file.Path p : List.of(interpreted, caller)) {
            assertThatThrownBy(() -> ChildProcess.of(List.of(p.toString())).run(null, new ByteArrayOutputStream(), new Cancellation()))
                    .as(p.toString()).hasMessageContaining("(exit 127): command not found: /usr/bin/no-such-interpreter (the #! "
                            + "interpreter of " + interpreted + ")");
        }
        java.nio.file.Path crlf = script(dir, "mariadb", "#!/bin/sh\r\necho hi\r\n");
        assertThatThrownBy(() -> ChildProcess.of(List.of(crlf.toString())).run(null, new ByteArrayOutputStream(), new Cancellation()))
                .hasMessageContaining("(exit 127): command not found: " + crlf + " (its #! line ends in a Windows line ending");
        // a crash is still retried (docs/DECISIONS.md): it may have been the machine's, not the data's
        assertThatThrownBy(() -> ChildProcess.of(List.of("/bin/sh", "-c", "kill -SEGV $$")).run(null, null, new Cancellation()))
                .isInstanceOfSatisfying(ToolFailedException.class, e -> assertThat(e.retryable()).isTrue());
    }

    private static java.nio.file.Path script(java.nio.file.Path dir, String name, String text) throws java.io.IOException {
        java.nio.file.Path p = java.nio.file.Files.createDirectories(dir.resolve(name + "-bin")).resolve(name);
        java.nio.file.Files.writeString(p, text);
        p.toFile().setExecutable(true);
        return p;
    }

    /** A tool that reads only the start of its stdin and exits 0 (pg_restore --list): fine when said, the rest drained. */
    @Test
    void aToolThatReadsOnlyAPrefixFailsUnlessSaidAndThenTheRestIsDrained() throws Exception {
        byte[] big = new byte[8 << 20]; // far more than a pipe holds
        java.io.ByteArrayInputStream strict = new java.io.ByteArrayInputStream(big);
        // said as the tool's failure, not a bare "Broken pipe" ("Stream closed" when the JDK reaped the exited tool before
        // the write: its stdin is then a null stream); not retried: the same input stops it again
        assertThatThrownBy(() -> ChildProcess.of(List.of("head", "-c", "10")).name("psql").run(strict, new ByteArrayOutputStream(),
                new Cancellation()))
                .isInstanceOfSatisfying(ToolFailedException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageMatching("psql failed \\(exit 0\\): it exited 0 before reading all of its input \\((Broken pipe|Stream "
                        + "closed)\\): not all of its input was used \\(a wrapper script in its place that does not pass its "
                        + "input on\\?\\)");

        java.io.ByteArrayInputStream prefix = new java.io.ByteArrayInputStream(big);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ChildProcess.of(List.of("head", "-c", "10")).readsOnlyAPrefix().run(prefix, out, new Cancellation());
        assertThat(out.size()).isEqualTo(10);
        assertThat(prefix.available()).as("the rest read to its end, as a small input in the pipe would have been").isZero();

        // the rest is read before run returns, however long it takes (a large archive from a slow store)
        byte[] rest = new byte[2 << 20];
        java.util.concurrent.atomic.AtomicBoolean slept = new java.util.concurrent.atomic.AtomicBoolean();
        java.io.InputStream slow = new java.io.FilterInputStream(new java.io.ByteArrayInputStream(rest)) {
            @Override
            public int read(byte[] b, int off, int len) throws java.io.IOException {
                if (in.available() < (1 << 20) && slept.compareAndSet(false, true)) {
                    try {
                        Thread.sleep(1500); // far longer than run waits for a feeder otherwise (afterExit below)
                    } catch (InterruptedException e) {
                        throw new java.io.InterruptedIOException();
                    }
                }
                return super.read(b, off, len);
            }
        };
        ChildProcess.of(List.of("head", "-c", "10")).readsOnlyAPrefix().afterExit(java.time.Duration.ofMillis(100))
                .run(slow, new ByteArrayOutputStream(), new Cancellation());
        assertThat(slow.available()).as("drained before run returned").isZero();

        // a failure is still a failure
        assertThatThrownBy(() -> ChildProcess.of(List.of("sh", "-c", "head -c 10 > /dev/null; exit 3")).readsOnlyAPrefix()
                .run(new java.io.ByteArrayInputStream(big), new ByteArrayOutputStream(), new Cancellation()))
                .isInstanceOf(ToolFailedException.class);
    }

    /**
     * Reading the input failing with an unchecked exception or an error (a filter's bug, the heap exhausted), as with an
     * IOException, fails the run with it: the tool is killed, never handed the input cut short as if complete (it would
     * load a partial dump and exit 0).
     */
    @Test
    void anInputThatFailsUncheckedFailsTheRunInsteadOfEndingTheToolsInput() {
        // sixty rounds: the kill closing the child's stdout raced the failure to the caller (one round in five to fifty)
        for (int round = 0; round < 60; round++) {
            runsOfAFailingInput();
        }
    }

    private static void runsOfAFailingInput() {
        for (Throwable failure : List.of(new IllegalStateException("filter broke"), new OutOfMemoryError("no heap"),
                new java.io.IOException("source broke"))) {
            java.io.InputStream failing = new java.io.InputStream() {
                private int left = 1000;

                @Override
                public int read() throws java.io.IOException {
                    if (left-- > 0) {
                        return 'x';
                    }
                    if (failure instanceof java.io.IOException e) {
                        throw e;
                    }
                    if (failure instanceof RuntimeException r) {
                        throw r;
                    }
                    throw (Error) failure;
                }
            };
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertThatThrownBy(() -> ChildProcess.of(List.of("wc", "-c")).run(failing, out, new Cancellation()))
                    .as(failure.toString()).isSameAs(failure);
        }
    }
    /**
     * SIGTERM during a restore runs the cancellation's hooks in order: the read of the backup is cut off first (it was
     * registered first), the tool's kill after it. The feeder's read then fails, and its kill of the tool can end the run
     * before the signal's thread reaches the hook that says "cancelled": the run said the read's failure ("Stream closed"),
     * the signal nowhere. Here the first hook cuts the source and holds the signal's thread until the run returned, so the
     * run always meets that order; it says the cancellation, the read's failure suppressed.
     */
    @Test
    void aSourceCutByASignalBeforeTheToolsKillIsSaidAsTheSignal() throws Exception {
        Cancellation cancellation = new Cancellation();
        java.util.concurrent.CountDownLatch cut = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch ran = new java.util.concurrent.CountDownLatch(1);
        cancellation.onCancel(() -> { // the read's hook (StoppableRead's), registered before the run's kill
            cut.countDown();
            try {
                ran.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread signal = new Thread(() -> cancellation.cancel("signal SIGTERM"), "signal");
        java.io.InputStream source = new java.io.InputStream() {
            @Override
            public int read() throws java.io.IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0];
            }

            @Override
            public int read(byte[] b, int off, int len) throws java.io.IOException {
                signal.start(); // the run's kill is registered by now: the feeder starts after it
                try {
                    cut.await(); // a stalled read, until the signal's first hook cuts it
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new java.io.IOException("Stream closed");
            }
        };
        Throwable failed;
        try {
            failed = org.assertj.core.api.Assertions.catchThrowable(() -> ChildProcess.of(List.of("/bin/sh", "-c",
                    "cat >/dev/null")).name("psql").run(source, null, cancellation));
        } finally {
            ran.countDown();
        }
        signal.join(10_000);
        assertThat(failed).isInstanceOf(java.io.InterruptedIOException.class).hasMessage("psql cancelled: signal SIGTERM");
        assertThat(failed.getSuppressed()).singleElement().satisfies(s -> assertThat(s).hasMessage("Stream closed"));
    }

    /**
     * A tool that exited 0 while its input's source was stalled (the feeder waiting on a read, so no write had failed) was
     * a success once the wait after its exit ran out: a restore said done that may not have applied all of the backup.
     * It fails now, however the source goes on (more bytes, its end, a failure), and nothing more is fed after the run.
     */
    @Test
    void aToolThatExitsWhileItsSourceIsStalledFailsWhateverTheSourceDoesNext() throws Exception {
        for (String then : List.of("more", "end", "failure")) {
            StalledSource source = new StalledSource(then);
            long start = System.nanoTime();
            assertThatThrownBy(() -> ChildProcess.of(List.of("/bin/sh", "-c", "head -c 8192 >/dev/null; exit 0")).name("psql")
                    .afterExit(java.time.Duration.ofMillis(200)).run(source, null, new Cancellation()))
                    .as(then).isInstanceOfSatisfying(ToolFailedException.class, e -> {
                        assertThat(e.retryable()).isFalse();
                        assertThat(e.exitCode()).isZero();
                    })
                    .hasMessage("psql failed (exit 0): it exited 0 while its input was still being read (the source gave "
                            + "nothing for 200ms after it exited): not all of its input may have been used");
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).as("not waiting for the source")
                    .isLessThan(java.time.Duration.ofMillis(1500));
            // the stalled read is interrupted; a source that ignores it is not read again once its read returns
            assertThat(source.stallEnded.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            source.feeder.join(5000);
            assertThat(source.feeder.isAlive()).as("the feeder ended").isFalse();
            assertThat(source.interrupted).as("the stalled read was interrupted").isTrue();
            assertThat(source.readsAfterStall.get()).as(then + ": read again after the run gave up on it").isZero();
        }
    }

    /** A source stalled for less than the wait after the tool's exit is waited for, as before: its end, or its failure. */
    @Test
    void aSourceStalledWithinTheWaitAfterExitStillSaysHowItEnds() throws Exception {
        ChildProcess.of(List.of("/bin/sh", "-c", "head -c 8192 >/dev/null; exit 0")).afterExit(java.time.Duration.ofSeconds(5))
                .run(new StalledSource("end", 300, false), null, new Cancellation());
        StalledSource failing = new StalledSource("failure", 300, false);
        assertThatThrownBy(() -> ChildProcess.of(List.of("/bin/sh", "-c", "head -c 8192 >/dev/null; exit 0"))
                .afterExit(java.time.Duration.ofSeconds(5)).run(failing, null, new Cancellation()))
                .hasMessage("the source failed after its stall");
    }

    /**
     * {@link #CHUNK} bytes (no fewer: a process's stdin is buffered that much before it reaches the tool), then a read that
     * waits (through interrupts unless said), then more bytes, its end or a failure.
     */
    private static final class StalledSource extends java.io.InputStream {
        static final int CHUNK = 8192;
        private final String then;
        private final long stallMillis;
        private final boolean ignoreInterrupt;
        private int reads;
        volatile boolean interrupted;
        volatile Thread feeder;
        final java.util.concurrent.CountDownLatch stallEnded = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.atomic.AtomicInteger readsAfterStall = new java.util.concurrent.atomic.AtomicInteger();

        StalledSource(String then) {
            this(then, 2000, true);
        }

        StalledSource(String then, long stallMillis, boolean ignoreInterrupt) {
            this.then = then;
            this.stallMillis = stallMillis;
            this.ignoreInterrupt = ignoreInterrupt;
        }

        @Override
        public int read() throws java.io.IOException {
            return io.dbbackup.core.SingleByte.read(this);
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
            feeder = Thread.currentThread();
            if (reads++ == 0) {
                java.util.Arrays.fill(b, off, off + CHUNK, (byte) 'x');
                return CHUNK;
            }
            if (stallEnded.getCount() == 0) {
                readsAfterStall.incrementAndGet();
                return -1;
            }
            long until = System.nanoTime() + stallMillis * 1_000_000;
            while (System.nanoTime() < until) {
                try {
                    Thread.sleep(Math.max(1, (until - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    interrupted = true;
                    if (!ignoreInterrupt) {
                        stallEnded.countDown();
                        throw new java.io.InterruptedIOException("interrupted");
                    }
                }
            }
            stallEnded.countDown();
            switch (then) {
                case "more" -> {
                    java.util.Arrays.fill(b, off, off + CHUNK, (byte) 'y');
                    return CHUNK;
                }
                case "end" -> {
                    return -1;
                }
                default -> throw new java.io.IOException("the source failed after its stall");
            }
        }
    }
}
