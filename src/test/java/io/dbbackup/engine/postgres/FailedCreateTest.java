package io.dbbackup.engine.postgres;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/** The catalog question for the object a failed pg_restore statement was creating (pg_restore's "Command was:"). */
class FailedCreateTest {
    private static String hex(String s) {
        return HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theObjectIsReadFromPgRestoresCommandWasLine() {
        String table = "pg_restore: error: could not execute query: FEHLER:  Relation »orders« existiert bereits\n"
                + "Command was: CREATE TABLE public.orders (\n    id integer NOT NULL\n);\n";
        assertThat(FailedCreate.existsQuery(table)).hasValueSatisfying(q ->
                assertThat(q).contains("to_regclass").contains(hex("public.orders") + "'"));
        assertThat(FailedCreate.existsQuery("pg_restore: error: could not execute query: FEHLER:  Schema »verkauf« existiert bereits\n"
                + "Command was: CREATE SCHEMA verkauf;\n")).hasValueSatisfying(q ->
                assertThat(q).contains("to_regnamespace").contains("'" + hex("verkauf") + "'"));
        assertThat(FailedCreate.existsQuery("Command was: CREATE TYPE \"Ver kauf\".\"Stu\"\"fe\" AS ENUM (\n")).hasValueSatisfying(q ->
                assertThat(q).contains("to_regtype").contains("'" + hex("\"Ver kauf\".\"Stu\"\"fe\"") + "'"));
        assertThat(FailedCreate.existsQuery("Command was: CREATE FUNCTION verkauf.brutto(n numeric) RETURNS numeric\n"))
                .hasValueSatisfying(q -> assertThat(q).contains("parse_ident").contains("'" + hex("verkauf.brutto") + "'"));
        assertThat(FailedCreate.existsQuery("Command was: CREATE MATERIALIZED VIEW public.mv AS\n")).hasValueSatisfying(q ->
                assertThat(q).contains("to_regclass").contains("'" + hex("public.mv") + "'"));
    }

    @Test
    void noCreateNoQuestion() {
        assertThat(FailedCreate.existsQuery("pg_restore: error: could not execute query: FEHLER:  keine Berechtigung für Schema public\n"
                + "Command was: ALTER TABLE public.t OWNER TO app;\n")).isEmpty();
        assertThat(FailedCreate.existsQuery("pg_restore: error: could not read from input file: end of file")).isEmpty();
    }
}
