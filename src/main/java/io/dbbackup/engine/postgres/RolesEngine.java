package io.dbbackup.engine.postgres;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.DumpFormat;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.core.HostPort;
import io.dbbackup.core.Human;
import io.dbbackup.core.Json;
import io.dbbackup.spi.DumpInfo;
import io.dbbackup.spi.DumpTail;
import io.dbbackup.spi.Engine;
import io.dbbackup.spi.Location;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.RestoreOptions;
import io.dbbackup.spi.ScriptLines;
import io.dbbackup.spi.TargetState;
import io.dbbackup.spi.ToolFailedException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code engine: postgres} with {@code method: roles}: the cluster's roles — attributes, passwords, settings,
 * memberships — which no database dump holds ({@code pg_dumpall --roles-only}, a SQL script). Restored with psql in
 * one transaction into a cluster that may already have roles: existing roles are kept and brought to the
 * backup's attributes, missing ones created, none dropped (see {@link RoleScript}).
 */
public final class RolesEngine implements Engine {
    static final String HEADER = "-- PostgreSQL database cluster dump";
    static final String END = "-- PostgreSQL database cluster dump complete";
    private static final String DB = PgTools.MAINTENANCE_DB;
    private static final String ROLES_SQL = "select count(*) from pg_catalog.pg_roles where rolname !~ '^pg_';";
    /** One JSON document: what a roles backup would hold, passwords aside (pg_roles shows none). */
    private static final String INSPECT_SQL = """
            select json_build_object('server_version', current_setting('server_version'), 'roles', coalesce((
              select json_agg(json_build_object('name', r.rolname, 'login', r.rolcanlogin, 'superuser', r.rolsuper,
                       'create_db', r.rolcreatedb, 'create_role', r.rolcreaterole, 'replication', r.rolreplication,
                       'bypass_rls', r.rolbypassrls, 'connection_limit', r.rolconnlimit, 'valid_until', r.rolvaliduntil,
                       'member_of', coalesce((select json_agg(g.rolname order by g.rolname)
                                                from pg_catalog.pg_auth_members m join pg_catalog.pg_roles g on g.oid = m.roleid
                                               where m.member = r.oid), '[]'::json),
                       'settings', coalesce((select json_agg(c order by c) from pg_catalog.pg_db_role_setting s,
                                                    unnest(s.setconfig) c where s.setrole = r.oid and s.setdatabase = 0), '[]'::json))
                       order by r.rolname)
                from pg_catalog.pg_roles r where r.rolname !~ '^pg_'), '[]'::json));
            """;

    private final PostgresSettings settings;
    private final String cluster;
    private final boolean rolePasswords;
    private final ClientLocator locator;
    private final PgTools pg;

    RolesEngine(PostgresSettings settings, String cluster, boolean rolePasswords, ClientLocator locator) {
        this.settings = settings;
        this.cluster = cluster;
        this.rolePasswords = rolePasswords;
        this.locator = locator;
        this.pg = new PgTools(settings, locator);
    }

    @Override
    public String database() {
        return cluster;
    }

    @Override
    public DumpFormat format() {
        return DumpFormat.SQL;
    }

    @Override
    public String describe() {
        return "postgres roles of " + settings.user() + "@" + HostPort.of(settings.host(), settings.port()) + " (cluster " + cluster + ")";
    }

    /** The server: two roles datasources on one server are one set of roles, whatever their cluster names. */
    @Override
    public String location() {
        return where().text();
    }

    @Override
    public Location where() {
        return Location.server("postgresql://" + HostPort.of(settings.host(), settings.port()) + " (roles)", "postgresql roles",
                settings.host(), settings.port(), "");
    }

    @Override
    public DumpInfo dump(OutputStream out, OperationContext ctx) throws IOException {
        try (PassFile pass = PassFile.create(ctx.scratchDir(), settings.password())) {
            ClientLocator.Choice<PgVersion> choice = locator.choose("pg_dumpall", () -> pg.serverVersion(DB, pass, ctx), v -> v);
            Path exe = choice.executable();
            List<String> cmd = new ArrayList<>(List.of(exe.toString(), "--no-password", "--roles-only", "--database=" + DB));
            if (!rolePasswords) {
                cmd.add("--no-role-passwords");
            }
            ctx.log().info("pg_dumpall started", "source", describe(), "pg_dumpall", exe, "role_passwords", rolePasswords);
            PgVersion v;
            DumpTail dumped = new DumpTail(out);
            PgVersion starting = choice.startingFor(PgTools.TRANSACTION_TIMEOUT_FROM); // a 17 client waits for the answer
            String stderr;
            try {
                stderr = pg.dump(cmd, DB, pass, starting, settings.timeout(), dumped, ctx);
            } finally {
                v = choice.settle();
            }
            // as for pg_dump (PostgresEngine.checkDumpEnd): an exit 0 is not taken on trust
            if (stderr.lines().anyMatch(l -> l.startsWith("pg_dumpall: error:"))) {
                throw new ToolFailedException("pg_dumpall", 0, stderr, true);
            }
            if (dumped.count() > 0 && !PostgresEngine.endsWith(dumped.lastLines(), END)) {
                throw DbBackupException.system("pg_dumpall exited 0, but its script does not end with '" + END
                        + "': cut short, not recorded as a backup");
            }
            Map<String, String> facts = pg.toolFacts("pg_dumpall", v, choice.client());
            facts.put("method", "roles");
            facts.put("cluster", cluster);
            facts.put("role_passwords", String.valueOf(rolePasswords));
            return DumpInfo.of(facts);
        }
    }

