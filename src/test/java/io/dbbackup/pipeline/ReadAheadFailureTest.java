package io.dbbackup.pipeline;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A read that fails behind a {@link ReadAhead} (a store's connection cut, a read aborted by a signal) reaches the
 * consumer as that failure, never as the end of the stream: a physical restore took such an end for the whole backup and
 * said "restore finished" (the read-ahead closed its pipe, handing over end-of-stream, before it recorded the failure).
 */
class ReadAheadFailureTest {
    @Test
    void aFailedReadIsNeverTakenForTheEndOfTheStream() throws Exception {
        for (int i = 0; i < 300; i++) {
            InputStream failing = new InputStream() {
                private int given;

                @Override
                public int read() throws IOException {
                    throw new IOException("not used");
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (given++ == 0) {
                        b[off] = 42;
                        return 1;
                    }
                    throw new IOException("the store's connection was cut");
                }
            };
            int round = i;
            try (InputStream in = ReadAhead.of(failing, "test")) {
                assertThatThrownBy(in::readAllBytes).as("round " + round).isInstanceOf(IOException.class)
                        .hasMessage("the store's connection was cut");
            }
        }
    }
}
