package io.dbbackup.engine.postgres;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.DumpFormat;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.core.HostPort;
import io.dbbackup.core.Human;
import io.dbbackup.spi.ChildProcess;
import io.dbbackup.spi.DumpInfo;
import io.dbbackup.spi.DumpTail;
import io.dbbackup.spi.Engine;
import io.dbbackup.spi.InPlace;
import io.dbbackup.spi.Location;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.RestoreOptions;
import io.dbbackup.spi.ScriptLines;
import io.dbbackup.spi.TargetState;
import io.dbbackup.spi.ToolFailedException;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * PostgreSQL through its own client programs: {@code pg_dump} (plain SQL or custom archive) for
 * backups, {@code psql} or {@code pg_restore} in one transaction for restores, {@code psql} for the
 * version probe and target inspection. The client is chosen to match the server (see
 * {@link ClientLocator}); the password reaches every program through a 0600 {@link PassFile}.
 */
public final class PostgresEngine implements Engine {
    private static final String MAINTENANCE_DB = PgTools.MAINTENANCE_DB;

    /** Relations a restore could collide with, excluding system schemas and extension members. */
    private static final String TARGET_SQL = """
            select count(*) filter (where c.relkind in ('r','p','f')),
                   count(*) filter (where c.relkind in ('v','m')),
                   count(*) filter (where c.relkind = 'S'),
                   (select count(*) from pg_catalog.pg_largeobject_metadata)
            from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
            where c.relkind in ('r','p','f','v','m','S')
              and n.nspname not in ('pg_catalog', 'information_schema')
              and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'
              and not exists (select 1 from pg_catalog.pg_depend d
                              where d.classid = 'pg_catalog.pg_class'::regclass and d.objid = c.oid and d.deptype = 'e');
            """;

    /**
     * Run before a plain SQL dump when restoring with {@code clean}, in the same transaction: drops
     * every user schema (with what it holds), every large object and every publication the role may drop (they
     * live outside schemas: the dump's {@code CREATE PUBLICATION} collided with one left in place), then recreates
     * {@code public} as initdb makes it. A failure later in the dump rolls this back too.
     */
    static final String CLEAN_SQL = """
            DO $dbbackup$
            DECLARE s text;
            BEGIN
              FOR s IN SELECT n.nspname FROM pg_catalog.pg_namespace n
                       WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
                         AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_namespace'::regclass
                                         AND d.objid = n.oid AND d.deptype = 'e')
              LOOP
                EXECUTE format('DROP SCHEMA %I CASCADE', s);
              END LOOP;
              PERFORM pg_catalog.lo_unlink(oid) FROM pg_catalog.pg_largeobject_metadata;
              FOR s IN SELECT p.pubname FROM pg_catalog.pg_publication p WHERE pg_catalog.pg_has_role(p.pubowner, 'USAGE')
              LOOP
                EXECUTE format('DROP PUBLICATION %I', s);
              END LOOP;
              CREATE SCHEMA public;
              IF current_setting('server_version_num')::int >= 150000 THEN
                EXECUTE 'ALTER SCHEMA public OWNER TO pg_database_owner';
                GRANT USAGE ON SCHEMA public TO PUBLIC;
              ELSE
                GRANT ALL ON SCHEMA public TO PUBLIC;
              END IF;
              COMMENT ON SCHEMA public IS 'standard public schema';
            END
            $dbbackup$;
            """;

    /**
     * Run before {@link #CLEAN_SQL}: what pg_dump's script sets first, before its own statements, set before the clean
     * step too, or a {@code statement_timeout} of the restoring role (a managed server's often has one) cancels the clean
     * step of a large database, or one waiting for a table another session reads; {@code transaction_timeout} too from
     * PostgreSQL 17 on ({@link PgTools#timeoutsOff}), and never to an older server, which refuses a setting it does not know.
     */
    static String timeoutsOffSql(PgVersion server) {
        return "SET statement_timeout = 0; SET lock_timeout = 0; SET idle_in_transaction_session_timeout = 0;"
                + (PgTools.hasTransactionTimeout(server) ? " SET transaction_timeout = 0;" : "");
    }

    /**
     * Run after {@link #CLEAN_SQL} unless the backup was taken without privileges: sets the default privileges given
     * without {@code IN SCHEMA} (of the roles the restoring role belongs to) back to the built-in ones, which PostgreSQL
     * keeps as no entry. Left in place they would apply to every object the dump creates, before the dump sets the
     * backup's own at its end; a backup without privileges sets none, and the target's are kept.
     */
    static final String RESET_DEFAULT_PRIVILEGES_SQL = """
            DO $dbbackup$
            DECLARE da record; g oid; kind text;
            BEGIN
              FOR da IN SELECT a.defaclrole::pg_catalog.regrole::text AS who, a.defaclobjtype::text AS t, a.defaclacl AS acl
                       FROM pg_catalog.pg_default_acl a
                       WHERE a.defaclnamespace = 0 AND pg_catalog.pg_has_role(a.defaclrole, 'USAGE')
              LOOP
                kind := CASE da.t WHEN 'r' THEN 'TABLES' WHEN 'S' THEN 'SEQUENCES' WHEN 'f' THEN 'FUNCTIONS' WHEN 'T' THEN 'TYPES'
                                 WHEN 'n' THEN 'SCHEMAS' END;
                CONTINUE WHEN kind IS NULL;
                FOR g IN SELECT DISTINCT x.grantee FROM pg_catalog.aclexplode(da.acl) x LOOP
                  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %s REVOKE ALL ON %s FROM %s', da.who, kind,
                                 CASE WHEN g = 0 THEN 'PUBLIC' ELSE g::pg_catalog.regrole::text END);
                END LOOP;
                EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %s GRANT ALL ON %s TO %s', da.who, kind, da.who);
                IF da.t IN ('f', 'T') THEN
                  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %s GRANT %s ON %s TO PUBLIC', da.who,
                                 CASE da.t WHEN 'f' THEN 'EXECUTE' ELSE 'USAGE' END, kind);
                END IF;
              END LOOP;
            END
            $dbbackup$;
            """;

