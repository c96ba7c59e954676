package io.dbbackup.engine.postgres;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.DumpFormat;
import io.dbbackup.spi.DumpInfo;
import io.dbbackup.spi.Engine;
import io.dbbackup.spi.RestoreOptions;
import io.dbbackup.spi.TargetState;
import io.dbbackup.testkit.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.dbbackup.engine.postgres.PgTestEngines.context;
import static io.dbbackup.engine.postgres.PgTestEngines.engine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The rich-schema round trip of the acceptance, in both formats, plus interop with the stock tools. */
class PostgresRoundTripIT {
    static PostgresServer pg;
    static String sourceSchema;
    static Map<String, String> sourceContent;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() throws URISyntaxException {
        pg = PostgresServer.start();
        pg.execute("postgres", "create role dbb_reader login password 'reader-pw'");
        pg.createDatabase("rich");
        Path fixture = Path.of(PostgresRoundTripIT.class.getResource("/postgres/rich-schema.sql").toURI());
        pg.runTool("rich", "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", fixture.toString());
        sourceSchema = pg.schemaDump("rich");
        sourceContent = pg.contentHashes("rich");
    }

    @AfterAll
    static void stopServer() {
        if (pg != null) {
            pg.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "custom"})
    void richSchemaRoundTripsIntoAFreshDatabase(String format) throws Exception {
        Engine source = engine(pg, dir, "rich", "format: " + format);
        assertThat(source.format()).isEqualTo(format.equals("plain") ? DumpFormat.SQL : DumpFormat.DUMP);
        Path artifact = dir.resolve("rich." + source.format().extension());
        DumpInfo info;
        try (OutputStream out = Files.newOutputStream(artifact)) {
            info = source.dump(out, context(dir));
        }
        assertThat(info.facts()).containsEntry("server_version_num", pg.queryOne("postgres", "show server_version_num"))
                .containsKey("pg_dump_version").containsEntry("server_version", pg.queryOne("postgres", "show server_version").split(" ")[0]);
        assertThat(info.facts().get("pg_dump_version")).startsWith("15.");
        assertThat(Files.size(artifact)).isGreaterThan(100_000);
        assertThat(Files.list(dir.resolve("scratch"))).as("the pass file is gone after the dump").isEmpty();

        String target = "rt_" + format;
        Engine restore = engine(pg, dir, target, "format: " + format);
        TargetState before = restore.inspectTarget(context(dir));
        assertThat(before.exists()).isFalse();
        assertThat(before.isEmpty()).isTrue();
        try (InputStream in = Files.newInputStream(artifact)) {
            restore.restore(in, source.format(), new RestoreOptions(false), context(dir));
        }
        assertThat(pg.schemaDump(target)).isEqualTo(sourceSchema);
        assertThat(pg.contentHashes(target)).isEqualTo(sourceContent);
        TargetState after = restore.inspectTarget(context(dir));
        assertThat(after.exists()).isTrue();
        assertThat(after.objects()).isGreaterThan(10);
        assertThat(after.description()).contains("tables");

        // the restored objects behave: identity continues, sequences continue, RLS applies, grants hold
        assertThat(pg.queryOne(target, "select nextval('sales.invoice_no')")).isEqualTo("5001");
        pg.execute(target, "insert into sales.customer (name) values ('new one')");
        assertThat(pg.queryOne(target, "select id from sales.customer where name = 'new one'")).isEqualTo("5");
        assertThat(pg.queryOne(target, "select relrowsecurity from pg_class where oid = 'sales.notes'::regclass")).isEqualTo("t");
        assertThat(pg.queryOne(target, "select has_table_privilege('dbb_reader', 'sales.customer', 'select')")).isEqualTo("t");
        assertThat(pg.queryOne(target, "select count(*) from sales.audit_log where row_data->>'name' = 'new one'")).isEqualTo("1");

        // a second restore with clean replaces everything and leaves the same content
        pg.execute(target, "create table public.stray (i int); insert into public.stray values (1)");
        try (InputStream in = Files.newInputStream(artifact)) {
            restore.restore(in, source.format(), new RestoreOptions(true), context(dir));
        }
        assertThat(pg.contentHashes(target)).as("clean starts from empty schemas").isEqualTo(sourceContent);
        assertThat(pg.schemaDump(target)).isEqualTo(sourceSchema);
    }

