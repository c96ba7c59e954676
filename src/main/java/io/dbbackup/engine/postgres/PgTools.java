package io.dbbackup.engine.postgres;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.spi.ChildProcess;
import io.dbbackup.spi.DumpTail;
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
    /**
     * Whether the server's address refused the {@code options} start-up parameter ({@code PGOPTIONS}): PgBouncer does
     * unless told to ignore it. Learnt by the first query of ours (the version probe, which every backup and restore
     * makes before its tools start); from then on nothing is started with it, as before these settings existed.
     */
    private volatile boolean optionsRefused;

    PgTools(PostgresSettings settings, ClientLocator locator) {
        this.settings = settings;
        this.locator = locator;
    }

    /**
     * The server's version, read with any psql from what the server tells every client as it connects (psql's
     * {@code SERVER_VERSION_NUM} and {@code SERVER_VERSION_NAME}): no query, so a role whose queries are denied or cut
     * short ({@code statement_timeout}) still backs up as far as pg_dump can. A failure to connect is one clear line.
     */
    PgVersion serverVersion(String db, PassFile pass, OperationContext ctx) throws IOException {
        String row;
        try {
            row = query(db, pass, ctx, "\\echo :SERVER_VERSION_NUM|:SERVER_VERSION_NAME\n");
        } catch (ToolFailedException e) {
            DbBackupException failed = queryError("the version probe", e);
            if (!failed.retryable()) {
                throw failed;
            }
            String state = refusalState(e, db, ctx);
            if (permanent(state) || databaseMissing(e, pass, ctx)) {
                // "Datenbank »app« existiert nicht": no retry creates it (the English words were never retried)
                throw new DbBackupException(ExitStatus.SYSTEM_ERROR, failed.getMessage(), e, false);
            }
            if (NO_FREE_SLOT.equals(state) && !failed.getMessage().contains(PgErrors.NO_FREE_SLOT_HINT)) {
                // "zu viele Verbindungen von Rolle »bk«": the hint the English words get, retried as they are
                throw new DbBackupException(ExitStatus.SYSTEM_ERROR, failed.getMessage() + ": " + PgErrors.NO_FREE_SLOT_HINT,
                        e, true);
            }
            throw failed;
        }
        String[] f = row.strip().split("\\|", 2);
        return PgVersion.ofServer(Integer.parseInt(f[0].strip()), f[1].strip().split("\\s")[0]);
    }

    /**
     * A psql query that failed, in one line: when psql connected and the server refused or cancelled the query (psql's
     * exit status 3), said as such with {@code what} and the server's words; otherwise a failed connection.
     */
    DbBackupException queryError(String what, ToolFailedException e) {
        String reason = PgErrors.reason(e).replaceFirst("^psql:\\S*?:\\d+: (?:ERROR:\\s+)?", "");
        String msg = e.cannotRun() ? "cannot run psql for PostgreSQL " + settings.describe() + ": " + reason
                : connected(e)
                ? "connected to PostgreSQL " + settings.describe() + ", but " + what + " failed: " + reason
                : "cannot connect to PostgreSQL " + settings.describe() + ": " + reason;
        return new DbBackupException(ExitStatus.SYSTEM_ERROR, msg, e, e.retryable());
    }

    /**
     * Whether a connection to the configured database failed because there is no such database: the server's English
     * words, or, as a server with another {@code lc_messages} says it in its own language ("Datenbank »app« existiert
     * nicht") and libpq shows no SQLSTATE for a refused connection, the maintenance database's {@code pg_database} holds
     * no such name. A failure that is no connection the server itself refused (a timeout, a host that does not answer, a
     * query the server refused) is not asked about.
     */
    boolean databaseMissing(ToolFailedException e, PassFile pass, OperationContext ctx) {
        if (PgErrors.isMissingDatabase(e)) {
            return true;
        }
        if (e.timedOut() || connected(e) || settings.database().equals(MAINTENANCE_DB) || !PgErrors.serverRefusedConnection(e)) {
            return false;
        }
        try {
            return query(MAINTENANCE_DB, pass, ctx, "SELECT count(*) FROM pg_catalog.pg_database WHERE datname = :'db';")
                    .strip().equals("0");
        } catch (IOException | RuntimeException asked) {
            return false; // the maintenance database cannot say either: the first failure stands
        }
    }

    /** too_many_connections: no slot free (max_connections, or a role's or a database's CONNECTION LIMIT). */
    private static final String NO_FREE_SLOT = "53300";

    /**
     * Whether a refusal's SQLSTATE ({@link #refusalState}) is one no retry changes: 28xxx (authorization: no LOGIN, no
     * pg_hba.conf line, wrong password), 3D000 (no such database), 42501 (no CONNECT).
     */
    static boolean permanent(String state) {
        return state != null && (state.startsWith("28") || state.equals("3D000") || state.equals("42501"));
    }

    /**
     * The SQLSTATE of the server's refusal of psql's connection, told by one more login of our own
     * ({@link ReplicationConnection#login}): libpq shows none, and a server whose {@code lc_messages} is not English words
     * "role is not permitted to log in", no CONNECT privilege, no pg_hba.conf line or no free connection slot in its own
     * language. Asked only after such a refusal, with the configured password (none configured: not asked, as libpq may
     * find one this client does not), and only the server's own answer counts; null when not asked or not told (let in
     * this time, or no answer of the server's).
     */
    String refusalState(ToolFailedException e, String db, OperationContext ctx) {
        if (e.timedOut() || connected(e) || !PgErrors.serverRefusedConnection(e) || settings.password() == null
                || settings.host() == null || settings.host().startsWith("@") || settings.host().contains(",")) {
            return null;
        }
        try {
            Path home = System.getenv("HOME") == null ? null : Path.of(System.getenv("HOME"));
            ReplicationConnection.login(settings.host(), settings.port(), settings.user(), db,
                    new PgAuth(settings.user(), settings.password().reveal()), PgTls.of(settings, home), PROBE_TIMEOUT);
            return null; // let in this time: the first refusal may pass
        } catch (PgServerError refused) {
            String state = refused.fromServer() ? refused.sqlState() : null;
            ctx.log().debug("the server's refusal asked for its SQLSTATE", "sqlstate", refused.sqlState(),
                    "retry", !permanent(state));
            return state;
        } catch (IOException | RuntimeException other) {
            return null; // cannot say: the first failure stands
        }
    }

    /**
     * Whether the server is in recovery (a hot standby: {@code pg_is_in_recovery()}), asked over {@code db}; null when it
     * cannot say (the question failed too). Asked, not read from an error's text, which the server's {@code lc_messages}
     * translates.
     */
    Boolean inRecovery(String db, PassFile pass, OperationContext ctx) {
        try {
            return query(db, pass, ctx, "SELECT pg_catalog.pg_is_in_recovery();").strip().equals("t");
        } catch (IOException | RuntimeException e) {
            ctx.log().debug("could not ask whether the server is a standby", "error", e.getMessage());
            return null;
        }
    }

    /** Whether psql connected before it failed: its exit status 3 is an error in the script, which the server raised. */
    static boolean connected(ToolFailedException e) {
        return !e.timedOut() && e.exitCode() == 3;
    }

    /**
     * Runs {@code sql} with any psql (from stdin, so {@code :"db"} is the quoted name of the configured
     * database) in database {@code db} and returns its unaligned output.
     */
    String query(String db, PassFile pass, OperationContext ctx, String sql) throws IOException {
        return query(db, pass, ctx, sql, PROBE_TIMEOUT, true);
    }

    /**
     * {@link #query(String, PassFile, OperationContext, String)}, killed after {@code timeout} instead; {@code ours}: a
     * query of this tool's own (a catalog read, CREATE/DROP DATABASE), which the server stops at the same time as psql is
     * killed whatever the role's {@code statement_timeout} says (a managed server's role often has a short one, which
     * pg_dump and the scripts it writes set aside too); not for a user's query, which runs as the role's would.
     */
    String query(String db, PassFile pass, OperationContext ctx, String sql, Duration timeout, boolean ours) throws IOException {
        Path psql = locator.probeExecutable();
        List<String> cmd = List.of(psql.toString(), "-X", "-A", "-t", "-q", "--no-password",
                "-v", "ON_ERROR_STOP=1", "-v", "db=" + settings.database(), "-f", "-");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ChildProcess p = connecting(cmd, db, pass).env("PGCLIENTENCODING", "UTF8");
        boolean options = ours && !optionsRefused;
        if (options) {
            p.env("PGOPTIONS", "-c statement_timeout=" + timeout.toMillis());
        }
        try {
            p.timeout(timeout)
                    .run(new ByteArrayInputStream(sql.getBytes(StandardCharsets.UTF_8)), out, ctx.cancellation());
        } catch (ToolFailedException e) {
            if (!options || !PgErrors.poolerRefusedOptions(e)) {
                throw e;
            }
            refuseOptions(ctx);
            return query(db, pass, ctx, sql, timeout, ours);
        }
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

    /**
     * A client program connecting to {@code db} with the configured connection (libpq environment, password file), the
     * server's timeouts off from the start ({@link #timeoutsOff} for a server of {@code server}) unless a pooler refused
     * them ({@link #optionsRefused}).
     */
    ChildProcess tool(List<String> cmd, String db, PassFile pass, PgVersion server) {
        // UTF-8 both ways (the names and SQL dbbackup sends, the rows it reads), whatever client_encoding the role or the
        // database sets: psql's -c and -v text, which a role's LATIN1 took for LATIN1 (CREATE DATABASE "café" made "cafÃ©")
        return dumpTool(cmd, db, pass, server).env("PGCLIENTENCODING", "UTF8");
    }

    /**
     * {@link #tool} without {@code PGCLIENTENCODING}: pg_dump writes its dump in the session's encoding, which without a
     * {@code client_encoding} of the role's or the database's is the database's own (a {@code SQL_ASCII} database's bytes
     * as they are), as pg_dump documents.
     */
    private ChildProcess dumpTool(List<String> cmd, String db, PassFile pass, PgVersion server) {
        ChildProcess p = connecting(cmd, db, pass);
        return optionsRefused ? p : p.env("PGOPTIONS", timeoutsOff(server));
    }

    /**
     * Runs a dump tool ({@link #tool}, nothing on its input) into {@code out}, killed after {@code timeout}: a dump starts
     * beside the version probe, before that probe can learn that a pooler refuses the session settings, so a dump
     * refused for them before it wrote a byte runs once more without them ({@link #optionsRefused}); returns its stderr.
     * {@code server}: the server's version as far as {@link #timeoutsOff} asks it ({@link ClientLocator.Choice#startingFor}).
     */
    String dump(List<String> cmd, String db, PassFile pass, PgVersion server, Duration timeout, DumpTail out,
                OperationContext ctx) throws IOException {
        boolean options = !optionsRefused;
        try {
            return dumpTool(cmd, db, pass, server).timeout(timeout).run(null, out, ctx.cancellation());
        } catch (ToolFailedException e) {
            if (!options || out.count() > 0 || !PgErrors.poolerRefusedOptions(e)) {
                throw e;
            }
            refuseOptions(ctx);
            return dumpTool(cmd, db, pass, server).timeout(timeout).run(null, out, ctx.cancellation());
        }
    }

    private synchronized void refuseOptions(OperationContext ctx) { // the probe and the dump may be refused together
        if (!optionsRefused) {
            optionsRefused = true;
            ctx.log().warn("a connection pooler refused the session settings (unsupported startup parameter: options): "
                    + "pg_dump, pg_restore and psql run without them, under the role's own statement_timeout, lock_timeout "
                    + "and idle_in_transaction_session_timeout", "server", settings.describe());
        }
    }

    /**
     * What pg_dump, pg_restore and the scripts they write set first ({@code SET statement_timeout = 0} and the like), set
     * as the session starts (libpq's {@code PGOPTIONS}, which wins over a role's or a database's {@code ALTER … SET}): a
     * role with a short {@code statement_timeout} (a managed server's often has one) cancelled the queries these tools run
     * before their own {@code SET}, and so the whole backup. From PostgreSQL 17 on also {@code transaction_timeout}
     * ({@link #TRANSACTION_TIMEOUT_FROM}), which a role or a database may set and which cuts pg_dump's one transaction, or
     * a restore's, short (a script of an older pg_dump does not set it off); never to an older server, which refuses the
     * connection for a setting it does not know ({@code unrecognized configuration parameter}).
     */
    static String timeoutsOff(PgVersion server) {
        return TIMEOUTS_OFF + (hasTransactionTimeout(server) ? " -c transaction_timeout=0" : "");
    }

    /** The first server version with {@code transaction_timeout} (PostgreSQL 17). */
    static final int TRANSACTION_TIMEOUT_FROM = 170000;

    /** Whether a server of {@code server} knows {@code transaction_timeout}. */
    static boolean hasTransactionTimeout(PgVersion server) {
        return server.num() >= TRANSACTION_TIMEOUT_FROM;
    }

    private static final String TIMEOUTS_OFF = "-c statement_timeout=0 -c lock_timeout=0 -c idle_in_transaction_session_timeout=0";

    private ChildProcess connecting(List<String> cmd, String db, PassFile pass) {
        Path file = pass.path();
        ChildProcess p = ChildProcess.of(cmd).permanentWhen(PgErrors::isPermanent)
                .explainedBy(stderr -> PgErrors.places(stderr, settings))
                .unquoted(line -> PgErrors.namesPassFile(line, file));
        settings.libpqEnv(db).forEach(p::env);
        if (file != null) {
            p.env("PGPASSFILE", file.toString());
        }
        return p;
    }
}
