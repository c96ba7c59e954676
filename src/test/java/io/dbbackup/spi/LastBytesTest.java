package io.dbbackup.spi;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class LastBytesTest {
    /** After every write, of any size around the window's, the kept bytes are the last ones added; clear starts over. */
    @Test
    void keepsTheLastBytesHoweverTheyAreWritten() {
        Random random = new Random(7);
        for (int size : new int[] {1, 16, 4096}) {
            LastBytes last = new LastBytes(size);
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int w = 0; w < 2000; w++) {
                byte[] chunk = new byte[random.nextInt(3 * size + 2)];
                random.nextBytes(chunk);
                int off = chunk.length == 0 ? 0 : random.nextInt(chunk.length);
                last.add(chunk, off, chunk.length - off);
                all.write(chunk, off, chunk.length - off);
                byte[] every = all.toByteArray();
                assertThat(last.bytes()).as("size " + size + " write " + w)
                        .isEqualTo(Arrays.copyOfRange(every, Math.max(0, every.length - size), every.length));
                if (random.nextInt(100) == 0) {
                    last.clear();
                    all.reset();
                    assertThat(last.bytes()).isEmpty();
                }
            }
        }
        LastBytes text = new LastBytes(4);
        text.add("line;;\n".getBytes(StandardCharsets.ISO_8859_1), 0, 6);
        assertThat(text.text(StandardCharsets.ISO_8859_1)).isEqualTo("ne;;");
    }
}
