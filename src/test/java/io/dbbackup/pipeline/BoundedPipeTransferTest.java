package io.dbbackup.pipeline;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** BoundedPipe's transferTo hands chunks over without copying and reuses them: the bytes must still arrive intact. */
class BoundedPipeTransferTest {
    @Test
    void transferToDeliversEveryByteInOrderWhileChunksAreRecycled() throws Exception {
        byte[] data = new byte[(5 << 16) + 12345];
        new Random(3).nextBytes(data);
        BoundedPipe pipe = new BoundedPipe(2, 1 << 16);
        Thread writer = new Thread(() -> {
            try (OutputStream out = pipe.sink()) {
                Random r = new Random(4);
                int off = 0;
                while (off < data.length) {
                    int n = Math.min(data.length - off, 1 + r.nextInt(40_000));
                    out.write(data, off, n);
                    off += n;
                }
            } catch (IOException e) {
                pipe.fail(e);
            }
        });
        writer.start();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        InputStream source = pipe.source();
        byte[] first = new byte[100];
        assertThat(source.read(first)).isEqualTo(100);
        got.write(first);
        long rest = source.transferTo(new OutputStream() {
            @Override
            public void write(int b) {
                got.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                got.write(b, off, len);
                java.util.Arrays.fill(b, off, off + len, (byte) 0x77); // a consumer may not keep the array: scribble on it
            }
        });
        writer.join();
        assertThat(rest).isEqualTo(data.length - 100);
        assertThat(got.toByteArray()).isEqualTo(data);
        assertThat(source.read()).isEqualTo(-1);
    }

    @Test
    void transferToReportsTheWritersFailure() {
        BoundedPipe pipe = new BoundedPipe(2, 1024);
        Thread writer = new Thread(() -> {
            try {
                OutputStream out = pipe.sink();
                out.write(new byte[3000]);
                pipe.fail(new IOException("pg_basebackup exited 1"));
            } catch (IOException e) {
                pipe.fail(e);
            }
        });
        writer.start();
        assertThatThrownBy(() -> pipe.source().transferTo(OutputStream.nullOutputStream())).hasMessage("pg_basebackup exited 1");
    }
}
