package io.dbbackup.codec;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PipelinedOutputStreamTest {
    @Test
    void passesEveryByteOnItsOwnThreadInRecycledBlocksAndClosesBelow() throws Exception {
        byte[] data = new byte[3_000_001];
        new Random(5).nextBytes(data);
        Set<byte[]> blocks = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<String> threads = Collections.synchronizedSet(new java.util.HashSet<>());
        AtomicBoolean closed = new AtomicBoolean();
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        OutputStream below = new OutputStream() {
            @Override
            public void write(int b) {
                throw new AssertionError("byte-wise write");
            }

            @Override
            public void write(byte[] b, int off, int len) {
                blocks.add(b);
                threads.add(Thread.currentThread().getName());
                back.write(b, off, len);
            }

            @Override
            public void close() {
                closed.set(true);
            }
        };
        try (OutputStream out = new PipelinedOutputStream(below, "stage-below", 16 * 1024, 4)) {
            for (int off = 0; off < data.length; off += 1000) {
                out.write(data, off, Math.min(1000, data.length - off));
            }
        }
        assertThat(back.toByteArray()).isEqualTo(data);
        assertThat(closed).isTrue();
        assertThat(threads).containsExactly("stage-below");
        assertThat(blocks).hasSizeLessThanOrEqualTo(4 + 2); // ~183 blocks went through
    }

    @Test
    void aFailureBelowReachesTheWriter() {
        OutputStream below = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("disk full");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("disk full");
            }
        };
        OutputStream out = new PipelinedOutputStream(below, "stage-below", 1024, 2);
        assertThatThrownBy(() -> {
            for (int i = 0; i < 1000; i++) {
                out.write(new byte[1024]);
            }
            out.close();
        }).hasMessageContaining("disk full");
    }

    /**
     * The stage below fails only when closed (a store's last buffered flush onto a full disk): close must report it,
     * not wait for ever for an end marker it already took (the backup hung, deaf to its timeout and to SIGTERM).
     */
    @Test
    void aFailureOfTheLastFlushBelowReachesCloseInsteadOfHangingIt() throws Exception {
        OutputStream below = new OutputStream() {
            @Override
            public void write(int b) {
            }

            @Override
            public void write(byte[] b, int off, int len) {
            }

            @Override
            public void close() throws IOException {
                throw new IOException("No space left on device");
            }
        };
        OutputStream out = new PipelinedOutputStream(below, "stage-below", 1024, 2);
        out.write(new byte[10_000]);
        java.util.concurrent.CompletableFuture<Throwable> closing = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                out.close();
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        Throwable t = closing.get(10, java.util.concurrent.TimeUnit.SECONDS); // hung for ever before
        org.assertj.core.api.Assertions.assertThat(t).isInstanceOf(IOException.class).hasMessage("No space left on device");
    }
}