    private final PostgresSettings settings;
    private final ClientLocator locator;
    private final PgTools pg;
    /**
     * What the check before a restore in part learnt the backup holds (its partitions, for the tables it names), for
     * that restore: {@link #partChecker} / {@link #requireInBackup} come first on the same engine.
     */
    private final Map<RestoreOptions, ArchiveToc> checked = new java.util.concurrent.ConcurrentHashMap<>();

    PostgresEngine(PostgresSettings settings, ClientLocator locator) {
        this.settings = settings;
        this.locator = locator;
        this.pg = new PgTools(settings, locator);
    }

    @Override
    public String database() {
        return settings.database();
    }

    @Override
    public DumpFormat format() {
        return settings.format();
    }

    @Override
    public String describe() {
        return "postgres " + settings.describe();
    }

    /**
     * A failed restore's words without {@code restore into USER@HOST:PORT/DB} at their start ({@link #restore} says what
     * became of its one transaction so): {@code ran as one transaction and was rolled back: …} after the restore's
     * {@code … into postgres USER@HOST:PORT/DB failed: }; and {@code cannot create database DB on HOST:PORT for the
     * restore: …} as {@code cannot create database DB: …}.
     */
    @Override
    public String withoutTheTargetNamed(String said) {
        String named = "restore into " + settings.describe() + " ";
        String create = "cannot create database " + settings.database(); // its server said again before "for the restore"
        String server = " on " + HostPort.of(settings.host(), settings.port()) + " for the restore: ";
        return said.startsWith(named) ? said.substring(named.length())
                : said.startsWith(create + server) ? create + ": " + said.substring((create + server).length()) : said;
    }

    @Override
    public String dialect() {
        return "postgresql";
    }

    @Override
    public String location() {
        return where().text();
    }

    /** The server by its addresses (a socket folder is this machine), its port and the database, exactly. */
    @Override
    public Location where() {
        return Location.server("postgresql://" + HostPort.of(settings.host(), settings.port()) + "/" + settings.database(),
                "postgresql", settings.host(), settings.port(), settings.database());
    }

    /** The database as a restore target sees it, and the pg_dump a backup would run against this server. */
    @Override
    public String check(OperationContext ctx) throws IOException {
        String holds = Engine.super.check(ctx);
        try (PassFile pass = PassFile.create(ctx.scratchDir(), settings.password())) {
            PgVersion server = pg.serverVersion(settings.database(), pass, ctx);
            PgClient dump = locator.forServer("pg_dump", server);
            return holds + "; PostgreSQL " + server.text() + ", " + dump.name() + " " + dump.version().text() + " ("
                    + dump.executable() + ")";
        }
    }

    @Override
    public DumpInfo dump(OutputStream out, OperationContext ctx) throws IOException {
        try (PassFile pass = PassFile.create(ctx.scratchDir(), settings.password())) {
            ClientLocator.Choice<PgVersion> choice = locator.choose("pg_dump",
                    () -> pg.serverVersion(settings.database(), pass, ctx), v -> v);
            Path pgDump = choice.executable();
            boolean custom = settings.format() == DumpFormat.DUMP;
            List<String> cmd = new ArrayList<>(List.of(pgDump.toString(), "--no-password",
                    "--format=" + (custom ? "custom" : "plain")));
            if (custom) {
                cmd.add("--compress=0"); // compression is the pipeline's job
            }
            cmd.addAll(settings.dumpOptions().pgDumpArgs());
            ctx.log().info("pg_dump started", "source", settings.describe(), "pg_dump", pgDump, "format", custom ? "custom" : "plain");
            PgVersion v;
            DumpTail watched = new DumpTail(out);
            PgVersion starting = choice.startingFor(PgTools.TRANSACTION_TIMEOUT_FROM); // a 17 client waits for the answer
            String stderr;
            try {
                stderr = pg.dump(cmd, settings.database(), pass, starting, settings.timeout(), watched, ctx);
            } catch (ToolFailedException e) {
                ToolFailedException explained = PgErrors.explained(e, settings.user()); // "out of shared memory" alone does not say what to do
                if (explained == e && e.retryable() && readDenied(e, pass, ctx)) {
                    throw PgErrors.permanent(e); // "keine Berechtigung für Tabelle geheim": as "permission denied", once
                }
                throw explained == e && rowSecurityRefused(e, pass, ctx) ? PgErrors.rowLevelSecurityStopped(e, settings.user()) : explained;
            } finally {
                // a failed connection or a pg_dump older than the server is said as such, before pg_dump's own words
                v = choice.settle();
            }
            checkDumpEnd(watched, stderr, custom);
            PgClient used = choice.client();
            Map<String, String> facts = pg.toolFacts("pg_dump", v, used);
            facts.put("pg_format", custom ? "custom" : "plain");
            long leftOut = largeObjectsLeftOut(pass, ctx);
            if (leftOut > 0) {
                ctx.log().warn("large objects left out: pg_dump does not back up the database's large objects when schemas or "
                        + "tables are given (they belong to no schema), so an oid column restored from this backup points at "
                        + "nothing; extra_args: [--blobs] (--large-objects from PostgreSQL 16) adds all of them",
                        "source", settings.describe(), "large_objects", leftOut);
                facts.put("large_objects_left_out", Long.toString(leftOut));
            }
            if (settings.dumpOptions().readsUnderRowSecurity()) {
                ctx.log().warn("rows left out: extra_args --enable-row-security makes pg_dump back up only the rows the "
                        + "role's row-level security policies let it see, and a table's other rows are in no backup while "
                        + "pg_dump exits 0; for a whole backup give the role BYPASSRLS and drop the option",
                        "source", settings.describe());
                facts.put("row_security", "on");
            }
            return DumpInfo.of(facts);
        }
    }

    /**
     * Whether the server refused pg_dump's LOCK TABLE of a table this role may not read ({@code has_table_privilege}, asked
     * of the catalog: a server whose {@code lc_messages} is not English words "permission denied for table" in its own
     * language, which was retried as if it might pass), or false when nothing was refused or the question failed.
     */
    private boolean readDenied(ToolFailedException e, PassFile pass, OperationContext ctx) {
        List<String> tables = PgErrors.refusedLock(e);
        if (tables.isEmpty()) {
            return false;
        }
        StringBuilder sql = new StringBuilder("SELECT pg_catalog.bool_and(pg_catalog.has_table_privilege(c, 'SELECT')) FROM (VALUES ");
        for (int i = 0; i < tables.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("(pg_catalog.to_regclass(").append(FailedCreate.literal(tables.get(i))).append("))");
        }
        sql.append(") AS t(c) WHERE c IS NOT NULL;");
        try {
            return pg.query(settings.database(), pass, ctx, sql.toString()).strip().equals("f");
        } catch (IOException | RuntimeException asked) {
            return false;
        }
    }

