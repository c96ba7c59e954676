package io.dbbackup.engine.postgres;

import io.dbbackup.spi.FilteredInputStream;
import io.dbbackup.spi.RestoreOptions;
import io.dbbackup.testkit.Trickle;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Taking a real pg_dump plain script apart (src/test/resources/postgres-15-plain.sql, made by PostgreSQL 15's pg_dump:
 * a schema, tables, a view, a serial's sequence, an index, and a table whose rows read exactly like an object comment)
 * for {@code restore --table/--schema/--data-only} of a plain backup.
 */
class PlainSectionsTest {
    static final byte[] SCRIPT;

    static {
        try (InputStream in = PlainSectionsTest.class.getResourceAsStream("/postgres-15-plain.sql")) {
            SCRIPT = in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String part(byte[] script, RestoreOptions options, int chunk) throws IOException {
        PlainSelection rule = new PlainSelection(options, ArchiveToc.EMPTY);
        try (InputStream in = new FilteredInputStream(new Trickle(new ByteArrayInputStream(script), chunk),
                kept -> new PlainSections(rule, kept))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static RestoreOptions select(List<String> tables, List<String> schemas, boolean dataOnly) {
        return new RestoreOptions(false, false, tables, schemas, dataOnly);
    }

    static List<String> objects(byte[] script) throws IOException {
        List<String> seen = new ArrayList<>();
        try (PlainSections s = new PlainSections((section, head) -> {
            if (section != null && (seen.isEmpty() || !seen.get(seen.size() - 1).equals(section.toString()))) {
                seen.add(section.toString());
            }
            return false;
        }, OutputStream.nullOutputStream())) {
            s.write(script);
        }
        return seen;
    }

    @Test
    void oneTableIsItsDefinitionAndRowsAsPgRestoreTableChoosesThem() throws IOException {
        String sql = part(SCRIPT, select(List.of("orders"), List.of(), false), 1 << 16);

        assertThat(sql).startsWith("--\n-- PostgreSQL database dump\n--").contains("\\restrict FIXTUREKEY",
                "SELECT pg_catalog.set_config('search_path', '', false);", "CREATE TABLE public.orders (",
                "COPY public.orders (id, total) FROM stdin;\n1\t1.5\n2\t2.5\n\\.\n")
                .doesNotContain("CREATE TABLE public.notes", "CREATE SCHEMA", "audit.log", "orders_id_seq", "CREATE INDEX",
                        "ADD CONSTRAINT", "CREATE VIEW");
    }

    @Test
    void rowsThatReadLikeAnObjectCommentStayRows() throws IOException {
        assertThat(objects(SCRIPT)).noneMatch(o -> o.contains("evil"))
                .contains("Section[name=notes, type=TABLE DATA, schema=public]", "Section[name=orders, type=TABLE, schema=public]");

        String notes = part(SCRIPT, select(List.of("notes"), List.of(), true), 1 << 16);
        assertThat(notes).contains("COPY public.notes (line) FROM stdin;\n--\n-- Name: evil; Type: TABLE; Schema: public; "
                + "Owner: x\n--\nback\\\\slash\n\\.\n").doesNotContain("CREATE TABLE", "COPY public.orders");
    }

    @Test
    void theScriptsTableOfContentsIsItsRelationsNotItsRows() throws IOException {
        PlainToc toc = new PlainToc(null);
        try (toc) {
            toc.write(SCRIPT);
        }

        assertThat(toc.toc().relations()).extracting(r -> r.kind() + " " + r.schema() + "." + r.name()).containsExactly(
                "TABLE audit.log", "TABLE public.orders", "VIEW public.big", "TABLE public.notes", "SEQUENCE public.orders_id_seq");
        assertThat(toc.toc().schemas()).containsExactly("audit", "public");
    }

    @Test
    void aSchemaIsEverythingInIt() throws IOException {
        String sql = part(SCRIPT, select(List.of(), List.of("audit"), false), 1 << 16);

        assertThat(sql).contains("CREATE TABLE audit.log (", "COPY audit.log (id, what) FROM stdin;\n1\tx\n\\.\n")
                .doesNotContain("public.", "CREATE SCHEMA"); // psql creates the schema when missing
    }

    @Test
    void rowsOnlyAreEveryTablesRowsAndTheSequencesValues() throws IOException {
        String sql = part(SCRIPT, select(List.of(), List.of(), true), 1 << 16);

        assertThat(sql).contains("COPY audit.log", "COPY public.notes", "COPY public.orders",
                "SELECT pg_catalog.setval('public.orders_id_seq', 2, true);")
                .doesNotContain("CREATE TABLE", "CREATE SEQUENCE", "CREATE INDEX", "ALTER TABLE");
    }

    @Test
    void theSameLinesWhateverTheChunksTheScriptArrivesIn() throws IOException {
        RestoreOptions options = select(List.of("notes", "orders"), List.of("public"), false);
        String whole = part(SCRIPT, options, SCRIPT.length);
        for (int chunk : new int[] {1, 2, 3, 7, 511, 512, 513, 4096}) {
            assertThat(part(SCRIPT, options, chunk)).as("chunks of %d", chunk).isEqualTo(whole);
        }
    }

    @Test
    void aCopyLineLongerThanTheHeldHeadStillStartsRows() throws IOException {
        StringBuilder columns = new StringBuilder();
        for (int i = 0; i < 80; i++) {
            columns.append(i == 0 ? "" : ", ").append("column_number_").append(i);
        }
        String script = """
                --
                -- Data for Name: wide; Type: TABLE DATA; Schema: public; Owner: app
                --

                COPY public.wide (%s) FROM stdin;
                --
                -- Name: fake; Type: TABLE; Schema: public; Owner: app
                --
                \\.

                --
                -- Name: real; Type: TABLE; Schema: public; Owner: app
                --

                CREATE TABLE public.real (x int);
                """.formatted(columns);
        byte[] bytes = script.getBytes(StandardCharsets.UTF_8);

        assertThat(objects(bytes)).containsExactly("Section[name=wide, type=TABLE DATA, schema=public]",
                "Section[name=real, type=TABLE, schema=public]");
        for (int chunk : new int[] {1, 100, 1 << 16}) {
            assertThat(part(bytes, select(List.of("wide"), List.of(), true), chunk)).contains("-- Name: fake;", "\\.\n")
                    .doesNotContain("CREATE TABLE public.real");
        }
    }

    /** pg_dump writes a table's row level security, policies, grants and comments as objects of their own. */
    @Test
    void oneTableComesWithItsRowSecurityPoliciesGrantsAndComments() throws IOException {
        byte[] script = """
                --
                -- Name: secret; Type: TABLE; Schema: public; Owner: app
                --

                CREATE TABLE public.secret (
                    id integer
                );
                ALTER TABLE ONLY public.secret FORCE ROW LEVEL SECURITY;

                --
                -- Name: TABLE secret; Type: COMMENT; Schema: public; Owner: app
                --

                COMMENT ON TABLE public.secret IS 'sec';

                --
                -- Name: COLUMN secret.id; Type: COMMENT; Schema: public; Owner: app
                --

                COMMENT ON COLUMN public.secret.id IS 'the id';

                --
                -- Name: TABLE secretive; Type: COMMENT; Schema: public; Owner: app
                --

                COMMENT ON TABLE public.secretive IS 'other';

                --
                -- Data for Name: secret; Type: TABLE DATA; Schema: public; Owner: app
                --

                COPY public.secret (id) FROM stdin;
                1
                \\.

                --
                -- Name: secret p1; Type: POLICY; Schema: public; Owner: app
                --

                CREATE POLICY p1 ON public.secret FOR SELECT USING (true);

                --
                -- Name: secretive p2; Type: POLICY; Schema: public; Owner: app
                --

                CREATE POLICY p2 ON public.secretive FOR SELECT USING (true);

                --
                -- Name: secret; Type: ROW SECURITY; Schema: public; Owner: app
                --

                ALTER TABLE public.secret ENABLE ROW LEVEL SECURITY;

                --
                -- Name: TABLE secret; Type: ACL; Schema: public; Owner: app
                --

                GRANT SELECT ON TABLE public.secret TO reader;

                --
                -- Name: TABLE secret; Type: ACL; Schema: audit; Owner: app
                --

                GRANT SELECT ON TABLE audit.secret TO reader;

                """.getBytes(StandardCharsets.UTF_8);

        assertThat(part(script, select(List.of("secret"), List.of("public"), false), 5)).contains("CREATE TABLE public.secret",
                "FORCE ROW LEVEL SECURITY", "COMMENT ON TABLE public.secret IS 'sec';", "COMMENT ON COLUMN public.secret.id",
                "COPY public.secret", "CREATE POLICY p1 ON public.secret", "ALTER TABLE public.secret ENABLE ROW LEVEL SECURITY;",
                "GRANT SELECT ON TABLE public.secret TO reader;")
                .doesNotContain("secretive", "audit.secret");
        assertThat(part(script, select(List.of("secret"), List.of(), true), 5)).contains("COPY public.secret")
                .doesNotContain("POLICY", "GRANT", "COMMENT", "ROW LEVEL");
    }
}
