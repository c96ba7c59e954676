package io.dbbackup.engine.postgres;

import io.dbbackup.spi.Cancellation;
import io.dbbackup.spi.ChildProcess;
import io.dbbackup.spi.ToolFailedException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Whether a failed psql query failed by what it read, and whether pg_restore failed on a damaged archive (psql's and pg_restore's own words). */
class PgErrorsTest {
    private static ToolFailedException psql(int exit, String stderr) {
        return new ToolFailedException("psql", exit, stderr, true);
    }

    /** A wrapper script in bin_dir whose program is gone: the reason names it and what to do, not the shell's bare line. */
    @Test
    void aWrapperWhoseProgramIsMissingIsNamedAsSuch() {
        ToolFailedException e = new ToolFailedException("psql", 127,
                "/etc/dbbackup/bin/psql: line 2: /opt/gone/psql: No such file or directory", false);
        assertThat(PgErrors.reason(e)).startsWith("psql failed (exit 127): command not found: /opt/gone/psql (")
                .contains("install it or fix the path");
    }

    @Test
    void aLostConnectionACancelOrATimeoutIsNotTheQuerys() {
        // pg_terminate_backend of the check's session
        assertThat(PgErrors.notTheQuery(psql(2, "psql:<stdin>:2: FATAL:  57P01: terminating connection due to administrator command\n"
                + "psql:<stdin>:2: server closed the connection unexpectedly"))).isTrue();
        // the server went away without a word
        assertThat(PgErrors.notTheQuery(psql(2, "psql:<stdin>:2: server closed the connection unexpectedly\n"
                + "\tThis probably means the server terminated abnormally"))).isTrue();
        // statement_timeout / pg_cancel_backend: psql goes on (exit 3), the SQLSTATE tells
        assertThat(PgErrors.notTheQuery(psql(3, "psql:<stdin>:2: ERROR:  57014: canceling statement due to statement timeout\n"
                + "LOCATION:  ProcessInterrupts, postgres.c:3330"))).isTrue();
        assertThat(PgErrors.notTheQuery(psql(3, "psql:<stdin>:2: ERROR:  53100: could not extend file: No space left on device"))).isTrue();
        // a connection refused (psql exits 2)
        assertThat(PgErrors.notTheQuery(psql(2, "psql: error: connection to server at \"127.0.0.1\", port 1 failed: Connection refused"))).isTrue();
    }

    @Test
    void aQueryTheServerRanAndRefusedIsTheQuerys() {
        assertThat(PgErrors.notTheQuery(psql(3, "psql:<stdin>:2: ERROR:  42P01: relation \"no_such_table\" does not exist\n"
                + "LINE 1: select count(*) from no_such_table;\n"
                + "LOCATION:  parserOpenTable, parse_relation.c:1392"))).isFalse();
        assertThat(PgErrors.notTheQuery(psql(3, "psql:<stdin>:2: ERROR:  22012: division by zero"))).isFalse();
        assertThat(PgErrors.notTheQuery(psql(3, "psql:<stdin>:2: ERROR:  42601: syntax error at or near \"selec\""))).isFalse();
    }

    /**
     * A server whose lc_messages is German writes FEHLER for ERROR: its SQLSTATEs were not read, so a drill check cancelled
     * by statement_timeout was blamed on the restored copy ("the query failed"), and a denied one was not said to be
     * denied; a failed psql restore was summed up as "psql failed (exit 3): psql failed (exit 3): psql:<stdin>:31: …".
     */
    @Test
    void aServerSpeakingGermanIsReadByItsSqlstatesAndItsMessageLine() {
        assertThat(PgErrors.notTheQuery(psql(3, "psql:<stdin>:3: FEHLER:  57014: storniere Anfrage wegen Zeitüberschreitung der Anfrage\n"
                + "LOCATION:  ProcessInterrupts, postgres.c:3319"))).isTrue();
        assertThat(PgErrors.notTheQuery(psql(3, "psql:<stdin>:2: FEHLER:  42P01: Relation »nope« existiert nicht\n"
                + "LINE 1: select * from nope;\nLOCATION:  parserOpenTable, parse_relation.c:1392"))).isFalse();
        assertThat(PgErrors.privilegeDenied(psql(3, "psql:<stdin>:2: FEHLER:  42501: keine Berechtigung für Tabelle sec"))).isTrue();
        assertThat(PgErrors.privilegeDenied(psql(3, "psql:<stdin>:2: FEHLER:  42P01: Relation »nope« existiert nicht"))).isFalse();

        assertThat(PgErrors.reason(psql(3, "psql:<stdin>:12: WARNUNG:  keine Privilegien wurden entzogen für »t«\n"
                + "psql:<stdin>:31: FEHLER:  Relation »o« existiert bereits\n")))
                .isEqualTo("psql:<stdin>:31: FEHLER:  Relation »o« existiert bereits");
        // English: the first ERROR line, not a WARNING before it
        assertThat(PgErrors.reason(psql(3, "psql:<stdin>:12: WARNING:  no privileges could be revoked for \"t\"\n"
                + "psql:<stdin>:31: ERROR:  relation \"o\" already exists\n")))
                .isEqualTo("psql:<stdin>:31: ERROR:  relation \"o\" already exists");
    }

