package io.dbbackup.engine.mysql;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Which failures {@link PacketLimit} names as the server's packet limit (the real one is in MySqlPacketLimitIT). */
class PacketLimitTest {
    static PacketLimit read(String sql) throws IOException {
        PacketLimit p = new PacketLimit(new ByteArrayInputStream(sql.getBytes(StandardCharsets.UTF_8)));
        p.transferTo(OutputStream.nullOutputStream());
        return p;
    }

    @Test
    void aClosedConnectionIsThePacketLimitOnlyWhenAStatementReachedIt() throws IOException {
        PacketLimit p = read("SET NAMES utf8mb4;\nINSERT INTO t VALUES (0x" + "ab".repeat(600) + ");\nSELECT 1;\n");
        assertThat(p.longest()).isEqualTo(1226);
        IOException gone = new IOException("mariadb against h failed: ERROR 2006 (HY000) at line 2: Server has gone away");

        assertThat(p.explain(gone, 1000).getMessage()).startsWith(gone.getMessage() + " — a statement of the dump (its longest is ")
                .contains("max_allowed_packet (1000 B)", "SET GLOBAL max_allowed_packet = 67108864");
        assertThat(p.explain(gone, 4096)).as("a server that went away for another reason").isNull();
        assertThat(p.explain(gone, 0)).as("the limit unknown").isNull();
        assertThat(p.explain(new IOException("ERROR 1153 (08S01) at line 2: Got a packet bigger than 'max_allowed_packet' bytes"), 0))
                .isNotNull();
        assertThat(p.explain(new IOException("ERROR 1062 (23000) at line 2: Duplicate entry '1'"), 10)).isNull();
    }

    @Test
    void theLongestLineCountsWhateverTheReads() throws IOException {
        PacketLimit p = new PacketLimit(new ByteArrayInputStream("ab\nabcdef\nabc".getBytes(StandardCharsets.UTF_8)));
        try (InputStream in = p) {
            while (in.read() >= 0) {
                // one byte at a time
            }
        }
        assertThat(p.longest()).isEqualTo(6);
    }
}
