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

    @Test
    void afterTheLastResumeTheFailureIsTheError() {
        ResumingInputStream in = stream(1_000, new IOException("Connection reset"), 2);
        assertThatThrownBy(in::readAllBytes).hasMessage("Connection reset");
        assertThat(asked).containsExactly(1_000L, 2_000L);
        asked.clear();
        ResumingInputStream early = stream(1_000, null, 1);
        assertThatThrownBy(early::readAllBytes).hasMessage("the content of s3://b/k ended at byte 2000 of 10000");
    }

    @Test
    void cancellationAndAMissingObjectAreNotResumed() {
        ResumingInputStream cancelled = stream(1_000, new InterruptedIOException("cancelled: SIGTERM"), 3);
        assertThatThrownBy(cancelled::readAllBytes).isExactlyInstanceOf(InterruptedIOException.class);
        ResumingInputStream gone = stream(1_000, new NoSuchKeyException("s3://b/k"), 3);
        assertThatThrownBy(gone::readAllBytes).isInstanceOf(NoSuchKeyException.class);
        assertThat(asked).isEmpty();
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