    /** Only a connection the server refused in its own words makes a restore ask the maintenance database for the target. */
    @Test
    void aConnectionTheServerRefusedIsToldFromOneLibpqGaveUpOn() {
        assertThat(PgErrors.serverRefusedConnection(psql(2, "psql: error: connection to server at \"127.0.0.1\", port 5432 "
                + "failed: FATAL:  Datenbank »fresh« existiert nicht"))).isTrue();
        assertThat(PgErrors.serverRefusedConnection(psql(2, "psql: error: connection to server at \"127.0.0.1\", port 5432 "
                + "failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?"))).isFalse();
        assertThat(PgErrors.serverRefusedConnection(psql(2, "psql: error: connection to server at \"10.0.0.9\", port 5432 "
                + "failed: timeout expired"))).isFalse();
    }

    @Test
    void aToolKilledAtItsTimeoutIsNotTheQuerys() {
        ChildProcess sleep = ChildProcess.of(List.of("sleep", "10")).name("psql").timeout(Duration.ofMillis(300));
        assertThatThrownBy(() -> sleep.run(null, null, new Cancellation())).isInstanceOfSatisfying(ToolFailedException.class, e -> {
            assertThat(e.timedOut()).isTrue();
            assertThat(PgErrors.notTheQuery(e)).isTrue();
        });
        assertThat(psql(3, "psql:<stdin>:2: ERROR:  42P01: relation \"timed out after 1s\" does not exist").timedOut()).isFalse();
    }

    @Test
    void pgRestoreOnAnArchiveCutShortOrGarbledIsADamagedArchive() {
        assertThat(PgErrors.isDamagedArchive(new ToolFailedException("pg_restore", 1,
                "pg_restore: error: could not read from input file: end of file", true))).isTrue();
        assertThat(PgErrors.isDamagedArchive(new ToolFailedException("pg_restore", 1,
                "pg_restore: error: could not find block ID 3245 in archive -- possibly corrupt archive", true))).isTrue();
        assertThat(PgErrors.isDamagedArchive(new ToolFailedException("pg_restore", 1,
                "pg_restore: error: could not uncompress data: invalid distance too far back", true))).isTrue();
    }

    @Test
    void pgRestoreRefusedByTheServerOrAnotherToolIsNoDamagedArchive() {
        assertThat(PgErrors.isDamagedArchive(new ToolFailedException("pg_restore", 1,
                "pg_restore: error: could not execute query: ERROR:  relation \"orders\" already exists\n"
                        + "Command was: CREATE TABLE public.orders (", true))).isFalse();
        assertThat(PgErrors.isDamagedArchive(new ToolFailedException("pg_restore", 1,
                "pg_restore: error: connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  password authentication failed", false)))
                .isFalse();
        assertThat(PgErrors.isDamagedArchive(new ToolFailedException("psql", 3,
                "psql:<stdin>:12: ERROR:  could not read from input file: end of file", true))).isFalse();
    }

    /**
     * 42501 insufficient_privilege (and class 28, an account refused), or libpq's words for a refused connection: the
     * checking account's set-up, not what the restored copy holds.
     */
    @Test
    void aMissingPrivilegeOrARefusedAccountIsTheSetUps() {
        assertThat(PgErrors.privilegeDenied(psql(3, "psql:<stdin>:2: ERROR:  42501: permission denied for table bulk\n"
                + "LOCATION:  aclcheck_error, aclchk.c:3650"))).isTrue();
        assertThat(PgErrors.privilegeDenied(psql(3, "psql:<stdin>:2: ERROR:  42501: permission denied for schema audit"))).isTrue();
        assertThat(PgErrors.privilegeDenied(psql(2, "psql: error: connection to server at \"127.0.0.1\", port 5432 failed: "
                + "FATAL:  password authentication failed for user \"chk\""))).isTrue();
        assertThat(PgErrors.privilegeDenied(psql(2, "psql: error: connection to server at \"127.0.0.1\", port 5432 failed: "
                + "FATAL:  permission denied for database \"drill_1\"\nDETAIL:  User does not have CONNECT privilege."))).isTrue();
        assertThat(PgErrors.privilegeDenied(psql(3, "psql:<stdin>:2: ERROR:  42P01: relation \"no_such_table\" does not exist"))).isFalse();
        assertThat(PgErrors.privilegeDenied(psql(3, "psql:<stdin>:2: ERROR:  22012: division by zero"))).isFalse();
        assertThat(PgErrors.privilegeDenied(psql(3, "psql:<stdin>:2: ERROR:  42703: column \"permission denied\" does not exist")))
                .as("the words inside a quoted name are not the error").isFalse();
        assertThat(PgErrors.privilegeDenied(psql(2, "psql:<stdin>:2: server closed the connection unexpectedly"))).isFalse();
    }