    /**
     * Whether the server refused pg_dump's COPY of a table under row level security that applies to this role
     * ({@code row_security_active}, asked of the catalog: the server's words for it are in its own language), or false
     * when nothing was refused or the question failed.
     */
    private boolean rowSecurityRefused(ToolFailedException e, PassFile pass, OperationContext ctx) {
        java.util.Optional<String> table = PgErrors.refusedCopy(e);
        if (table.isEmpty()) {
            return false;
        }
        try {
            return pg.query(settings.database(), pass, ctx, "SELECT pg_catalog.row_security_active(pg_catalog.to_regclass("
                    + FailedCreate.literal(table.get()) + "));").strip().equals("t");
        } catch (IOException | RuntimeException asked) {
            return false;
        }
    }

    /**
     * How many large objects the database holds that this backup leaves out (see {@link DumpOptions#leavesOutLargeObjects}),
     * counted after the dump; 0 when it holds them all, or when the count cannot be read (the backup is not failed for it).
     */
    private long largeObjectsLeftOut(PassFile pass, OperationContext ctx) {
        if (!settings.dumpOptions().leavesOutLargeObjects()) {
            return 0;
        }
        try {
            return Long.parseLong(pg.query(settings.database(), pass, ctx, "SELECT count(*) FROM pg_largeobject_metadata").strip());
        } catch (IOException | NumberFormatException e) {
            ctx.log().debug("could not count the large objects left out", "source", settings.describe(), "error", e.getMessage());
            return 0;
        }
    }

    @Override
    public TargetState inspectTarget(OperationContext ctx) throws IOException {
        try (PassFile pass = PassFile.create(ctx.scratchDir(), settings.password())) {
            String row;
            try {
                row = pg.query(settings.database(), pass, ctx, TARGET_SQL);
            } catch (ToolFailedException e) {
                if (pg.databaseMissing(e, pass, ctx)) {
                    return new TargetState(false, 0, "database " + settings.database() + " does not exist on "
                            + HostPort.of(settings.host(), settings.port()));
                }
                throw pg.queryError("the check of the restore target (what it holds)", e);
            }
            String[] f = row.strip().split("\\|");
            int tables = Integer.parseInt(f[0]);
            int views = Integer.parseInt(f[1]);
            int sequences = Integer.parseInt(f[2]);
            long largeObjects = Long.parseLong(f[3]);
            int objects = tables + views + sequences + (int) Math.min(largeObjects, 1_000_000);
            return new TargetState(true, objects, holding(settings.describe(), tables, views, sequences, largeObjects));
        }
    }

    /**
     * A whole restore without {@code --clean} keeps what the target holds (pg_restore or psql adds the backup's objects
     * beside it, and one it holds already fails the restore): its confirmation and dry run say so, not "overwritten". A
     * database that is not there is created by the restore ({@link #restore}), and its dry run says so. Not by a
     * {@code --data-only} restore, whose rows need their tables: it creates the database, fails at the first row and drops
     * it again, and its dry run says that it fails.
     */
    @Override
    public TargetState inspectTarget(OperationContext ctx, RestoreOptions options) throws IOException {
        TargetState state = inspectTarget(ctx);
        if (!state.exists()) {
            return state.saying(options.dataOnly() ? "a --data-only restore fails: its rows need it and the tables to exist; "
                    + "restore without --data-only first" : "the restore creates it");
        }
        if (options.partial() && !options.dataOnly() && !options.tables().isEmpty()) {
            String inPlace = inPlace(options, ctx);
            if (!inPlace.isEmpty()) {
                return state.saying("it holds " + inPlace + " already, so the restore of " + options.describeSelection()
                        + " would fail: " + InPlace.TABLE);
            }
        }
        return options.clean() || options.partial() ? state : state.keepingWhatItHolds();
    }

    /**
     * The relations named by {@code --table} that the target holds already, in the schemas the backup has them in
     * ({@link ArchiveToc#named}, learnt by the check that reads the backup first: pg_restore puts a table back into its
     * own schema, and a same-named one of another schema of the target neither stops it nor is touched), as {@code table
     * public.orders, view public.big}; "" before that check, and when they cannot be read (the restore says it then).
     */
    private String inPlace(RestoreOptions options, OperationContext ctx) {
        ArchiveToc toc = checked.get(options);
        java.util.Set<ArchiveToc.Name> named = toc == null ? java.util.Set.of() : toc.named(options);
        if (named.isEmpty()) {
            return "";
        }
        String pairs = String.join(", ", named.stream().map(n -> "(" + literals(List.of(n.schema(), n.name())) + ")").toList());
        String sql = "select string_agg(case when c.relkind in ('v','m') then 'view ' when c.relkind = 'S' then 'sequence '"
                + " else 'table ' end || n.nspname || '.' || c.relname, ', ' order by n.nspname, c.relname)"
                + " from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace"
                + " where c.relkind in ('r','p','f','v','m','S') and (n.nspname::text, c.relname::text) in (" + pairs + ");";
        try (PassFile pass = PassFile.create(ctx.scratchDir(), settings.password())) {
            return pg.query(settings.database(), pass, ctx, sql).strip();
        } catch (IOException e) {
            ctx.log().debug("could not read which named tables the target holds", "target", settings.describe(),
                    "error", e.getMessage());
            return "";
        }
    }

    /** {@code database ... holds 1 table, 0 views, 2 sequences, 0 large objects}. */
    static String holding(String database, int tables, int views, int sequences, long largeObjects) {
        return "database " + database + " holds " + Human.count(tables, "table") + ", " + Human.count(views, "view") + ", "
                + Human.count(sequences, "sequence") + ", " + Human.count(largeObjects, "large object");
    }

