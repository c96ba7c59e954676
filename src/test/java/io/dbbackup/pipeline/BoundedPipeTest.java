package io.dbbackup.pipeline;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BoundedPipeTest {
    private static byte[] data(int n) {
        byte[] b = new byte[n];
        new Random(3).nextBytes(b);
        return b;
    }

    /** Writes {@code data} in odd-sized pieces from another thread, then closes the sink. */
    private static Thread produce(BoundedPipe pipe, byte[] data, AtomicReference<Throwable> error) {
        Thread t = new Thread(() -> {
            try (OutputStream out = pipe.sink()) {
                int off = 0;
                int step = 1;
                while (off < data.length) {
                    int n = Math.min(step, data.length - off);
                    out.write(data, off, n);
                    off += n;
                    step = step * 3 % 70_001 + 1;
                }
            } catch (Throwable e) {
                error.set(e);
            }
        });
        t.start();
        return t;
    }

    @Test
    void transferToHandsOverWholeChunksAndRecyclesTheirArrays() throws Exception {
        byte[] data = data(5_000_003);
        BoundedPipe pipe = new BoundedPipe(3, 64 * 1024);
        AtomicReference<Throwable> error = new AtomicReference<>();
        Thread producer = produce(pipe, data, error);
        Set<byte[]> arrays = Collections.newSetFromMap(new IdentityHashMap<>());
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        long n;
        try (InputStream in = pipe.source()) {
            n = in.transferTo(new OutputStream() {
                @Override
                public void write(int b) {
                    throw new AssertionError("byte-wise write");
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    arrays.add(b);
                    assertThat(len).isLessThanOrEqualTo(64 * 1024);
                    back.write(b, off, len);
                }
            });
        }
        producer.join();
        assertThat(error.get()).isNull();
        assertThat(n).isEqualTo(data.length);
        assertThat(back.toByteArray()).isEqualTo(data);
        // ~77 chunks went through, in at most capacity + 2 arrays
        assertThat(arrays).hasSizeLessThanOrEqualTo(3 + 2);
    }

    @Test
    void aToolsOutputIsReadStraightIntoWholeChunks() throws Exception {
        byte[] data = data(3_000_001);
        BoundedPipe pipe = new BoundedPipe(2, 100_000);
        AtomicReference<Throwable> error = new AtomicReference<>();
        // a pipe from a process: short reads of at most 64 KiB
        InputStream tool = new java.io.ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 65_536 - pos % 1000));
            }
        };
        AtomicReference<Long> read = new AtomicReference<>();
        Thread producer = new Thread(() -> {
            try (OutputStream out = pipe.sink()) {
                read.set(((io.dbbackup.spi.ReadingSink) out).readFrom(tool));
            } catch (Throwable e) {
                error.set(e);
            }
        });
        producer.start();
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        java.util.List<Integer> sizes = new java.util.ArrayList<>();
        try (InputStream in = pipe.source()) {
            in.transferTo(new OutputStream() {
                @Override
                public void write(int b) {
                    throw new AssertionError("byte-wise write");
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    sizes.add(len);
                    back.write(b, off, len);
                }
            });
        }
        producer.join();
        assertThat(error.get()).isNull();
        assertThat(read.get()).isEqualTo(data.length);
        assertThat(back.toByteArray()).isEqualTo(data);
        // every chunk but the last is full, although no single read was
        assertThat(sizes.subList(0, sizes.size() - 1)).allMatch(n -> n == 100_000);
        assertThat(sizes).hasSize(31);
    }

    @Test
    void readGivesTheSameBytes() throws Exception {
        byte[] data = data(1_234_567);
        BoundedPipe pipe = new BoundedPipe(2, 10_000);
        AtomicReference<Throwable> error = new AtomicReference<>();
        Thread producer = produce(pipe, data, error);
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        try (InputStream in = pipe.source()) {
            byte[] buf = new byte[7_777];
            int r;
            while ((r = in.read(buf, 0, buf.length)) >= 0) {
                back.write(buf, 0, r);
            }
        }
        producer.join();
        assertThat(back.toByteArray()).isEqualTo(data);
    }

    @Test
    void theWritersFailureReachesTheReaderInsteadOfEndOfStream() throws Exception {
        BoundedPipe pipe = new BoundedPipe(2, 1000);
        Thread producer = new Thread(() -> {
            try {
                OutputStream out = pipe.sink();
                out.write(new byte[2500]);
                pipe.fail(new IOException("pg_dump: connection lost"));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        producer.start();
        try (InputStream in = pipe.source()) {
            assertThatThrownBy(() -> in.transferTo(OutputStream.nullOutputStream())).hasMessageContaining("connection lost");
        }
        producer.join();
    }

    @Test
    void theWriterFailsOnceTheReaderHasGone() throws Exception {
        BoundedPipe pipe = new BoundedPipe(1, 100);
        pipe.source().close();
        OutputStream out = pipe.sink();
        assertThatThrownBy(() -> out.write(new byte[1000])).hasMessageContaining("stopped");
    }
}
