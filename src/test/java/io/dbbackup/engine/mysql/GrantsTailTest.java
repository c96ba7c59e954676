package io.dbbackup.engine.mysql;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class GrantsTailTest {
    /** A source that hands out at most {@code step} bytes per read, so the mark straddles reads. */
    private static InputStream trickle(String text, int step) {
        return new FilterInputStream(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, step));
            }
        };
    }

    private static String[] split(String text, int step, int readSize) throws IOException {
        GrantsTail t = new GrantsTail(trickle(text, step));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[readSize];
        int n;
        while ((n = t.read(buf, 0, buf.length)) >= 0) {
            out.write(buf, 0, n);
        }
        return new String[] {out.toString(StandardCharsets.UTF_8), t.section()};
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 21, 64, 1 << 16})
    void theAccountSectionIsKeptAsideWhereverTheReadsSplitIt(int step) throws IOException {
        String dump = "-- dbbackup: mariadb dump of shop\nINSERT INTO t VALUES ('-- dbbackup: account x');\n-- dbbackup: not this\n"
                + "\n-\n--\n-- dbbackup: accoun\nSELECT 1;";
        String grants = "\n-- dbbackup: account 'r'@'%' and its grants\nCREATE USER IF NOT EXISTS 'r'@'%';\nGRANT SELECT ON * TO 'r'@'%';\n"
                + "\n-- dbbackup: account 'w'@'%' and its grants\nGRANT INSERT ON `t` TO 'w'@'%';\n";
        for (int readSize : new int[] {1, 5, 4096}) {
            String[] r = split(dump + grants, step, readSize);
            assertThat(r[0]).as("step %d, read %d", step, readSize).isEqualTo(dump);
            assertThat(r[1]).isEqualTo(grants);
        }
    }

    @Test
    void aDumpWithoutGrantsPassesUnchangedEvenEndingInAPartialMark() throws IOException {
        for (String dump : new String[] {"", "SELECT 1;\n", "SELECT 1;\n-- dbbackup: acc", "x\n"}) {
            String[] r = split(dump, 3, 2);
            assertThat(r[0]).isEqualTo(dump);
            assertThat(r[1]).isEmpty();
        }
    }
}
