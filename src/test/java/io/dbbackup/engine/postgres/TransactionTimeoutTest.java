package io.dbbackup.engine.postgres;

import io.dbbackup.core.DumpFormat;
import io.dbbackup.spi.Engine;
import io.dbbackup.spi.RestoreOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL 17's {@code transaction_timeout} (a role's or a database's cuts a long pg_dump or a restore's one transaction
 * short) is set off with the other timeouts from a 17 server on, and never named to an older one, which refuses the
 * connection for an unknown setting. Client programs of {@code bin_dir} that record what they were started with.
 */
class TransactionTimeoutTest {
    @TempDir
    Path dir;

    @Test
    void theOptionsFollowTheServersVersion() {
        assertThat(PgTools.timeoutsOff(PgVersion.ofServer(170002, "17.2")))
                .isEqualTo("-c statement_timeout=0 -c lock_timeout=0 -c idle_in_transaction_session_timeout=0"
                        + " -c transaction_timeout=0");
        assertThat(PgTools.timeoutsOff(PgVersion.ofServer(160006, "16.6")))
                .isEqualTo("-c statement_timeout=0 -c lock_timeout=0 -c idle_in_transaction_session_timeout=0");
        assertThat(PostgresEngine.timeoutsOffSql(PgVersion.ofServer(180000, "18.0"))).endsWith(" SET transaction_timeout = 0;");
        assertThat(PostgresEngine.timeoutsOffSql(PgVersion.ofServer(150014, "15.14"))).doesNotContain("transaction_timeout");
    }

    @Test
    void aDumpOfA17ServerStartsWithTransactionTimeoutOff() throws IOException {
        assertThat(dumpOptions("17.2", 170002, "17.2")).contains("-c transaction_timeout=0");
    }

    @Test
    void aDumpOfA16ServerWithA17ClientDoesNotNameIt() throws IOException {
        assertThat(dumpOptions("17.2", 160006, "16.6")).contains("-c statement_timeout=0").doesNotContain("transaction_timeout");
    }

    @Test
    void aDumpByAnOlderClientDoesNotNameIt() throws IOException {
        assertThat(dumpOptions("15.14", 150014, "15.14")).contains("-c statement_timeout=0").doesNotContain("transaction_timeout");
    }

    @Test
    void aRestoreIntoA17ServerRunsWithTransactionTimeoutOffAndSoDoesItsCleanStep() throws IOException {
        String log = restoreLog("17.2", 170002, "17.2");
        assertThat(log).contains("PGOPTIONS=-c statement_timeout=0 -c lock_timeout=0 -c idle_in_transaction_session_timeout=0"
                + " -c transaction_timeout=0 ARGS=");
        assertThat(log).contains("SET transaction_timeout = 0;");
    }

    @Test
    void aRestoreIntoA16ServerDoesNotNameIt() throws IOException {
        String log = restoreLog("17.2", 160006, "16.6");
        assertThat(log).contains("-c statement_timeout=0").doesNotContain("transaction_timeout");
    }

    private String dumpOptions(String client, int serverNum, String serverText) throws IOException {
        Engine engine = engine(client, serverNum, serverText);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        engine.dump(out, PgTestEngines.context(dir));
        assertThat(out.toString(StandardCharsets.UTF_8)).endsWith(PostgresEngine.SCRIPT_END + "\n");
        return Files.readString(dir.resolve("pg_dump.log"));
    }

    private String restoreLog(String client, int serverNum, String serverText) throws IOException {
        Engine engine = engine(client, serverNum, serverText);
        engine.restore(new ByteArrayInputStream("SELECT 1;\n".getBytes(StandardCharsets.UTF_8)), DumpFormat.SQL,
                new RestoreOptions(true), PgTestEngines.context(dir));
        return Files.readAllLines(dir.resolve("psql.log")).stream().filter(l -> l.contains("--single-transaction"))
                .findFirst().orElseThrow();
    }

    /** A datasource whose bin_dir holds a psql answering as a server of {@code serverNum} and a pg_dump of {@code client}. */
    private Engine engine(String client, int serverNum, String serverText) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        script(bin.resolve("psql"), "[ \"$1\" = --version ] && { echo 'psql (PostgreSQL) " + client + "'; exit 0; }\n"
                + "echo \"PGOPTIONS=$PGOPTIONS ARGS=$*\" >> '" + dir.resolve("psql.log") + "'\n"
                + "cat > /dev/null\necho '" + serverNum + "|" + serverText + "'\n");
        script(bin.resolve("pg_dump"), "[ \"$1\" = --version ] && { echo 'pg_dump (PostgreSQL) " + client + "'; exit 0; }\n"
                + "echo \"$PGOPTIONS\" > '" + dir.resolve("pg_dump.log") + "'\n"
                + "printf -- '-- PostgreSQL database dump\\n\\n-- " + PostgresEngine.SCRIPT_END.substring(3) + "\\n'\n");
        script(bin.resolve("pg_restore"), "[ \"$1\" = --version ] && { echo 'pg_restore (PostgreSQL) " + client + "'; exit 0; }\n"
                + "exit 1\n");
        return PgTestEngines.fromYaml(dir, Map.of(), """
                datasources:
                  pg:
                    engine: postgres
                    host: 127.0.0.1
                    port: 5432
                    user: app
                    database: app
                    bin_dir: %s
                """.formatted(bin));
    }

    private static void script(Path exe, String body) throws IOException {
        Files.writeString(exe, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
