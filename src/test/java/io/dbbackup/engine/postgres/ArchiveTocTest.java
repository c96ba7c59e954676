package io.dbbackup.engine.postgres;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The table of contents {@code pg_restore --list} prints (PostgreSQL 15's, of a database with one of everything). */
class ArchiveTocTest {
    private static final String LIST = """
            ;
            ; Archive created at 2026-12-01 19:58:02 UTC
            ;     dbname: toc_sample
            ;
            6; 2615 16388 SCHEMA - audit postgres
            220; 1259 16415 TABLE audit log postgres
            217; 1259 16398 TABLE public Order Items postgres
            216; 1259 16390 TABLE public orders postgres
            3384; 0 0 COMMENT public TABLE orders postgres
            218; 1259 16407 VIEW public big postgres
            219; 1259 16411 MATERIALIZED VIEW public mv postgres
            215; 1259 16389 SEQUENCE public orders_id_seq postgres
            3385; 0 0 SEQUENCE OWNED BY public orders_id_seq postgres
            221; 1259 16418 TABLE public parted postgres
            222; 1259 16421 TABLE public parted_1 postgres
            3222; 0 0 TABLE ATTACH public parted_1 postgres
            3223; 2604 16393 DEFAULT public orders id postgres
            3376; 0 16415 TABLE DATA audit log postgres
            3374; 0 16398 TABLE DATA public Order Items postgres
            3373; 0 16390 TABLE DATA public orders postgres
            3386; 0 0 SEQUENCE SET public orders_id_seq postgres
            3225; 2606 16397 CONSTRAINT public orders orders_pkey postgres
            3226; 1259 16406 INDEX public Order Items_id_idx postgres
            3375; 0 16411 MATERIALIZED VIEW DATA public mv postgres
            """;

    @Test
    void relationsAreTablesViewsAndSequencesWithTheirSchemaNeverTheirDataOrAttachments() {
        ArchiveToc toc = ArchiveToc.of(LIST);

        assertThat(toc.relations()).extracting(r -> r.schema() + "." + r.name()).containsExactly("audit.log",
                "public.Order Items", "public.orders", "public.big", "public.mv", "public.orders_id_seq", "public.parted",
                "public.parted_1");
        assertThat(toc.schemas()).containsExactly("audit", "public");
    }

    @Test
    void aSchemaWithoutRelationsIsStillOneOfTheArchives() {
        ArchiveToc toc = ArchiveToc.of("7; 2615 16500 SCHEMA - empty postgres\n");

        assertThat(toc.schemas()).containsExactly("empty");
        assertThat(toc.relations()).isEmpty();
    }
}
