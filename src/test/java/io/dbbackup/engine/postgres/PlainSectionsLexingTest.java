package io.dbbackup.engine.postgres;

import io.dbbackup.core.DbBackupException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.dbbackup.engine.postgres.PlainSectionsTest.objects;
import static io.dbbackup.engine.postgres.PlainSectionsTest.part;
import static io.dbbackup.engine.postgres.PlainSectionsTest.select;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Object comments that are not object comments: src/test/resources/postgres-15-crafted.sql is PostgreSQL 15's pg_dump of
 * a database whose table comment, column comment (a backslash and quotes in it), function body, quoted table and column
 * names and rows each hold lines that read exactly like pg_dump's {@code -- Data for Name: victim; Type: TABLE DATA} /
 * {@code -- Name: victim; Type: TABLE} comments, followed by an {@code INSERT INTO public.victim} and a
 * {@code CREATE ROLE … SUPERUSER}. Only the real comments may start an object.
 */
class PlainSectionsLexingTest {
    static final byte[] CRAFTED;

    static {
        try (InputStream in = PlainSectionsLexingTest.class.getResourceAsStream("/postgres-15-crafted.sql")) {
            CRAFTED = in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void rowsOnlyOfOneTableAreItsRowsNotAStatementHiddenInAComment() throws IOException {
        for (int chunk : new int[] {1, 7, 512, 1 << 16}) {
            String sql = part(CRAFTED, select(List.of("victim"), List.of(), true), chunk);

            assertThat(sql).as("chunks of %d", chunk).contains("COPY public.victim (id, v) FROM stdin;\n1\ta\n2\tb\n\\.\n")
                    .doesNotContain("CREATE ROLE", "(99, NULL)", "(98, NULL)", "(97, NULL)", "COMMENT ON", "CREATE FUNCTION",
                            "RETURN 1", "we\"\"ird", "CREATE TABLE");
        }
    }

    @Test
    void oneTableIsItsOwnDefinitionNotAFunctionBodyThatMentionsIt() throws IOException {
        String sql = part(CRAFTED, select(List.of("victim"), List.of(), false), 1 << 16);

        assertThat(sql).contains("CREATE TABLE public.victim (", "COPY public.victim (id, v) FROM stdin;")
                .doesNotContain("RETURN 1", "END$$;", "CREATE ROLE", "(99, NULL)", "COMMENT ON", "we\"\"ird");
    }

    @Test
    void eachObjectIsListedOnceAndNoneComesFromInsideALiteral() throws IOException {
        assertThat(objects(CRAFTED)).filteredOn(o -> o.startsWith("Section[name=victim,")).containsExactly(
                "Section[name=victim, type=TABLE, schema=public]", "Section[name=victim, type=TABLE DATA, schema=public]");

        PlainToc toc = new PlainToc(null);
        try (toc) {
            toc.write(CRAFTED);
        }
        assertThat(toc.toc().relations()).extracting(r -> r.kind() + " " + r.schema() + "." + r.name())
                .containsOnlyOnce("TABLE public.victim").filteredOn(r -> r.contains("victim")).hasSize(2); // and the quoted name
    }

    @Test
    void anEscapeStringsBackslashQuoteDoesNotEndIt() throws IOException {
        String script = """
                --
                -- Name: notes; Type: COMMENT; Schema: public; Owner: app
                --

                COMMENT ON TABLE public.notes IS E'it\\'s \\\\'' /* $$ "
                --
                -- Data for Name: victim; Type: TABLE DATA; Schema: public; Owner: app
                --

                CREATE ROLE injected SUPERUSER;
                ';

                --
                -- Data for Name: victim; Type: TABLE DATA; Schema: public; Owner: app
                --

                COPY public.victim (id) FROM stdin;
                1
                \\.

                """;
        String sql = part(script.getBytes(StandardCharsets.UTF_8), select(List.of("victim"), List.of(), true), 3);

        assertThat(sql).contains("COPY public.victim (id) FROM stdin;\n1\n\\.\n").doesNotContain("CREATE ROLE");
    }

    @Test
    void aScriptThatEndsInsideAStringIsNotTakenApart() {
        String cut = new String(CRAFTED, StandardCharsets.UTF_8);
        byte[] bytes = cut.substring(0, cut.indexOf("CREATE ROLE")).getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> {
            try (PlainToc toc = new PlainToc(null)) {
                toc.write(bytes);
            }
        }).isInstanceOf(DbBackupException.class).hasMessageContaining("ends inside a quoted string");
    }
}