    /** The roles a backup would hold, and the pg_dumpall it would run against this server. */
    @Override
    public String check(OperationContext ctx) throws IOException {
        int roles = inspectTarget(ctx).objects();
        try (PassFile pass = PassFile.create(ctx.scratchDir(), settings.password())) {
            PgVersion server = pg.serverVersion(DB, pass, ctx);
            PgClient dumpall = locator.forServer("pg_dumpall", server);
            return "PostgreSQL " + HostPort.of(settings.host(), settings.port()) + " has " + Human.count(roles, "role") + "; PostgreSQL "
                    + server.text() + ", " + dumpall.name() + " " + dumpall.version().text() + " (" + dumpall.executable() + ")";
        }
    }

    /** The cluster's roles as a roles backup would hold them: attributes, memberships, settings (no passwords). */
    @Override
    public Map<String, Object> inspect(OperationContext ctx) throws IOException {
        try (PassFile pass = PassFile.create(ctx.scratchDir(), settings.password())) {
            String out;
            try {
                out = pg.query(DB, pass, ctx, INSPECT_SQL).strip();
            } catch (ToolFailedException e) {
                throw pg.queryError("the query for its roles", e);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> doc = (Map<String, Object>) Json.parse(out);
            List<?> roles = (List<?>) doc.get("roles");
            Map<String, Object> result = new java.util.LinkedHashMap<>();
            result.put("engine", "postgres");
            result.put("method", "roles");
            result.put("cluster", cluster);
            result.put("server_version", doc.get("server_version"));
            result.put("role_count", roles.size());
            result.put("roles", roles);
            return result;
        }
    }

    @Override
    public TargetState inspectTarget(OperationContext ctx) throws IOException {
        try (PassFile pass = PassFile.create(ctx.scratchDir(), settings.password())) {
            String count;
            try {
                count = pg.query(DB, pass, ctx, ROLES_SQL).strip();
            } catch (ToolFailedException e) {
                throw pg.queryError("the count of its roles", e);
            }
            // every cluster has at least the role that connects: loading roles always asks first
            int roles = Integer.parseInt(count);
            return new TargetState(true, roles, "PostgreSQL " + HostPort.of(settings.host(), settings.port())
                    + " has " + Human.count(roles, "role") + "; the backup's are created where missing and given the backup's attributes, "
                    + "passwords, settings and memberships (none is dropped; " + settings.user() + ", which restores, keeps its own)");
        }
    }

    @Override
    public void requireRestorable(DumpFormat format) {
        if (format != DumpFormat.SQL) {
            throw DbBackupException.user("cannot load a ." + format.extension() + " file as PostgreSQL roles (expected .sql)");
        }
    }

    @Override
    public void restore(InputStream in, DumpFormat format, RestoreOptions options, OperationContext ctx) throws IOException {
        requireRestorable(format);
        if (options.clean()) {
            throw DbBackupException.user("--clean does not apply to roles: a roles restore never drops a role");
        }
        try (PassFile pass = PassFile.create(ctx.scratchDir(), settings.password())) {
            PgVersion server = pg.serverVersion(DB, pass, ctx);
            PgClient psql = locator.forServer("psql", server);
            ctx.log().info("roles restore started", "target", describe(), "psql", psql.executable(), "version", psql.version().text());
            RoleScript script = new RoleScript(in, settings.user());
            try {
                pg.tool(List.of(psql.executable().toString(), "-X", "-q", "--no-password", "-v", "ON_ERROR_STOP=1",
                        "--single-transaction", "-f", "-"), DB, pass, server).run(script, null, ctx.cancellation());
            } catch (ToolFailedException e) {
                throw new DbBackupException(ExitStatus.SYSTEM_ERROR, "loading the roles into " + describe() + " ran as one "
                        + "transaction and " + PostgresEngine.outcome(e, "psql") + ": " + PgErrors.failed(e), e, e.retryable());
            }
            if (script.skipped() > 0) {
                ctx.log().info("the restoring role kept its own attributes and password", "role", settings.user());
            }
        }
    }

    /** The roles the script creates ({@code CREATE ROLE name;}, as pg_dumpall writes one per role), read to its end. */
    @Override
    public List<String> contents(InputStream in, DumpFormat format, OperationContext ctx) throws IOException {
        if (format != DumpFormat.SQL) {
            return Engine.super.contents(in, format, ctx);
        }
        return RoleScript.roleNames(in).stream().map(name -> "role " + name).toList();
    }

    /** The script must begin and end as pg_dumpall writes it; counts its roles and memberships. */
    @Override
    public String verifyDeep(InputStream in, DumpFormat format, OperationContext ctx) throws IOException {
        if (format != DumpFormat.SQL) {
            throw DbBackupException.user("verify --deep: a ." + format.extension() + " file is not a pg_dumpall script");
        }
        ScriptLines script = new ScriptLines(RoleScript.CREATE, "GRANT ").readAll(in);
        if (script.firstLines().stream().noneMatch(HEADER::equals)) {
            throw DbBackupException.integrity("the roles script does not begin as pg_dumpall writes it (no '" + HEADER + "' line)");
        }
        if (!PostgresEngine.endsWith(script.lastLines(), END)) {
            throw DbBackupException.integrity("the roles script is cut short: it does not end with '" + END + "'");
        }
        return "roles script complete ('" + END + "'): " + Human.count(script.count(0), "role") + ", "
                + Human.count(script.count(1), "membership");
    }
}
