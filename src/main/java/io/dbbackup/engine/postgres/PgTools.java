package io.dbbackup.engine.postgres;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.spi.ChildProcess;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.ToolFailedException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the logical engines reach one server through its client programs: a tool with the connection's libpq
 * environment and password file, a short psql query, the server's version, and the one wording of a refused
 * connection.
 */
final class PgTools {
    static final String MAINTENANCE_DB = "postgres";
    /** How long a short psql query may run when nothing else is said (a datasource without {@code timeout}). */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(60);

    private final PostgresSettings settings;
    private final ClientLocator locator;

    PgTools(PostgresSettings settings, ClientLocator locator) {
        this.settings = settings;
        this.locator = locator;
    }

    /** The server's version, read with any psql; a failure to connect is one clear line. */
    PgVersion serverVersion(String db, PassFile pass, OperationContext ctx) throws IOException {
        String row;
        try {
            row = query(db, pass, ctx, "select current_setting('server_version_num'), current_setting('server_version');");
        } catch (ToolFailedException e) {
            throw connectionError(e);
        }
        String[] f = row.strip().split("\\|", 2);
        return PgVersion.ofServer(Integer.parseInt(f[0].strip()), f[1].strip().split("\\s")[0]);
    }

    DbBackupException connectionError(ToolFailedException e) {
        String msg = "cannot connect to PostgreSQL " + settings.describe() + ": " + PgErrors.reason(e);
        return new DbBackupException(ExitStatus.SYSTEM_ERROR, msg, e, e.retryable());
    }

    /**
     * Runs {@code sql} with any psql (from stdin, so {@code :"db"} is the quoted name of the configured
     * database) in database {@code db} and returns its unaligned output.
     */
    String query(String db, PassFile pass, OperationContext ctx, String sql) throws IOException {
        return query(db, pass, ctx, sql, PROBE_TIMEOUT);
    }

    /** {@link #query(String, PassFile, OperationContext, String)}, killed after {@code timeout} instead. */
    String query(String db, PassFile pass, OperationContext ctx, String sql, Duration timeout) throws IOException {
        Path psql = locator.probeExecutable();
        List<String> cmd = List.of(psql.toString(), "-X", "-A", "-t", "-q", "--no-password",
                "-v", "ON_ERROR_STOP=1", "-v", "db=" + settings.database(), "-f", "-");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        tool(cmd, db, pass).timeout(timeout)
                .run(new ByteArrayInputStream(sql.getBytes(StandardCharsets.UTF_8)), out, ctx.cancellation());
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * What every dump by a client program records: the server's version, the client's ({@code <tool>_version})
     * and its path ({@code <tool>}), and the server it ran against; the caller adds its own facts after these.
     */
    Map<String, String> toolFacts(String tool, PgVersion server, PgClient client) {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("server_version", server.text());
        facts.put("server_version_num", String.valueOf(server.num()));
        facts.put(tool + "_version", client.version().text());
        facts.put(tool, client.executable().toString());
        facts.put("host", settings.host());
        facts.put("port", String.valueOf(settings.port()));
        return facts;
    }

    /** A client program connecting to {@code db} with the configured connection (libpq environment, password file). */
    ChildProcess tool(List<String> cmd, String db, PassFile pass) {
        ChildProcess p = ChildProcess.of(cmd).permanentWhen(PgErrors::isPermanent);
        settings.libpqEnv(db).forEach(p::env);
        Path file = pass.path();
        if (file != null) {
            p.env("PGPASSFILE", file.toString());
        }
        return p;
    }
}
