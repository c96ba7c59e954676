package io.dbbackup.engine.sqlite;

import io.dbbackup.codec.IntegrityException;
import io.dbbackup.spi.Cancellation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** What a damaged SQLite file's integrity check says: one line, however many problems SQLite finds (a real damaged file). */
class IntegrityFindingsTest {
    @TempDir
    Path dir;

    /**
     * SQLite reports each problem on a line of its own (one row each, a row itself may hold several lines): the error was
     * as many {@code error:} lines as problems, hundreds for a badly damaged file, where the contract is one line.
     */
    @Test
    void aBadlyDamagedFileIsSaidInOneLineWithItsFirstProblemsAndHowManyMore() throws Exception {
        Path db = dir.resolve("shop.db");
        try (Connection c = SqliteEngine.open(db, false); Statement st = c.createStatement()) {
            st.execute("create table t (id integer primary key, v text)");
            st.execute("create index t_v on t (v)");
            st.execute("with recursive n(i) as (select 1 union all select i + 1 from n where i < 20000)"
                    + " insert into t select i, hex(randomblob(40)) from n");
        }
        byte[] b = Files.readAllBytes(db);
        Arrays.fill(b, b.length / 3, b.length / 2, (byte) 0x5a);
        Files.write(db, b);

        IntegrityException e = catchThrowableOfType(
                () -> SqliteEngine.checkIntegrity(db, "the backup", new Cancellation()), IntegrityException.class);

        assertThat(e).as("the damage is found").isNotNull();
        assertThat(e.getMessage()).startsWith("the backup fails PRAGMA integrity_check: ")
                .doesNotContain("\n").doesNotContain("\r")
                .containsPattern("; … and \\d+ more problems$");
        assertThat(e.getMessage().split("; ")).as(e.getMessage()).hasSizeLessThanOrEqualTo(1 + IntegrityFindings.SHOWN);
    }

    @Test
    void fewProblemsAreAllSaidEachLineOfARowAProblemWithoutItsHeader() {
        assertThat(IntegrityFindings.oneLine(java.util.List.of("*** in database main ***\nPage 5: never used\nPage 6: never used", "row 3 missing")))
                .isEqualTo("Page 5: never used; Page 6: never used; row 3 missing");
        assertThat(IntegrityFindings.oneLine(java.util.List.of("a", "b", "c", "d", "e")))
                .isEqualTo("a; b; c; … and 2 more problems");
        assertThat(IntegrityFindings.oneLine(java.util.List.of("a", "b", "c", "d")))
                .isEqualTo("a; b; c; … and 1 more problem");
    }
}