    private static final String INSPECT_SQL = """
            SELECT 'v|' || current_setting('server_version') || '|' || pg_database_size(current_database());
            SELECT 't|' || n.nspname || '|' || c.relname || '|' || c.relkind::text || '|' || GREATEST(c.reltuples, 0)::bigint
                   || '|' || pg_total_relation_size(c.oid)
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
               AND n.nspname NOT LIKE 'pg_toast%'
             ORDER BY 1;
            """;

    /** Server version, database size, and every table with its row estimate and total size. */
    @Override
    public java.util.Map<String, Object> inspect(OperationContext ctx) throws IOException {
        try (PassFile pass = PassFile.create(ctx.scratchDir(), settings.password())) {
            String out;
            try {
                out = pg.query(settings.database(), pass, ctx, INSPECT_SQL);
            } catch (ToolFailedException e) {
                throw pg.queryError("the query for its version, size and tables", e);
            }
            java.util.Map<String, Object> result = new java.util.LinkedHashMap<>();
            result.put("engine", "postgres");
            result.put("database", settings.database());
            List<java.util.Map<String, Object>> tables = new java.util.ArrayList<>();
            long rows = 0;
            for (String line : out.split("\n")) {
                String[] f = line.strip().split("\\|", -1);
                if (f[0].equals("v") && f.length == 3) {
                    result.put("server_version", f[1]);
                    result.put("size_bytes", Long.parseLong(f[2]));
                } else if (f[0].equals("t") && f.length == 6) {
                    java.util.Map<String, Object> t = new java.util.LinkedHashMap<>();
                    t.put("schema", f[1]);
                    t.put("name", f[2]);
                    t.put("kind", switch (f[3]) {
                        case "p" -> "partitioned table";
                        case "m" -> "materialized view";
                        default -> "table";
                    });
                    t.put("rows_estimate", Long.parseLong(f[4]));
                    t.put("size_bytes", Long.parseLong(f[5]));
                    rows += Long.parseLong(f[4]);
                    tables.add(t);
                }
            }
            result.put("table_count", tables.size());
            result.put("rows_estimate", rows);
            result.put("tables", tables);
            return result;
        }
    }

    @Override
    public void requireRestorable(DumpFormat format) {
        if (format != DumpFormat.SQL && format != DumpFormat.DUMP) {
            throw DbBackupException.user("cannot restore a ." + format.extension() + " dump into PostgreSQL "
                    + settings.describe() + " (expected .sql or .dump)");
        }
    }

    @Override
    public void restore(InputStream in, DumpFormat format, RestoreOptions options, OperationContext ctx) throws IOException {
        requireRestorable(format);
        String db = settings.database();
        try (PassFile pass = PassFile.create(ctx.scratchDir(), settings.password())) {
            PgVersion server;
            boolean created = false;
            try {
                server = pg.serverVersion(db, pass, ctx);
            } catch (DbBackupException e) {
                if (!(e.getCause() instanceof ToolFailedException tf) || !pg.databaseMissing(tf, pass, ctx)) {
                    throw e;
                }
                server = pg.serverVersion(MAINTENANCE_DB, pass, ctx);
                createDatabase(pass, ctx);
                created = true;
                ctx.log().info("created database for the restore", "database", db, "server", HostPort.of(settings.host(), settings.port()));
            }
            PgClient client = locator.forServer(format == DumpFormat.SQL ? "psql" : "pg_restore", server);
            ctx.log().info("restore started", "target", settings.describe(), "tool", client.name(),
                    "version", client.version().text(), "clean", options.clean());
            // says who holds a lock the restore waits for (lock_timeout is off): a silent wait for ever otherwise
            LockWaitWatch watch = LockWaitWatch.start(pg, db, pass, ctx);
            try (watch) {
                PlainSelection selection = options.partial() ? selection(options, ctx) : null;
                java.util.function.UnaryOperator<InputStream> part = script -> new io.dbbackup.spi.FilteredInputStream(script,
                        kept -> new PlainSections(selection, kept));
                if (format == DumpFormat.SQL && options.partial()) {
                    // the chosen objects of the script, through psql in one transaction as for an archive
                    pg.tool(psqlPartial(client, options, selection), db, pass, server)
                            .run(part.apply(in), null, ctx.cancellation());
                } else if (format == DumpFormat.SQL) {
                    pg.tool(psqlRestore(client, options, server), db, pass, server).run(in, null, ctx.cancellation());
                } else if (options.partial()) {
                    // the whole archive as a script, taken apart as a plain script is (pg_restore --table leaves out a
                    // partitioned table's partitions and their TABLE ATTACH), through psql in one transaction
                    PgClient psql = locator.forServer("psql", server);
                    RestoreOptions whole = new RestoreOptions(false).omitting(options.omitted());
                    ToolChain.run(pg.tool(pgRestoreScript(client, whole), db, pass, server), in, part,
                            pg.tool(psqlPartial(psql, options, selection), db, pass, server), ctx.cancellation());
                } else if (!options.clean()) {
                    pg.tool(pgRestore(client, options), db, pass, server).run(in, null, ctx.cancellation());
                } else {
                    // pg_restore --clean cannot drop partition constraints (and leaves objects the archive does
                    // not name): turn the archive into a script and run it after the same clean step as plain
                    // dumps, all in one psql transaction
                    PgClient psql = locator.forServer("psql", server);
                    ToolChain.run(pg.tool(pgRestoreScript(client, options), db, pass, server), in,
                            pg.tool(psqlRestore(psql, options, server), db, pass, server), ctx.cancellation());
                }
            } catch (IOException e) {
                String dropped = "";
                if (created) {
                    String notDropped = dropDatabase(pass, ctx);
                    // left behind, empty, where there was none: said in the error, not in a warning alone
                    dropped = notDropped == null ? "; the database " + db + " created for it was dropped again"
                            : "; the database " + db + " created for it is left behind, empty, as it could not be dropped ("
                            + notDropped + "): drop it (DROP DATABASE) once the server takes connections again";
                }
                // the tool that ran the transaction: pg_restore for a whole archive without --clean, else psql
                String applier = format == DumpFormat.DUMP && !options.partial() && !options.clean() ? "pg_restore" : "psql";
                String what = "restore into " + settings.describe() + " ran as one transaction and "
                        + outcome(e, applier) + dropped;
                if (e instanceof ToolFailedException tf && PgErrors.isDamagedArchive(tf)) {
                    // its checksum held (checked before): what was stored is cut short or damaged, and no retry restores it
                    throw damagedArchive(tf, "; " + what);
                }
                if (e instanceof ToolFailedException tf) {
                    String state = PgErrors.sqlState(tf);
                    String reason = PgErrors.reason(tf);
                    reason = state == null ? reason : reason.replaceFirst(java.util.regex.Pattern.quote(state + ": "), "");
                    String hint = RestoreHint.of(reason, state, tf.stderrTail(), options);
                    if (!created && (hint.isEmpty() && !PgErrors.notTheQuery(tf) || RestoreHint.readOnly(reason, state))
                            && Boolean.TRUE.equals(pg.inRecovery(db, pass, ctx))) {
                        hint = RestoreHint.STANDBY; // said in the server's language, if at all: asked (no standby created it)
                    }
                    if (hint.isEmpty()) {
                        hint = RestoreHint.missingExtension(tf.stderrTail(), server.major());
                    }
                    if (hint.isEmpty() && !created && holdsWhatFailedToBeCreated(tf, pass, ctx)) {
                        hint = RestoreHint.alreadyThere(options);
                    }
                    if (hint.isEmpty() && PgErrors.connectionGone(tf)) {
                        hint = RestoreHint.SERVER_WENT_AWAY;
                    }
                    throw new DbBackupException(ExitStatus.SYSTEM_ERROR, what + ": " + PgErrors.failed(tf, reason) + hint, tf,
                            tf.retryable());
                }
                IOException wrapped = e instanceof InterruptedIOException
                        ? new InterruptedIOException(what + " (" + e.getMessage() + ")")
                        : new IOException(what + ": " + e.getMessage());
                wrapped.initCause(e);
                throw wrapped;
            }
        }
    }

