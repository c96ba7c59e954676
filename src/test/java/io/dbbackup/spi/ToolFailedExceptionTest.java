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
                + "pg_dump: error: Dumping the contents of table \"accounts\" failed: PQgetCopyData() failed. "
                + "server closed the connection unexpectedly");
        assertThat(new ToolFailedException("mariadb-dump", 2, "mariadb-dump: Got error: 2013: Lost connection\n", true)
                .getMessage()).endsWith(": mariadb-dump: Got error: 2013: Lost connection");
    }

    /**
     * "PQgetResult() failed." alone was the whole summary of a backup whose rows the role's client_encoding could not
     * hold, or that a standby cancelled: the server's words, on a detail line, follow it now.
     */
    @Test
    void pgDumpsFailedReadOfATableIsSummarisedWithTheServersWords() {
        String tail = """
                pg_dump: error: Dumping the contents of table "t" failed: PQgetResult() failed.
                pg_dump: detail: Error message from server: ERROR:  canceling statement due to conflict with recovery
                DETAIL:  User query might have needed to see row versions that must be removed.
                pg_dump: detail: Command was: COPY public.t (id, name) TO stdout;
                """;
        assertThat(new ToolFailedException("pg_dump", 1, tail, true).getMessage()).isEqualTo("pg_dump failed (exit 1): "
                + "pg_dump: error: Dumping the contents of table \"t\" failed: PQgetResult() failed. "
                + "ERROR:  canceling statement due to conflict with recovery");
        assertThat(new ToolFailedException("pg_dump", 1, "pg_dump: error: query failed: ERROR:  permission denied for table t\n"
                + "pg_dump: detail: Query was: LOCK TABLE public.t IN ACCESS SHARE MODE\n", false).getMessage())
                .endsWith("pg_dump: error: query failed: ERROR:  permission denied for table t");
    }

    @Test
    void withoutAnErrorLineTheLastLineIsTheSummary() {
        assertThat(new ToolFailedException("tar", 2, "tar: a.txt: file changed as we read it\ntar: exiting with failure status\n",
                false).getMessage()).isEqualTo("tar failed (exit 2): tar: exiting with failure status");
        assertThat(new ToolFailedException("x", -1, "  ", false).getMessage()).isEqualTo("x failed");
    }
}