    @Test
    void customArtifactRestoresWithStockPgRestoreAndPlainWithPsql() throws Exception {
        Path custom = dir.resolve("rich.dump");
        Path plain = dir.resolve("rich.sql");
        try (OutputStream out = Files.newOutputStream(custom)) {
            engine(pg, dir, "rich", "format: custom").dump(out, context(dir));
        }
        try (OutputStream out = Files.newOutputStream(plain)) {
            engine(pg, dir, "rich", "format: plain").dump(out, context(dir));
        }
        pg.createDatabase("by_pg_restore");
        pg.runTool("by_pg_restore", "pg_restore", "--exit-on-error", "-d", "by_pg_restore", custom.toString());
        pg.createDatabase("by_psql");
        pg.runTool("by_psql", "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", plain.toString());
        for (String db : new String[] {"by_pg_restore", "by_psql"}) {
            assertThat(pg.schemaDump(db)).as(db).isEqualTo(sourceSchema);
            assertThat(pg.contentHashes(db)).as(db).isEqualTo(sourceContent);
        }
        assertThat(pg.runTool("postgres", "pg_restore", "--list", custom.toString())).contains("TABLE DATA sales customer");
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "custom"})
    void aFailedRestoreAppliesNothing(String format) throws Exception {
        Engine source = engine(pg, dir, "rich", "format: " + format);
        Path artifact = dir.resolve("rich." + source.format().extension());
        try (OutputStream out = Files.newOutputStream(artifact)) {
            source.dump(out, context(dir));
        }
        // a non-empty target without clean: the first CREATE collides, the transaction rolls back
        String target = "busy_" + format;
        pg.createDatabase(target);
        pg.execute(target, "create schema sales; create table sales.customer (keep int); insert into sales.customer values (7)");
        Map<String, String> before = pg.contentHashes(target);
        Engine restore = engine(pg, dir, target, "format: " + format);
        assertThat(restore.inspectTarget(context(dir)).isEmpty()).isFalse();
        assertThatThrownBy(() -> {
            try (InputStream in = Files.newInputStream(artifact)) {
                restore.restore(in, source.format(), new RestoreOptions(false), context(dir));
            }
        }).isInstanceOf(DbBackupException.class)
                .hasMessageContaining("rolled back: nothing was applied")
                .hasMessageContaining("already exists")
                .hasMessageNotContaining(pg.password());
        assertThat(pg.contentHashes(target)).isEqualTo(before);
        assertThat(pg.query(target, "select nspname from pg_namespace where nspname = 'Ünïcødé'")).isEmpty();

        // a dump failing at its very end (plain) or a truncated archive (custom), into a database that did not
        // exist: nothing applied, the database created for the restore dropped again
        byte[] all = Files.readAllBytes(artifact);
        byte[] half = format.equals("plain")
                ? (new String(all, java.nio.charset.StandardCharsets.UTF_8) + "\nselect * from no_such_table;\n")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)
                : java.util.Arrays.copyOf(all, all.length / 2);
        String fresh = "fresh_" + format;
        Engine freshEngine = engine(pg, dir, fresh, "format: " + format);
        assertThatThrownBy(() -> freshEngine.restore(new java.io.ByteArrayInputStream(half), source.format(),
                new RestoreOptions(false), context(dir)))
                .isInstanceOf(DbBackupException.class)
                .hasMessageContaining("nothing was applied; the database " + fresh + " created for it was dropped again");
        assertThat(pg.databaseExists(fresh)).isFalse();
    }
}
