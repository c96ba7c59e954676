package io.dbbackup.spi;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The resume rules on in-memory streams that fail on cue (the network's faults, injected). */
class ResumingInputStreamTest {
    private final byte[] data = new byte[10_000];
    private final List<Long> asked = new ArrayList<>();

    ResumingInputStreamTest() {
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31);
        }
    }

    /** The object from {@code from}, breaking off after {@code give} bytes with {@code fault} (null: a clean early end). */
    private InputStream breaking(long from, int give, IOException fault) {
        return new InputStream() {
            private final ByteArrayInputStream in = new ByteArrayInputStream(data, (int) from, data.length - (int) from);
            private int given;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (given >= give) {
                    if (fault != null) {
                        throw fault;
                    }
                    return -1;
                }
                int n = in.read(b, off, Math.min(len, give - given));
                given += Math.max(0, n);
                return n;
            }
        };
    }

    private ResumingInputStream stream(int give, IOException fault, int maxResumes) {
        return new ResumingInputStream(breaking(0, give, fault), data.length, offset -> {
            asked.add(offset);
            return breaking(offset, give, fault);
        }, maxResumes, "s3://b/k");
    }

    @Test
    void aDroppedConnectionAndAnEarlyEndAreResumedFromWhereTheyBrokeOff() throws IOException {
        try (ResumingInputStream in = stream(4_000, new IOException("Connection reset"), 3)) {
            assertThat(in.readAllBytes()).isEqualTo(data);
            assertThat(asked).containsExactly(4_000L, 8_000L);
        }
        asked.clear();
        try (ResumingInputStream in = stream(3_000, null, 3)) {
            assertThat(in.readAllBytes()).as("ends before Content-Length, three times").isEqualTo(data);
            assertThat(asked).containsExactly(3_000L, 6_000L, 9_000L);
        }
        asked.clear();
        try (ResumingInputStream in = stream(6_000, new SocketTimeoutException("Read timed out"), 3)) {
            assertThat(in.readAllBytes()).as("a read timeout is the network too").isEqualTo(data);
        }
    }

    /**
     * A read that breaks again after its last resume that worked: the read's failure and the byte reached, as every
     * other final failure says it. It used to be the stream's failure alone ("s3 get … failed: Connection reset"): the
     * user restoring 50 GiB could not tell how far it got.
     */
    @Test
    void afterTheLastResumeTheFailureIsTheErrorWithTheByteReached() {
        IOException reset = new IOException("s3 get s3://b/k failed: Connection reset");
        ResumingInputStream in = stream(1_000, reset, 2);
        assertThatThrownBy(in::readAllBytes).isExactlyInstanceOf(IOException.class).hasMessage("s3 get s3://b/k failed: "
                + "Connection reset; broke again at byte 3000 of 10000, after 2 resumes (the most a read makes)")
                .cause().isSameAs(reset);
        assertThat(asked).containsExactly(1_000L, 2_000L);
        asked.clear();
        ResumingInputStream timedOut = stream(1_000, new SocketTimeoutException("Read timed out"), 1);
        assertThatThrownBy(timedOut::readAllBytes).as("a read timeout too, no longer taken for an interruption")
                .isExactlyInstanceOf(IOException.class)
                .hasMessage("Read timed out; broke again at byte 2000 of 10000, after 1 resume (the most a read makes)");
        asked.clear();
        ResumingInputStream never = stream(1_000, new IOException("Connection reset"), 0);
        assertThatThrownBy(never::readAllBytes).as("no resume allowed").hasMessage("Connection reset; broke at byte 1000 "
                + "of 10000");
        asked.clear();
        ResumingInputStream early = stream(1_000, null, 1);
        assertThatThrownBy(early::readAllBytes).as("an early end names the byte, and now the resumes")
                .hasMessage("the content of s3://b/k ended at byte 2000 of 10000, after 1 resume (the most a read makes)");
    }

    /**
     * A cancellation and a missing object are not resumed, and keep their class (callers tell a cancellation and a
     * deleted backup by it), but say the byte reached: they said the store's line alone ("cancelled: SIGTERM", "no such
     * object: …"), and the user restoring 200 GB could not tell how far it got.
     */
    @Test
    void cancellationAndAMissingObjectAreNotResumedAndSayTheByteReached() {
        InterruptedIOException sigterm = new InterruptedIOException("cancelled: SIGTERM");
        ResumingInputStream cancelled = stream(1_000, sigterm, 3);
        assertThatThrownBy(cancelled::readAllBytes).isExactlyInstanceOf(InterruptedIOException.class)
                .hasMessage("the read of s3://b/k was stopped at byte 1000 of 10000: cancelled: SIGTERM").cause().isSameAs(sigterm);
        NoSuchKeyException missing = new NoSuchKeyException("s3://b/k");
        ResumingInputStream gone = stream(1_000, missing, 3);
        assertThatThrownBy(gone::readAllBytes).isExactlyInstanceOf(NoSuchKeyException.class)
                .hasMessage("no such object: s3://b/k, deleted since the read began: the read stopped at byte 1000 of 10000")
                .cause().isSameAs(missing);
        assertThat(asked).isEmpty();
        ResumingInputStream unknownLength = new ResumingInputStream(breaking(0, 1_000, sigterm), -1, o -> {
            throw new AssertionError("not resumed");
        }, 3, "s3://b/k");
        assertThatThrownBy(unknownLength::readAllBytes).as("no length: the byte alone")
                .hasMessage("the read of s3://b/k was stopped at byte 1000: cancelled: SIGTERM");
    }

    /**
     * The stream closed from another thread (a cancellation) while a read is on its way: the store's stream says it in
     * its words ("the read was stopped", S3's), which were the error; now the read of the object, stopped at the byte
     * reached.
     */
    @Test
    void aCloseFromAnotherThreadDuringAReadSaysTheByteReached() {
        ResumingInputStream[] outer = new ResumingInputStream[1];
        InputStream first = new InputStream() {
            private final InputStream given = breaking(0, 1_000, null);
            private boolean stopped;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = stopped ? -1 : given.read(b, off, len);
                if (n > 0) {
                    return n;
                }
                stopped = true;
                outer[0].close(); // what the other thread's close does, while this read waits
                throw new InterruptedIOException("the read was stopped");
            }

            @Override
            public void close() {
            }
        };
        outer[0] = new ResumingInputStream(first, data.length, o -> {
            throw new AssertionError("not resumed");
        }, 3, "s3://b/k");
        assertThatThrownBy(outer[0]::readAllBytes).isExactlyInstanceOf(InterruptedIOException.class)
                .hasMessage("the read of s3://b/k was stopped at byte 1000 of 10000").cause().hasMessage("the read was stopped");
    }

    /**
     * The read breaks, and asking for the rest fails too for a moment (connection refused, a connect timeout: the
     * service restarting, a balancer's blip): each failed request counts as a resume and is asked again after a pause,
     * within the budget. It gave up at the first failed request: a restore of 50 GiB failed over one blip.
     */
    @Test
    void aRequestForTheRestThatFailsForAMomentIsAskedAgainAfterAPause() throws IOException {
        List<IOException> blips = new ArrayList<>(List.of(new java.net.ConnectException("Connection refused"),
                new SocketTimeoutException("Connect timed out")));
        List<Long> at = new ArrayList<>();
        try (ResumingInputStream in = new ResumingInputStream(breaking(0, 4_000, new IOException("Connection reset")),
                data.length, offset -> {
                    asked.add(offset);
                    at.add(System.nanoTime());
                    if (!blips.isEmpty()) {
                        throw blips.remove(0);
                    }
                    return breaking(offset, data.length, null);
                }, 3, "s3://b/k", 100)) {
            assertThat(in.readAllBytes()).isEqualTo(data);
            assertThat(asked).as("asked from the byte reached, until it answered").containsExactly(4_000L, 4_000L, 4_000L);
            assertThat(in.resumes()).as("each request counted").isEqualTo(3);
        }
        assertThat((at.get(1) - at.get(0)) / 1_000_000).as("a pause before the second request").isGreaterThanOrEqualTo(100);
        assertThat((at.get(2) - at.get(1)) / 1_000_000).as("a longer one before the third").isGreaterThanOrEqualTo(200);
    }

    /**
     * A request for the rest that keeps failing: after the budget, the error says the read's failure, the byte reached
     * ("byte N of L", as every other failed read says it; it was "byte N" alone) and the last request's failure,
     * whatever the store (SFTP used to word it alone; S3's and Azure's said only the last request's failure, "s3 get …
     * failed: Connection refused", not the byte reached).
     */
    @Test
    void aRequestForTheRestThatKeepsFailingGivesUpAfterTheBudgetWithTheByteReachedAndBothFailures() {
        int[] n = {0};
        ResumingInputStream in = new ResumingInputStream(breaking(0, 1_000, new IOException("s3 get s3://b/k failed: "
                + "Connection reset")), data.length, offset -> {
                    asked.add(offset);
                    java.net.ConnectException refused = new java.net.ConnectException("s3 get s3://b/k failed: Connection "
                            + "refused (" + ++n[0] + ")");
                    throw refused;
                }, 3, "s3://b/k", 1);
        assertThatThrownBy(in::readAllBytes).isExactlyInstanceOf(IOException.class).hasMessage("s3 get s3://b/k failed: "
                + "Connection reset; going on from byte 1000 of 10000 over a new connection failed too: s3 get s3://b/k failed: "
                + "Connection refused (3)").cause().hasMessage("s3 get s3://b/k failed: Connection refused (3)");
        assertThat(asked).as("three requests in all, the budget").containsExactly(1_000L, 1_000L, 1_000L);
        assertThat(in.resumes()).isEqualTo(3);
        ResumingInputStream unknownLength = new ResumingInputStream(breaking(0, 1_000, new IOException("Connection reset")),
                -1, offset -> {
                    throw new java.net.ConnectException("Connection refused");
                }, 1, "s3://b/k", 1);
        assertThatThrownBy(unknownLength::readAllBytes).as("no length: the byte alone").hasMessage("Connection reset; "
                + "going on from byte 1000 over a new connection failed too: Connection refused");
    }

    /** The same after a stream that ended early: its line names the byte, and the requests' failure follows. */
    @Test
    void aRequestForTheRestAfterAnEarlyEndThatKeepsFailingSaysBoth() {
        ResumingInputStream in = new ResumingInputStream(breaking(0, 2_500, null), data.length, offset -> {
            asked.add(offset);
            throw new IOException("azure get https://a.blob.core.windows.net/c/k failed: Connection refused");
        }, 2, "https://a.blob.core.windows.net/c/k", 1);
        assertThatThrownBy(in::readAllBytes).hasMessage("the content of https://a.blob.core.windows.net/c/k ended at byte "
                + "2500 of 10000; going on from byte 2500 of 10000 over a new connection failed too: azure get "
                + "https://a.blob.core.windows.net/c/k failed: Connection refused");
        assertThat(asked).containsExactly(2_500L, 2_500L);
    }

    /**
     * The object gone or changed (the store's {@link ResumingInputStream.NotResumable}), or the operation cancelled, while
     * asking for the rest: said at once, not asked again. The missing object and the cancellation keep their class and
     * now say the byte reached (with the read's failure, for the missing object, as a request that failed too says it);
     * they were the store's line alone ("no such object: …", "cancelled: SIGTERM"). A changed object's line names the
     * byte already: as it was.
     */
    @Test
    void aMissingOrChangedObjectOrACancellationWhileAskingForTheRestIsNotAskedAgain() {
        NoSuchKeyException missing = new NoSuchKeyException("s3://b/k");
        InterruptedIOException sigterm = new InterruptedIOException("cancelled: SIGTERM");
        ResumingInputStream.NotResumable changed = new ResumingInputStream.NotResumable("sftp read h:/k failed: the "
                + "connection broke at byte 1000 of 10000 and the file changed (size or modification time) since the read began, so "
                + "the rest cannot be read");
        for (IOException fault : List.of(missing, sigterm, changed)) {
            asked.clear();
            ResumingInputStream in = new ResumingInputStream(breaking(0, 1_000, new IOException("Connection reset")),
                    data.length, offset -> {
                        asked.add(offset);
                        throw fault;
                    }, 3, "s3://b/k", 1);
            Throwable t = org.assertj.core.api.Assertions.catchThrowable(in::readAllBytes);
            assertThat(asked).containsExactly(1_000L);
            if (fault == changed) {
                assertThat(t).isSameAs(fault);
                continue;
            }
            assertThat(t).isExactlyInstanceOf(fault.getClass()).hasCause(fault).hasMessage(fault == missing
                    ? "Connection reset; going on from byte 1000 of 10000 over a new connection failed: no such object: "
                    + "s3://b/k (deleted since the read began)"
                    : "the read of s3://b/k was stopped at byte 1000 of 10000: cancelled: SIGTERM");
        }
    }

    /**
     * The store refuses the request for the rest itself (unchecked: a 403 while resuming, a 412 for an object replaced
     * since the read began): the same exception (its exit status, whether a retry may help), now with the read's
     * failure and the byte reached before the store's line, which alone was the error ({@code Failures.map} hands a
     * {@code DbBackupException} on as it is, so a wrapper's words would be lost). Any other unchecked one (a bug) is
     * left as it is.
     */
    @Test
    void aStoresRefusalOfTheRequestForTheRestSaysTheByteReached() {
        io.dbbackup.core.DbBackupException denied = io.dbbackup.core.DbBackupException.permanent("s3 get s3://b/k failed: "
                + "HTTP 403 AccessDenied; check the store's credentials and the bucket policy", null);
        ResumingInputStream in = new ResumingInputStream(breaking(0, 1_000, new IOException("s3 get s3://b/k failed: "
                + "Connection reset")), data.length, offset -> {
                    asked.add(offset);
                    throw denied;
                }, 3, "s3://b/k", 1);
        assertThatThrownBy(in::readAllBytes).isExactlyInstanceOf(io.dbbackup.core.DbBackupException.class)
                .hasMessage("s3 get s3://b/k failed: Connection reset; going on from byte 1000 of 10000 over a new "
                        + "connection failed: s3 get s3://b/k failed: HTTP 403 AccessDenied; check the store's credentials "
                        + "and the bucket policy")
                .hasCause(denied)
                .satisfies(t -> {
                    io.dbbackup.core.DbBackupException d = (io.dbbackup.core.DbBackupException) t;
                    assertThat(d.status()).isEqualTo(denied.status());
                    assertThat(d.retryable()).as("a retry cannot fix it, as the store said").isFalse();
                });
        assertThat(asked).as("not asked again").containsExactly(1_000L);
        IllegalStateException bug = new IllegalStateException("a bug");
        ResumingInputStream other = new ResumingInputStream(breaking(0, 1_000, new IOException("Connection reset")),
                data.length, offset -> {
                    throw bug;
                }, 3, "s3://b/k", 1);
        assertThatThrownBy(other::readAllBytes).isSameAs(bug);
    }

    /**
     * The store refuses the read itself, mid-stream (unchecked, as S3's and Azure's refusals are: a 403, a TLS
     * certificate refused on a new connection): not resumed, the same exception (its exit status, whether a retry may
     * help), now with the byte reached before the store's line, as a refusal of the request for the rest says it; it
     * was the store's line alone. The byte is the one reached after any resume (and the resumes that went on reading
     * follow it); any other unchecked one is left as it is.
     */
    @Test
    void aStoresRefusalOfTheReadItselfSaysTheByteReached() {
        io.dbbackup.core.DbBackupException denied = new io.dbbackup.core.DbBackupException(
                io.dbbackup.core.ExitStatus.USER_ERROR, "s3 get s3://b/k failed: HTTP 403 AccessDenied; check the store's "
                + "credentials and the bucket policy", null, true);
        ResumingInputStream in = new ResumingInputStream(breaking(0, 1_000, new IOException("Connection reset")),
                data.length, offset -> {
                    asked.add(offset);
                    return new InputStream() {
                        private final InputStream given = breaking(offset, 500, null);

                        @Override
                        public int read() {
                            throw new UnsupportedOperationException();
                        }

                        @Override
                        public int read(byte[] b, int off, int len) throws IOException {
                            int n = given.read(b, off, len);
                            if (n < 0) {
                                throw denied;
                            }
                            return n;
                        }
                    };
                }, 3, "s3://b/k", 1);
        assertThatThrownBy(in::readAllBytes).isExactlyInstanceOf(io.dbbackup.core.DbBackupException.class)
                .hasMessage("the read of s3://b/k failed at byte 1500 of 10000 (after 1 resumed read): s3 get s3://b/k "
                        + "failed: HTTP 403 AccessDenied; check the store's credentials and the bucket policy")
                .hasCause(denied)
                .satisfies(t -> {
                    io.dbbackup.core.DbBackupException d = (io.dbbackup.core.DbBackupException) t;
                    assertThat(d.status()).as("the store's status").isEqualTo(io.dbbackup.core.ExitStatus.USER_ERROR);
                    assertThat(d.retryable()).as("the store's retry flag").isTrue();
                });
        assertThat(asked).as("resumed once for the reset, not for the refusal").containsExactly(1_000L);
        assertThat(in.resumes()).isEqualTo(1);
        ResumingInputStream unknownLength = new ResumingInputStream(new InputStream() {
            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                throw io.dbbackup.core.DbBackupException.permanent("azure get azure://a/c/k failed: the server's TLS "
                        + "certificate was not accepted", null);
            }
        }, -1, o -> {
            throw new AssertionError("not resumed");
        }, 3, "azure://a/c/k");
        assertThatThrownBy(unknownLength::readAllBytes).as("no length: the byte alone")
                .hasMessage("the read of azure://a/c/k failed at byte 0: azure get azure://a/c/k failed: the server's TLS "
                        + "certificate was not accepted")
                .satisfies(t -> assertThat(((io.dbbackup.core.DbBackupException) t).retryable()).isFalse());
        IllegalStateException bug = new IllegalStateException("a bug");
        ResumingInputStream other = new ResumingInputStream(new InputStream() {
            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                throw bug;
            }
        }, data.length, o -> {
            throw new AssertionError("not resumed");
        }, 3, "s3://b/k");
        assertThatThrownBy(other::readAllBytes).isSameAs(bug);
    }

    /**
     * A failure after one or more resumes that worked says how many there were ("(after K resumed reads)" after the byte
     * reached), so a flaky network shows in the line: a cancellation, the store's refusal of the read, a request for the
     * rest that keeps failing, an object that changed or went away. They said the byte alone, as if the read had broken
     * once. A failure with none before says nothing more (the tests above).
     */
    @Test
    void aFailureAfterResumesThatWorkedSaysHowManyThereWere() {
        // each connection gives 1000 bytes then resets; the third one ends with the fault given
        java.util.function.Function<IOException, ResumingInputStream> thirdEndsWith = fault -> new ResumingInputStream(
                breaking(0, 1_000, new IOException("Connection reset")), data.length, offset -> {
                    asked.add(offset);
                    return breaking(offset, 1_000, asked.size() < 2 ? new IOException("Connection reset") : fault);
                }, 3, "s3://b/k", 1);
        InterruptedIOException sigterm = new InterruptedIOException("cancelled: SIGTERM");
        assertThatThrownBy(thirdEndsWith.apply(sigterm)::readAllBytes).isExactlyInstanceOf(InterruptedIOException.class)
                .hasMessage("the read of s3://b/k was stopped at byte 3000 of 10000 (after 2 resumed reads): cancelled: SIGTERM");
        asked.clear();
        NoSuchKeyException missing = new NoSuchKeyException("s3://b/k");
        assertThatThrownBy(thirdEndsWith.apply(missing)::readAllBytes).isExactlyInstanceOf(NoSuchKeyException.class)
                .hasMessage("no such object: s3://b/k, deleted since the read began: the read stopped at byte 3000 of 10000 "
                        + "(after 2 resumed reads)");
        asked.clear();
        io.dbbackup.core.DbBackupException denied = io.dbbackup.core.DbBackupException.permanent("s3 get s3://b/k failed: "
                + "HTTP 403 AccessDenied", null);
        ResumingInputStream refused = new ResumingInputStream(breaking(0, 1_000, new IOException("Connection reset")),
                data.length, offset -> {
                    asked.add(offset);
                    return new InputStream() {
                        private final InputStream given = breaking(offset, 1_000, null);

                        @Override
                        public int read() {
                            throw new UnsupportedOperationException();
                        }

                        @Override
                        public int read(byte[] b, int off, int len) throws IOException {
                            int n = given.read(b, off, len);
                            if (n < 0) {
                                throw denied;
                            }
                            return n;
                        }
                    };
                }, 3, "s3://b/k", 1);
        assertThatThrownBy(refused::readAllBytes).isExactlyInstanceOf(io.dbbackup.core.DbBackupException.class)
                .hasMessage("the read of s3://b/k failed at byte 2000 of 10000 (after 1 resumed read): s3 get s3://b/k "
                        + "failed: HTTP 403 AccessDenied");
        asked.clear();
        ResumingInputStream.NotResumable changed = new ResumingInputStream.NotResumable("sftp read h:/k failed: the "
                + "connection broke at byte 2000 of 10000 (now 18 bytes) and the file changed (size or modification time) "
                + "since the read began, so the rest cannot be read");
        ResumingInputStream changedAfterOne = new ResumingInputStream(breaking(0, 1_000, new IOException("Connection reset")),
                data.length, offset -> {
                    asked.add(offset);
                    if (asked.size() > 1) {
                        throw changed;
                    }
                    return breaking(offset, 1_000, new IOException("Connection reset"));
                }, 3, "s3://b/k", 1);
        assertThatThrownBy(changedAfterOne::readAllBytes).isInstanceOf(ResumingInputStream.NotResumable.class)
                .hasMessage(changed.getMessage() + " (after 1 resumed read)").hasCause(changed);
        asked.clear();
        ResumingInputStream refusedAfterTwo = new ResumingInputStream(breaking(0, 1_000, new IOException("Connection reset")),
                data.length, offset -> {
                    asked.add(offset);
                    if (asked.size() > 2) {
                        throw new java.net.ConnectException("Connection refused");
                    }
                    return breaking(offset, 1_000, new IOException("Connection reset"));
                }, 3, "s3://b/k", 1);
        assertThatThrownBy(refusedAfterTwo::readAllBytes).isExactlyInstanceOf(IOException.class).hasMessage("Connection "
                + "reset; going on from byte 3000 of 10000 (after 2 resumed reads) over a new connection failed too: "
                + "Connection refused");
        assertThat(refusedAfterTwo.resumes()).isEqualTo(3);
    }

    /** The pause before asking again ends at once when the stream is closed from another thread (a cancellation). */
    @Test
    void aCloseFromAnotherThreadEndsThePauseAtOnce() throws Exception {
        ResumingInputStream in = new ResumingInputStream(breaking(0, 1_000, new IOException("Connection reset")),
                data.length, offset -> {
                    asked.add(offset);
                    throw new java.net.ConnectException("Connection refused");
                }, 3, "s3://b/k", 60_000);
        java.util.concurrent.CompletableFuture<Throwable> read = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> org.assertj.core.api.Assertions.catchThrowable(in::readAllBytes));
        for (long end = System.nanoTime() + 5_000_000_000L; asked.isEmpty() && System.nanoTime() < end; ) {
            Thread.sleep(10);
        }
        Thread.sleep(100);
        long t0 = System.nanoTime();
        in.close();
        Throwable t = read.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat((System.nanoTime() - t0) / 1_000_000).as("ms to stop").isLessThan(2_000);
        assertThat(t).isExactlyInstanceOf(InterruptedIOException.class).hasMessage("the read of s3://b/k was stopped at byte 1000 of 10000")
                .hasRootCauseMessage("Connection refused");
        assertThat(asked).containsExactly(1_000L);
    }

    /** The same for the operation's cancellation (a signal, a job's timeout) while the reading thread pauses. */
    @Test
    void theOperationsCancellationEndsThePauseAtOnce() throws Exception {
        Cancellation operation = new Cancellation();
        ResumingInputStream in = new ResumingInputStream(breaking(0, 1_000, new IOException("Connection reset")),
                data.length, offset -> {
                    asked.add(offset);
                    throw new java.net.ConnectException("Connection refused");
                }, 3, "s3://b/k", 60_000);
        java.util.concurrent.CompletableFuture<Throwable> read = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try (io.dbbackup.core.CancelSignal.Scope ignored = io.dbbackup.core.CancelSignal.enter(operation)) {
                return org.assertj.core.api.Assertions.catchThrowable(in::readAllBytes);
            }
        });
        for (long end = System.nanoTime() + 5_000_000_000L; asked.isEmpty() && System.nanoTime() < end; ) {
            Thread.sleep(10);
        }
        Thread.sleep(100);
        long t0 = System.nanoTime();
        operation.cancel("SIGTERM");
        Throwable t = read.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat((System.nanoTime() - t0) / 1_000_000).as("ms to stop").isLessThan(2_000);
        assertThat(t).isExactlyInstanceOf(InterruptedIOException.class)
                .hasMessage("the read of s3://b/k was stopped at byte 1000 of 10000: cancelled (SIGTERM)").hasRootCauseMessage("Connection refused");
        assertThat(asked).containsExactly(1_000L);
        in.close();
    }

    @Test
    void anUnknownLengthEndsWhereTheStreamEnds() throws IOException {
        byte[] half = Arrays.copyOf(data, 5_000);
        try (ResumingInputStream in = new ResumingInputStream(new ByteArrayInputStream(half), -1, o -> {
            throw new AssertionError("not resumed");
        }, 3, "x")) {
            assertThat(in.readAllBytes()).isEqualTo(half);
        }
    }
}
