package io.dbbackup.engine.postgres;

import io.dbbackup.spi.RestoreOptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A backup's table of contents from its definitions as {@code pg_restore --section=pre-data} (or pg_dump) writes them
 * (PostgreSQL 15's, abridged): names with spaces and quotes, and a partitioned table two levels deep.
 */
class ArchiveTocTest {
    private static final String PRE_DATA = """
            --
            -- Name: Odd Schema; Type: SCHEMA; Schema: -; Owner: postgres
            --

            CREATE SCHEMA "Odd Schema";

            --
            -- Name: Tab "q" Ünï; Type: TABLE; Schema: Odd Schema; Owner: postgres
            --

            CREATE TABLE "Odd Schema"."Tab ""q"" Ünï" (
                "Col 1" text
            );

            --
            -- Name: parted; Type: TABLE; Schema: public; Owner: postgres
            --

            CREATE TABLE public.parted (
                k integer
            )
            PARTITION BY RANGE (k);

            --
            -- Name: parted_2; Type: TABLE; Schema: public; Owner: postgres
            --

            CREATE TABLE public.parted_2 (
                k integer
            )
            PARTITION BY LIST (v);

            --
            -- Name: p 2a; Type: TABLE; Schema: Odd Schema; Owner: postgres
            --

            CREATE TABLE "Odd Schema"."p 2a" (
                k integer
            );

            --
            -- Name: other; Type: TABLE; Schema: public; Owner: postgres
            --

            CREATE TABLE public.other (
                k integer
            );

            --
            -- Name: parted_2; Type: TABLE ATTACH; Schema: public; Owner: postgres
            --

            ALTER TABLE ONLY public.parted ATTACH PARTITION public.parted_2 FOR VALUES FROM (100) TO (200);

            --
            -- Name: p 2a; Type: TABLE ATTACH; Schema: Odd Schema; Owner: postgres
            --

            ALTER TABLE ONLY public.parted_2 ATTACH PARTITION "Odd Schema"."p 2a" FOR VALUES IN ('a');

            --
            -- Name: other; Type: TABLE ATTACH; Schema: public; Owner: postgres
            --

            ALTER TABLE ONLY "Odd Schema"."Tab ""q"" Ünï" ATTACH PARTITION public.other DEFAULT;

            """;

    private static ArchiveToc toc() throws IOException {
        PlainToc toc = new PlainToc(null);
        try (toc) {
            toc.write(PRE_DATA.getBytes(StandardCharsets.UTF_8));
        }
        return toc.toc();
    }

    @Test
    void namesWithSpacesAndQuotesAreWhole() throws IOException {
        ArchiveToc toc = toc();

        assertThat(toc.relations()).extracting(r -> r.schema() + "." + r.name()).containsExactly(
                "Odd Schema.Tab \"q\" Ünï", "public.parted", "public.parted_2", "Odd Schema.p 2a", "public.other");
        assertThat(toc.schemas()).containsExactly("Odd Schema", "public");
    }

    @Test
    void aPartitionedTablesPartitionsAreEveryLevelOfItsTree() throws IOException {
        ArchiveToc toc = toc();

        assertThat(toc.partitionsOf(new RestoreOptions(false, false, List.of("parted"), List.of(), true)))
                .containsExactlyInAnyOrder(ArchiveToc.key("public", "parted_2"), ArchiveToc.key("Odd Schema", "p 2a"));
        assertThat(toc.partitionsOf(new RestoreOptions(false, false, List.of("Tab \"q\" Ünï"), List.of("Odd Schema"), false)))
                .containsExactly(ArchiveToc.key("public", "other"));
        assertThat(toc.partitionsOf(new RestoreOptions(false, false, List.of("parted"), List.of("Odd Schema"), false))).isEmpty();
        assertThat(toc.partitionsOf(new RestoreOptions(false, false, List.of("other"), List.of(), false))).isEmpty();
    }

    /** An older pg_dump wrote a partition's attachment into its own CREATE TABLE (no TABLE ATTACH entry). */
    @Test
    void aPartitionCreatedAsPartOfItsParentCountsToo() throws IOException {
        String script = """
                --
                -- Name: parted; Type: TABLE; Schema: public; Owner: postgres
                --

                CREATE TABLE public.parted (
                    k integer
                )
                PARTITION BY RANGE (k);

                --
                -- Name: p "1" x; Type: TABLE; Schema: public; Owner: postgres
                --

                CREATE TABLE public."p ""1"" x" PARTITION OF public.parted
                FOR VALUES FROM (0) TO (100);

                """;
        PlainToc toc = new PlainToc(null);
        try (toc) {
            toc.write(script.getBytes(StandardCharsets.UTF_8));
        }

        assertThat(toc.toc().partitionsOf(new RestoreOptions(false, false, List.of("parted"), List.of(), true)))
                .containsExactly(ArchiveToc.key("public", "p \"1\" x"));
    }
}