    /**
     * What became of a failed restore's one transaction: rolled back, unless the tool that ran it exited 0 (then it
     * committed: psql commits at the end of its input, pg_restore at its end), which a tool that exits 0 and still fails
     * the restore does (it stopped before the end of its input: a wrapper in {@code bin_dir} that does not pass all of it
     * on, a source that stalled after it ended, an {@code error:} line). It said "rolled back: nothing was applied"
     * whatever the exit status, and the user took a target holding part of the backup for one left as it was. Another
     * tool's exit 0 (pg_dump feeding a sync, pg_restore turning an archive into psql's script) is not the transaction's:
     * its failure stops psql, which rolls back.
     */
    static String outcome(IOException e, String applier) {
        if (e instanceof ToolFailedException tf && tf.exitCode() == 0 && tf.tool().equals(applier)) {
            return "was committed (" + tf.tool() + " exited 0): the part of the backup it read is applied, the rest is not"
                    + " (restore again with --clean once the cause is fixed)";
        }
        return "was rolled back: nothing was applied";
    }

    /**
     * pg_dump exited 0; the dump must also end as pg_dump ends one, or a wrapper in {@code bin_dir} (a {@code docker
     * exec}, an ssh) that lost its exit status, or a tool that stopped early, would store a cut dump as a backup, and
     * retention would count it. A custom archive ends with an end-of-data marker (a zero integer after its last data
     * block, or its table of contents' last zero offset when it holds no data: five zero bytes either way); a script
     * with {@link #SCRIPT_END}. An {@code error:} line on stderr is a failure whatever the exit status.
     */
    static void checkDumpEnd(DumpTail dump, String stderr, boolean custom) throws IOException {
        if (stderr.lines().anyMatch(l -> l.startsWith("pg_dump: error:"))) {
            throw new ToolFailedException("pg_dump", 0, stderr, true);
        }
        if (dump.count() == 0) {
            return; // the pipeline refuses an empty dump, saying so
        }
        if (custom ? !dump.endsWithZeros(5) : !endsWith(dump.lastLines(), SCRIPT_END)) {
            throw DbBackupException.system("pg_dump exited 0, but its " + (custom ? "archive" : "script")
                    + " does not end as pg_dump ends one (" + (custom ? "no end-of-data marker" : "no '" + SCRIPT_END + "'")
                    + "): cut short, not recorded as a backup");
        }
    }

    /** Whether a pg_dump or pg_dumpall script's last lines end with {@code end} (its comment frame and closing unrestrict command aside). */
    static boolean endsWith(List<String> lastLines, String end) {
        List<String> tail = lastLines.stream().filter(l -> !l.equals("--") && !l.startsWith("\\unrestrict ")).toList();
        return !tail.isEmpty() && tail.get(tail.size() - 1).equals(end);
    }

    /** The comment pg_dump (and pg_restore writing a script) ends every complete SQL script with. */
    static final String SCRIPT_END = "-- PostgreSQL database dump complete";

    /**
     * Reads the whole dump the way a restore would, without a server: a custom archive goes through
     * {@code pg_restore --file=/dev/null} (it reads the table of contents and every data block it names, and
     * fails on an archive cut short or with a block missing; the script it makes is thrown away by the kernel,
     * not piped back: that would cost more than pg_restore itself); a plain script is scanned, and must begin
     * and end as pg_dump writes it.
     */
    @Override
    public String verifyDeep(InputStream in, DumpFormat format, OperationContext ctx) throws IOException {
        if (format == DumpFormat.DUMP) {
            Path exe = locator.newest("pg_restore");
            ctx.log().info("pg_restore started", "reads", "the archive, into no database", "pg_restore", exe);
            try {
                ChildProcess.of(List.of(exe.toString(), "--exit-on-error", "--file=/dev/null")).run(in, null, ctx.cancellation());
            } catch (ToolFailedException e) {
                String reason = PgErrors.reason(e);
                if (reason.contains("unsupported version")) {
                    throw DbBackupException.permanent("verify --deep: " + exe + " cannot read this archive (" + reason
                            + "): it was written by a newer pg_dump; install that version's client programs or set bin_dir", e);
                }
                throw new DbBackupException(io.dbbackup.core.ExitStatus.INTEGRITY, "pg_restore cannot read the archive to its end: "
                        + reason, e, false); // the cause: pg_restore's last stderr lines reach a verify --notify report
            }
            return "pg_restore read the archive to its end";
        }
        if (format != DumpFormat.SQL) {
            throw DbBackupException.user("verify --deep: a ." + format.extension() + " file is not a pg_dump archive or script");
        }
        ScriptLines script = new ScriptLines("-- Name: ", "-- Data for Name: ").readAll(in);
        if (script.firstLines().stream().noneMatch("-- PostgreSQL database dump"::equals)) {
            throw DbBackupException.integrity("the SQL script does not begin as pg_dump writes it (no '-- PostgreSQL database dump' line)");
        }
        if (!endsWith(script.lastLines(), SCRIPT_END)) {
            // its last line is usually a row: not shown (user data stays out of logs and mails)
            throw DbBackupException.integrity("the SQL script is cut short: it does not end with '" + SCRIPT_END + "'");
        }
        return "SQL script complete ('" + SCRIPT_END + "'): " + Human.count(script.count(0), "object") + ", "
                + script.count(1) + " with table data";
    }