    /**
     * A hot standby cancels a dump's query (or ends its session) to replay WAL from its primary once
     * max_standby_streaming_delay has passed: still retried, and the error says why and what to set.
     */
    @Test
    void aStandbysRecoveryConflictIsRetriedAndNamesTheSettingsThatAvoidIt() {
        for (String server : List.of("ERROR:  canceling statement due to conflict with recovery",
                "FATAL:  terminating connection due to conflict with recovery")) {
            String stderr = "pg_dump: error: Dumping the contents of table \"big\" failed: PQgetCopyData() failed.\n"
                    + "pg_dump: detail: Error message from server: " + server + "\n"
                    + "DETAIL:  User was holding a relation lock for too long.\n"
                    + "pg_dump: detail: Command was: COPY public.big (id, payload) TO stdout;";
            ToolFailedException e = PgErrors.explained(new ToolFailedException("pg_dump", 1, stderr, !PgErrors.isPermanent(stderr)));
            assertThat(e.retryable()).as("retried").isTrue();
            assertThat(e.getMessage()).contains(server.substring(server.indexOf("  ") + 2)).contains("standby")
                    .contains("max_standby_streaming_delay").contains("hot_standby_feedback").doesNotContain("\n");
        }
    }

    /**
     * A server whose connection slots are all taken (max_connections, the rest kept for superusers) or a role's or a
     * database's CONNECTION LIMIT: retried, and said with the settings to look at. Before, only the server's words.
     */
    @Test
    void noFreeConnectionSlotIsRetriedAndNamesMaxConnections() {
        for (String server : List.of("sorry, too many clients already",
                "remaining connection slots are reserved for non-replication superuser connections",
                "remaining connection slots are reserved for roles with the SUPERUSER attribute",
                "too many connections for role \"bk\"", "too many connections for database \"app\"")) {
            for (String tool : List.of("psql", "pg_dump")) {
                String stderr = tool + ": error: connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  " + server;
                ToolFailedException e = new ToolFailedException(tool, 2, stderr, !PgErrors.isPermanent(stderr));
                assertThat(e.retryable()).as("retried").isTrue();
                assertThat(PgErrors.reason(e)).isEqualTo(server + ": " + PgErrors.NO_FREE_SLOT_HINT);
                ToolFailedException explained = PgErrors.explained(e);
                assertThat(explained.retryable()).isTrue();
                assertThat(explained.getMessage()).contains(server).contains("max_connections")
                        .contains("superuser_reserved_connections").contains("CONNECTION LIMIT").doesNotContain("\n");
            }
        }
        assertThat(PgErrors.reason(new ToolFailedException("psql", 3, "psql:<stdin>:1: ERROR:  relation \"too many clients\" "
                + "does not exist", false))).doesNotContain("max_connections");
    }

    @Test
    void aPoolerThatRefusesTheSessionSettingsIsSaidWithWhatToDo() {
        // PgBouncer before 1.20 refuses the startup parameter itself; 1.20+ a setting in it it does not track
        for (String stderr : List.of(
                "pg_dump: error: connection to server at \"127.0.0.1\", port 6432 failed: FATAL:  unsupported startup parameter: options",
                "psql: error: connection to server at \"127.0.0.1\", port 6432 failed: FATAL:  unsupported startup parameter in options: statement_timeout")) {
            ToolFailedException e = new ToolFailedException("pg_dump", 1, stderr, !PgErrors.isPermanent(stderr));
            assertThat(e.retryable()).as("retried").isFalse();
            assertThat(PgErrors.reason(e)).startsWith("unsupported startup parameter").contains("PGOPTIONS")
                    .contains("ignore_startup_parameters").doesNotContain("\n");
            assertThat(PgErrors.explained(e).getMessage()).contains("unsupported startup parameter")
                    .contains("ignore_startup_parameters");
        }
    }

