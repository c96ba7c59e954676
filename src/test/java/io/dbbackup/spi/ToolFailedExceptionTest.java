package io.dbbackup.spi;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ToolFailedExceptionTest {
    /** pg_dump follows its error with detail lines; the server gone is the cause, not the COPY it was running. */
    @Test
    void theSummaryNamesTheErrorLineNotTheLastDetail() {
        String tail = """
                pg_dump: error: Dumping the contents of table "accounts" failed: PQgetCopyData() failed.
                pg_dump: detail: Error message from server: server closed the connection unexpectedly
                pg_dump: detail: Command was: COPY public.accounts (aid, bid, abalance, filler) TO stdout;
                """;
        assertThat(new ToolFailedException("pg_dump", 1, tail, true).getMessage()).isEqualTo("pg_dump failed (exit 1): "
                + "pg_dump: error: Dumping the contents of table \"accounts\" failed: PQgetCopyData() failed.");
        assertThat(new ToolFailedException("mariadb-dump", 2, "mariadb-dump: Got error: 2013: Lost connection\n", true)
                .getMessage()).endsWith(": mariadb-dump: Got error: 2013: Lost connection");
    }

    @Test
    void withoutAnErrorLineTheLastLineIsTheSummary() {
        assertThat(new ToolFailedException("tar", 2, "tar: a.txt: file changed as we read it\ntar: exiting with failure status\n",
                false).getMessage()).isEqualTo("tar failed (exit 2): tar: exiting with failure status");
        assertThat(new ToolFailedException("x", -1, "  ", false).getMessage()).isEqualTo("x failed");
    }
}