    /**
     * psql's restores show the SQLSTATE of a server's error ({@code FEHLER:  42P07: Relation »t« existiert bereits}), which
     * the hints read whatever the server's {@code lc_messages}; the one line shown leaves it out, as before.
     */
    private static final String RESTORE_VERBOSITY = "VERBOSITY=verbose";

    /**
     * Whether pg_restore failed creating an object the target holds already ({@link FailedCreate}, asked of the target after
     * the rolled-back restore): what pg_restore's untranslated "Command was:" names, for a server that says "already exists"
     * in its own language. False when nothing was asked or the question failed.
     */
    private boolean holdsWhatFailedToBeCreated(ToolFailedException tf, PassFile pass, OperationContext ctx) {
        java.util.Optional<String> sql = FailedCreate.existsQuery(tf.stderrTail());
        if (sql.isEmpty() || !tf.tool().startsWith("pg_restore")) {
            return false;
        }
        try {
            return pg.query(settings.database(), pass, ctx, sql.get()).strip().equals("t");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private List<String> psqlRestore(PgClient psql, RestoreOptions options, PgVersion server) {
        List<String> cmd = new ArrayList<>(List.of(psql.executable().toString(), "-X", "-q", "--no-password",
                "-v", "ON_ERROR_STOP=1", "--single-transaction", "-v", RESTORE_VERBOSITY));
        if (options.clean()) {
            cmd.addAll(List.of("-c", timeoutsOffSql(server), "-c", CLEAN_SQL));
            if (!withoutPrivileges(options)) {
                cmd.addAll(List.of("-c", RESET_DEFAULT_PRIVILEGES_SQL));
            }
        }
        cmd.addAll(List.of("-f", "-"));
        return cmd;
    }

    private List<String> pgRestore(PgClient pgRestore, RestoreOptions options) {
        List<String> cmd = new ArrayList<>(List.of(pgRestore.executable().toString(), "--no-password", "--exit-on-error",
                "--single-transaction"));
        cmd.addAll(ownershipFlags(options));
        cmd.add("--dbname=dbname='" + settings.database().replace("\\", "\\\\").replace("'", "\\'") + "'");
        return cmd;
    }

    /** pg_restore as a converter: archive on stdin, SQL script on stdout (only the selection's part), no connection. */
    private List<String> pgRestoreScript(PgClient pgRestore, RestoreOptions options) {
        List<String> cmd = new ArrayList<>(List.of(pgRestore.executable().toString(), "--exit-on-error", "--file=-"));
        cmd.addAll(ownershipFlags(options));
        options.schemas().forEach(n -> cmd.add("--schema=" + n));
        options.tables().forEach(t -> cmd.add("--table=" + t));
        if (options.dataOnly()) {
            cmd.add("--data-only");
        }
        return cmd;
    }

    /** The selection of a restore in part, with the partitions of the tables it names (learnt by the check before it). */
    private PlainSelection selection(RestoreOptions options, OperationContext ctx) {
        ArchiveToc toc = checked.getOrDefault(options, ArchiveToc.EMPTY);
        checked.remove(options);
        PlainSelection selection = new PlainSelection(options, toc);
        if (!selection.partitions().isEmpty()) {
            ctx.log().info("a partitioned table comes with its partitions", "partitions", String.join(", ",
                    selection.partitions().stream().map(ArchiveToc.Name::toString).toList()));
        }
        return selection;
    }

    /** psql for a restore in part: the selected schemas created when missing (not for rows only), then the script. */
    private List<String> psqlPartial(PgClient psql, RestoreOptions options, PlainSelection selection) {
        List<String> cmd = new ArrayList<>(List.of(psql.executable().toString(), "-X", "-q", "--no-password",
                "-v", "ON_ERROR_STOP=1", "--single-transaction", "-v", RESTORE_VERBOSITY));
        if (!options.dataOnly()) {
            options.schemas().forEach(n -> cmd.addAll(List.of("-c", "create schema if not exists \"" + n.replace("\"", "\"\"") + "\"")));
        } else {
            List<String> tables = new ArrayList<>(options.tables());
            selection.partitions().forEach(p -> tables.add(p.name()));
            cmd.addAll(List.of("-c", triggersOff(options, tables)));
        }
        cmd.addAll(List.of("-f", "-"));
        if (options.dataOnly()) {
            cmd.addAll(List.of("-c", TRIGGERS_BACK)); // psql runs -c and -f in the order given, in the one transaction
        }
        return cmd;
    }

    /**
     * Rows that were in the backup went through the target's triggers once already: loaded again with the triggers on,
     * an audit table would get each of them twice. When the tables to fill have triggers, they are turned off for this
     * transaction as {@code pg_restore --disable-triggers} would (which also leaves foreign keys unchecked), and a role
     * that may not do that gets one line saying so, before any row is loaded.
     */
    static String triggersOff(RestoreOptions options, List<String> tables) {
        StringBuilder where = new StringBuilder("not t.tgisinternal");
        if (!tables.isEmpty()) {
            where.append(" and c.relname in (").append(literals(tables)).append(')');
        }
        if (!options.schemas().isEmpty() && tables.size() == options.tables().size()) {
            where.append(" and n.nspname in (").append(literals(options.schemas())).append(')');
        }
        String from = "from pg_catalog.pg_trigger t join pg_catalog.pg_class c on c.oid = t.tgrelid join pg_catalog.pg_namespace n "
                + "on n.oid = c.relnamespace where " + where;
        // replica mode silences ordinary triggers but fires ENABLE REPLICA ones and leaves ENABLE ALWAYS ones on: those
        // are switched off by name for the load and back to their own mode after it (TRIGGERS_BACK), in the transaction
        return "do $dbbackup$ declare r record; begin if exists (select 1 " + from + ") then begin "
                + "set local session_replication_role = replica; exception when insufficient_privilege then raise exception "
                + "'the tables to restore have triggers, which would fire again for every restored row: --data-only turns "
                + "them off for the restore (session_replication_role = replica), which needs a superuser'; end; end if; "
                + "create temp table dbbackup_trigger_modes on commit drop as select c.oid::regclass::text as tbl, "
                + "t.tgname::text as name, t.tgenabled::text as mode " + from + " and t.tgenabled in ('A', 'R'); "
                + "for r in select * from dbbackup_trigger_modes loop "
                + "execute format('alter table %s disable trigger %I', r.tbl, r.name); end loop; end $dbbackup$";
    }

    /** After the rows of a {@code --data-only} restore: the triggers {@link #triggersOff} switched off, back in their mode. */
    static final String TRIGGERS_BACK = "do $dbbackup$ declare r record; begin for r in select * from dbbackup_trigger_modes "
            + "loop execute format('alter table %s enable %s trigger %I', r.tbl, case r.mode when 'A' then 'always' "
            + "else 'replica' end, r.name); end loop; end $dbbackup$";

    private static String literals(List<String> names) {
        return String.join(", ", names.stream().map(n -> "'" + n.replace("'", "''") + "'").toList());
    }

    /**
     * pg_restore's {@code --no-owner}: this datasource's {@code no_owner} or the backup's datasource's
     * ({@link RestoreOptions#omitted}), as pg_dump leaves the owners in a custom archive whatever {@code --no-owner} says;
     * {@code --no-privileges}: either's too (pg_dump does leave the grants out of an archive).
     */
    private List<String> ownershipFlags(RestoreOptions options) {
        List<String> cmd = new ArrayList<>();
        if (settings.dumpOptions().noOwner() || options.omitted().contains(RestoreOptions.Omitted.OWNERS)) {
            cmd.add("--no-owner");
        }
        if (withoutPrivileges(options)) {
            cmd.add("--no-privileges");
        }
        return cmd;
    }

    /**
     * A custom archive restores in part (pg_restore's {@code --table}, {@code --schema}, {@code --data-only}), and so does a
     * plain script, taken apart by pg_dump's object comments ({@link PlainSections}, {@link PlainSelection}).
     */
    @Override
    public boolean restoresInPart(DumpFormat format) {
        return format == DumpFormat.DUMP || format == DumpFormat.SQL;
    }

    /**
     * A plain script's objects are learnt in the pass that checks it (its comments); an archive's are listed up front by
     * {@link #requireInBackup}.
     */
    @Override
    public OutputStream partChecker(DumpFormat format, RestoreOptions selection, OperationContext ctx) {
        if (format != DumpFormat.SQL) {
            return null;
        }
        return new PlainToc(selection, toc -> checked.put(selection, toc));
    }

    /** A plain script's schemas and relations, from its object comments (read to its end). */
    private static ArchiveToc plainToc(InputStream in) throws IOException {
        PlainToc toc = new PlainToc(null);
        try (toc) {
            in.transferTo(toc);
        }
        return toc.toc();
    }

    /**
     * Reads the archive's table of contents ({@link #archiveToc}, which stops after it: the rest is not read) and
     * fails naming each table or schema the selection names that it does not hold; keeps it for the restore that follows. pg_restore's {@code --table} takes
     * tables, views, materialized views, sequences and foreign tables, in any schema the selection's schemas allow.
     */
    @Override
    public void requireInBackup(InputStream in, DumpFormat format, RestoreOptions selection, OperationContext ctx)
            throws IOException {
        ArchiveToc toc = archiveToc(in, ctx);
        toc.require(selection);
        checked.put(selection, toc);
    }

    /**
     * A custom archive's table of contents: its definitions as a script ({@code pg_restore --section=pre-data}, which reads
     * only the start of the archive), read by their object comments as a plain script's are. Not {@code pg_restore
     * --list}: its lines give schema and name unquoted and space-separated, which a schema with a space makes ambiguous.
     */
    private ArchiveToc archiveToc(InputStream in, OperationContext ctx) throws IOException {
        Path exe = locator.newest("pg_restore");
        PlainToc toc = new PlainToc(null);
        try (toc) {
            ChildProcess.of(List.of(exe.toString(), "--section=pre-data", "--file=-")).name("pg_restore").readsOnlyAPrefix()
                    .run(in, toc, ctx.cancellation());
        } catch (ToolFailedException e) {
            if (PgErrors.isDamagedArchive(e)) { // the rest was read too: a checksum that failed would have failed first
                throw damagedArchive(e, "");
            }
            throw e;
        }
        return toc.toc();
    }

    /**
     * pg_restore could not read the archive ({@link PgErrors#isDamagedArchive}): the backup's own fault, exit 3, no retry;
     * {@code more} (from {@code ;}) says what that left behind.
     */
    private static DbBackupException damagedArchive(ToolFailedException tf, String more) {
        return new DbBackupException(ExitStatus.INTEGRITY, "the archive is damaged or cut short (" + tf.tool() + ": "
                + PgErrors.reason(tf) + ")" + more, tf, false);
    }

    /**
     * A custom archive: its table of contents (the start of the archive only). A plain script: the {@code -- Name: …;
     * Type: …} comment pg_dump writes before each object, read to the end of the script.
     */
    @Override
    public List<String> contents(InputStream in, DumpFormat format, OperationContext ctx) throws IOException {
        if (format != DumpFormat.DUMP && format != DumpFormat.SQL) {
            return Engine.super.contents(in, format, ctx);
        }
        ArchiveToc toc = format == DumpFormat.DUMP ? archiveToc(in, ctx) : plainToc(in);
        return toc.relations().stream().map(r -> r.kind().toLowerCase(java.util.Locale.ROOT) + " " + r.schema() + "." + r.name())
                .toList();
    }

    /**
     * {@code no_owner}: pg_dump leaves the owners in a custom archive whatever {@code --no-owner} says, for pg_restore to
     * leave out; {@code no_privileges}: the backup holds no grants and no default privileges, so a clean restore keeps the
     * target's default privileges.
     */
    @Override
    public java.util.Set<RestoreOptions.Omitted> omittedFromItsBackups() {
        java.util.Set<RestoreOptions.Omitted> omitted = java.util.EnumSet.noneOf(RestoreOptions.Omitted.class);
        if (settings.dumpOptions().noOwner()) {
            omitted.add(RestoreOptions.Omitted.OWNERS);
        }
        if (settings.dumpOptions().noPrivileges()) {
            omitted.add(RestoreOptions.Omitted.PRIVILEGES);
        }
        return omitted;
    }

    /** Whether the restore leaves privileges out: this datasource's {@code no_privileges}, or the backup's datasource's. */
    private boolean withoutPrivileges(RestoreOptions options) {
        return settings.dumpOptions().noPrivileges() || options.omitted().contains(RestoreOptions.Omitted.PRIVILEGES);
    }

    /** A restore writes into the target database (file) only. */
    @Override
    public boolean restoresIntoTargetOnly() {
        return true;
    }

    @Override
    public boolean canDropTarget() {
        return true;
    }

    /**
     * psql, unaligned: the first field of the first line (a drill check on the restored copy), killed after the
     * datasource's {@code timeout} (without one, {@link PgTools#PROBE_TIMEOUT}). A failure says whether the query failed
     * or the connection (or the time) ran out: psql shows the SQLSTATE ({@code VERBOSITY verbose}) for that.
     */
    @Override
    public String queryValue(String sql, OperationContext ctx) throws IOException {
        java.time.Duration timeout = settings.timeout() == null ? PgTools.PROBE_TIMEOUT : settings.timeout();
        try (PassFile pass = PassFile.create(ctx.scratchDir(), settings.password())) {
            String out = pg.query(settings.database(), pass, ctx,
                    "\\set VERBOSITY verbose\n" + (sql.strip().endsWith(";") ? sql : sql + ";"), timeout, false);
            String first = out.lines().findFirst().orElse("");
            int bar = first.indexOf('|');
            return bar < 0 ? first : first.substring(0, bar);
        } catch (ToolFailedException e) {
            if (e.timedOut()) {
                throw io.dbbackup.spi.QueryFailedException.timedOut(timeout, e);
            }
            String reason = PgErrors.reason(e).replaceFirst("^psql:<stdin>:\\d+: ", "");
            if (PgErrors.privilegeDenied(e)) {
                throw io.dbbackup.spi.QueryFailedException.denied(reason, e);
            }
            throw io.dbbackup.spi.QueryFailedException.of(reason, PgErrors.notTheQuery(e), e);
        }
    }

    /**
     * {@code DROP DATABASE IF EXISTS … WITH (FORCE)} over the maintenance database (a drill's scratch database; plain
     * before PostgreSQL 13): on a cancellation of its own (the query has its own time limit), as a signal that stopped
     * the drill has cancelled {@code ctx}, and FORCE, as the session of a check whose psql was killed (a signal, its
     * timeout) may still be running its query on the server.
     */
    @Override
    public void dropTarget(OperationContext ctx) throws IOException {
        try (PassFile pass = PassFile.create(ctx.scratchDir(), settings.password())) {
            dropForced(pass, ctx);
        } catch (ToolFailedException e) {
            throw new DbBackupException(ExitStatus.SYSTEM_ERROR, "cannot drop database " + settings.database() + " on "
                    + HostPort.of(settings.host(), settings.port()) + ": " + PgErrors.reason(e), e, false);
        }
    }

    private void createDatabase(PassFile pass, OperationContext ctx) throws IOException {
        try {
            pg.query(MAINTENANCE_DB, pass, ctx, "\\set VERBOSITY verbose\nCREATE DATABASE :\"db\" TEMPLATE template0;");
        } catch (ToolFailedException e) {
            String state = PgErrors.sqlState(e);
            String hint = PgTools.connected(e) && Boolean.TRUE.equals(pg.inRecovery(MAINTENANCE_DB, pass, ctx))
                    ? RestoreHint.STANDBY
                    : "42501".equals(state) ? RestoreHint.MAY_NOT_CREATE_DATABASE : "";
            String reason = PgErrors.reason(e).replaceFirst("^psql:\\S*?:\\d+: [^\\s:]+:\\s+(?:[0-9A-Z]{5}: )?", "");
            throw new DbBackupException(ExitStatus.SYSTEM_ERROR, "cannot create database " + settings.database() + " on "
                    + HostPort.of(settings.host(), settings.port()) + " for the restore: " + reason + hint, e,
                    e.retryable());
        }
    }

    /** Drops the database created for a failed restore: null when done, else why not (also logged). */
    private String dropDatabase(PassFile pass, OperationContext ctx) {
        // also after a signal cancelled the restore: on a cancellation of its own (the query has its own time limit),
        // and FORCE, as the killed psql's session may still be on its way out (PostgreSQL 13+; plain before)
        try {
            dropForced(pass, ctx);
            return null;
        } catch (IOException | RuntimeException e) {
            ctx.log().warn("could not drop the database created for the failed restore", "database", settings.database(),
                    "error", e.getMessage());
            return e instanceof ToolFailedException tf ? PgErrors.reason(tf) : e.getMessage();
        }
    }

    /**
     * {@code DROP DATABASE IF EXISTS … WITH (FORCE)} over the maintenance database, plain where the server does not know
     * FORCE (a syntax error: before PostgreSQL 13); on a cancellation of its own, so that it runs also after a signal
     * cancelled {@code ctx}.
     */
    private void dropForced(PassFile pass, OperationContext ctx) throws IOException {
        OperationContext cleanup = new OperationContext(new io.dbbackup.spi.Cancellation(), ctx.log(), ctx.scratchDir(), ctx.commands());
        try {
            pg.query(MAINTENANCE_DB, pass, cleanup, "DROP DATABASE IF EXISTS :\"db\" WITH (FORCE);");
        } catch (ToolFailedException e) {
            if (!e.stderrTail().contains("syntax error")) {
                throw e;
            }
            pg.query(MAINTENANCE_DB, pass, cleanup, "DROP DATABASE IF EXISTS :\"db\";");
        }
    }
}