    /**
     * A server whose lc_messages is German refuses a wrong password as "Passwort-Authentifizierung für Benutzer »bk«
     * fehlgeschlagen"; libpq, in English, adds the pass file line for SQLSTATE 28P01 only. Before, the job retried it.
     */
    @Test
    void aWrongPasswordIsPermanentWhateverTheServersLanguage() {
        String german = "pg_dump: error: connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  "
                + "Passwort-Authentifizierung für Benutzer »bk« fehlgeschlagen\n"
                + "password retrieved from file \"/tmp/dbbackup-1/pgpass\"";
        String french = "psql: error: connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  "
                + "authentification par mot de passe échouée pour l'utilisateur « bk »\n"
                + "password retrieved from file \"/tmp/dbbackup-1/pgpass\"";
        for (String stderr : List.of(german, french)) {
            assertThat(PgErrors.isPermanent(stderr)).as(stderr).isTrue();
            assertThat(PgErrors.privilegeDenied(psql(2, stderr))).as(stderr).isTrue();
        }
        // too many clients, in German: a retry may well get in
        assertThat(PgErrors.isPermanent("pg_dump: error: connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  "
                + "tut mir leid, schon zu viele Verbindungen")).isFalse();
    }

    /** psql with VERBOSITY verbose: the first error's SQLSTATE (not a notice's), and a -c command's line as the reason. */
    @Test
    void theSqlstateOfTheFirstErrorAndTheLineOfACommand() {
        ToolFailedException clean = psql(3, "HINWEIS:  00000: Löschvorgang löscht ebenfalls 2 weitere Objekte\n"
                + "DETAIL:  Löschvorgang löscht ebenfalls Tabelle s.t\n"
                + "FEHLER:  42501: muss Eigentümer von Schema theirs sein\n"
                + "KONTEXT:  SQL-Anweisung »DROP SCHEMA theirs CASCADE«\nORT:  aclcheck_error, aclchk.c:3650");
        assertThat(PgErrors.sqlState(clean)).isEqualTo("42501");
        assertThat(PgErrors.reason(clean)).isEqualTo("42501: muss Eigentümer von Schema theirs sein");
        ToolFailedException script = psql(3, "psql:<stdin>:32: FEHLER:  42P07: Relation »o« existiert bereits\n"
                + "ORT:  heap_create_with_catalog, heap.c:1146");
        assertThat(PgErrors.sqlState(script)).isEqualTo("42P07");
        assertThat(PgErrors.reason(script)).isEqualTo("psql:<stdin>:32: FEHLER:  42P07: Relation »o« existiert bereits");
        assertThat(PgErrors.sqlState(psql(1, "pg_restore: error: could not execute query: FEHLER:  Relation »o« existiert bereits"))).isNull();
    }

    /** The table of a COPY the server refused pg_dump, from pg_dump's own English lines; the hint after its line. */
    @Test
    void theTableOfARefusedCopyAndTheRowLevelSecurityHint() {
        ToolFailedException e = new ToolFailedException("pg_dump", 1, "pg_dump: error: query failed: FEHLER:  Policy für Sicherheit "
                + "auf Zeilenebene für Tabelle »Depot Posten« würde Auswirkung auf die Anfrage haben\n"
                + "pg_dump: detail: Query was: COPY public.\"Depot Posten\" (id, inhaber) TO stdout;", true);
        assertThat(PgErrors.refusedCopy(e)).contains("public.\"Depot Posten\"");
        ToolFailedException hinted = PgErrors.rowLevelSecurityStopped(e, "bk");
        assertThat(hinted.retryable()).isFalse();
        assertThat(PgErrors.reason(hinted)).contains("Zeilenebene").contains("ALTER ROLE bk BYPASSRLS");
        assertThat(PgErrors.refusedCopy(new ToolFailedException("pg_dump", 1, "pg_dump: error: Dumping the contents of table "
                + "\"t\" failed: PQgetResult() failed.", true))).isEmpty();
    }

    /** Before: "pg_restore failed (exit 137): pg_restore failed (exit 137): killed by SIGKILL …" in a restore's error. */
    @Test
    void aToolKilledWithoutAnErrorLineIsNamedOnce() {
        ToolFailedException killed = new ToolFailedException("pg_restore", 137, "", true);
        assertThat(PgErrors.failed(killed)).startsWith("pg_restore failed (exit 137): killed by SIGKILL")
                .containsOnlyOnce("pg_restore failed");
        assertThat(PgErrors.failed(psql(3, "psql:<stdin>:7: ERROR:  relation \"t\" already exists\n")))
                .isEqualTo("psql failed (exit 3): psql:<stdin>:7: ERROR:  relation \"t\" already exists");
    }

    /** libpq's words for a server that ended the session without a message (a PANIC's restart): the restore hint's cue. */
    @Test
    void aConnectionTheServerEndedWithoutAWordIsGone() {
        assertThat(PgErrors.connectionGone(new ToolFailedException("pg_restore", 1, "pg_restore: error: error returned by "
                + "PQputCopyData: server closed the connection unexpectedly\n\tThis probably means the server terminated "
                + "abnormally\n", true))).isTrue();
        assertThat(PgErrors.connectionGone(psql(3, "psql:<stdin>:9: ERROR:  53100: could not extend file \"base/1/2\": No space "
                + "left on device\n"))).isFalse();
    }
}
