package io.dbbackup.pipeline;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a stream on a thread of its own, a bounded number of chunks ahead of the consumer: decoding
 * (decrypt, decompress, SHA-256) then runs beside whatever the consumer does with the bytes (a restore
 * writing files). Failures reach the consumer as they would have directly, including the integrity error
 * a checking stream raises at its end.
 */
public final class ReadAhead {
    private static final int CHUNKS = 8;
    private static final int CHUNK_SIZE = 1 << 20;

    private ReadAhead() {
    }

    public static InputStream of(InputStream in, String name) {
        BoundedPipe pipe = new BoundedPipe(CHUNKS, CHUNK_SIZE);
        Thread t = new Thread(() -> {
            try {
                var sink = pipe.sink();
                in.transferTo(sink);
                sink.close(); // end-of-stream only after a read that ended: a failure is recorded, never an end before it
            } catch (IOException e) {
                pipe.fail(e);
            } catch (RuntimeException e) {
                pipe.fail(new IOException(e.getMessage(), e));
            }
        }, "read-ahead-" + name);
        t.setDaemon(true);
        t.start();
        return new FilterInputStream(pipe.source()) {
            @Override
            public void close() throws IOException {
                super.close();
                in.close();
            }
        };
    }
}
