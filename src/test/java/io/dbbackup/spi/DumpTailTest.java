package io.dbbackup.spi;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class DumpTailTest {
    private static byte[] script(int rows, String end) {
        StringBuilder sb = new StringBuilder("-- header\n");
        for (int i = 0; i < rows; i++) {
            sb.append(i).append("\trow number ").append(i).append('\n');
        }
        return sb.append(end).toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void passesEveryByteAndKeepsTheLastLinesWhateverTheWriteSizes() throws IOException {
        byte[] dump = script(5000, "--\n-- PostgreSQL database dump complete\n--\n\n");
        for (int step : new int[] {1, 7, 4095, 4096, 4097, 65536}) {
            ByteArrayOutputStream below = new ByteArrayOutputStream();
            DumpTail tail = new DumpTail(below);
            for (int off = 0; off < dump.length; off += step) {
                tail.write(dump, off, Math.min(step, dump.length - off));
            }
            assertThat(below.toByteArray()).as("step " + step).isEqualTo(dump);
            assertThat(tail.count()).isEqualTo(dump.length);
            assertThat(tail.lastLines()).as("step " + step).endsWith("--", "-- PostgreSQL database dump complete", "--")
                    .contains("4999\trow number 4999");
        }
    }

    /** Below a sink that reads for itself, the tail is taken from what goes by. */
    @Test
    void aReadingSinkBelowStillGetsToReadAndTheTailIsKept() throws IOException {
        byte[] dump = script(3000, "-- Dump completed on 2026-12-02  5:00:00\n");
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        class Reading extends OutputStream implements ReadingSink {
            boolean readItself;

            @Override
            public void write(int b) {
                got.write(b);
            }

            @Override
            public long readFrom(InputStream in) throws IOException {
                readItself = true;
                byte[] buf = new byte[1000];
                long total = 0;
                int n;
                while ((n = in.read(buf, 0, buf.length)) >= 0) {
                    got.write(buf, 0, n);
                    total += n;
                }
                return total;
            }
        }
        Reading sink = new Reading();
        DumpTail tail = new DumpTail(sink);
        assertThat(tail.readFrom(new ByteArrayInputStream(dump))).isEqualTo(dump.length);
        assertThat(sink.readItself).isTrue();
        assertThat(got.toByteArray()).isEqualTo(dump);
        assertThat(tail.lastLines()).last().isEqualTo("-- Dump completed on 2026-12-02  5:00:00");
    }

    @Test
    void endsWithZerosLooksAtTheVeryEnd() throws IOException {
        DumpTail tail = new DumpTail(OutputStream.nullOutputStream());
        assertThat(tail.endsWithZeros(5)).isFalse(); // nothing written
        tail.write(new byte[] {'P', 'G', 'D', 'M', 'P', 1, 0, 0, 0, 0});
        assertThat(tail.endsWithZeros(4)).isTrue();
        assertThat(tail.endsWithZeros(5)).isFalse();
        tail.write(0);
        assertThat(tail.endsWithZeros(5)).isTrue();
        tail.write('x');
        assertThat(tail.endsWithZeros(5)).isFalse();
    }
}
