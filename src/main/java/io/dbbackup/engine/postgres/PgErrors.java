package io.dbbackup.engine.postgres;

import io.dbbackup.spi.ToolFailedException;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Reads libpq/PostgreSQL error text from a tool's stderr: what it means and the one line worth showing. */
final class PgErrors {
    /** libpq's line after the server refused (28P01) the password it read from the pass file, in any server language. */
    private static final String PASSWORD_FROM_FILE_REFUSED = "password retrieved from file";
    /**
     * Failures a retry cannot fix: credentials, a missing database or role, a host name that does not resolve. Mostly the
     * server's English words; libpq's own lines are in English whatever the server speaks (children run with
     * {@code LC_ALL=C.UTF-8}), and libpq adds "password retrieved from file" exactly when the server refused that file's
     * password with SQLSTATE 28P01 (invalid_password), which a server whose {@code lc_messages} is German words as
     * "Passwort-Authentifizierung für Benutzer »app« fehlgeschlagen".
     */
    private static final List<String> PERMANENT = List.of(
            "password authentication failed", "authentication failed", "no password supplied", PASSWORD_FROM_FILE_REFUSED,
            "no pg_hba.conf entry", "does not exist", "could not translate host name", "name or service not known",
            "server does not support ssl", "certificate", "permission denied", "must be owner",
            "server version mismatch", "aborting because of server version mismatch", "unsupported version",
            "must be superuser or replication role", "incompatible server version", "wal_level",
            "unsupported startup parameter");
    private static final Pattern MISSING_DB = Pattern.compile("database \".*\" does not exist");
    private static final Pattern PREFIX = Pattern.compile(
            "^(?:\\w+: error: )?(?:connection to server (?:at|on) .*? failed: )?(?:" + Severity.WORD + ":\\s+)?");

    /** The SQLSTATE psql shows with {@code VERBOSITY verbose}: {@code ERROR:  57014: canceling statement ...}. */
    private static final Pattern SQLSTATE = Pattern.compile("(?m)^(?:psql:\\S*: )?" + Severity.WORD + ":\\s+([0-9A-Z]{5}):");

    /**
     * The severity word before a server's message, in the server's language ({@code lc_messages}): ERROR, FATAL, PANIC,
     * or FEHLER, ERREUR, ОШИБКА, 错误 …; the server follows it with a colon and two spaces.
     */
    private static final class Severity {
        static final String WORD = "(?:ERROR|FATAL|PANIC|[^\\s:]+(?=:  ))";
        /** psql's line for a server's message it read from a script ({@code -f}): {@code psql:<stdin>:31: FEHLER:  …}. */
        static final Pattern PSQL_LINE = Pattern.compile("^psql:\\S*?:\\d+: [^\\s:]+:  \\S");
    }
    /**
     * SQLSTATEs of a query that did not fail by what it read: connection exceptions (class 08), insufficient resources
     * (53), the session ended by an administrator or a server shutdown (57P01–57P03), a cancelled query or a statement,
     * idle-in-transaction or transaction timeout (57014, 25P03, 25P04).
     */
    private static final List<String> NOT_THE_QUERY = List.of("08", "53", "57P01", "57P02", "57P03", "57014", "25P03", "25P04");
    /**
     * SQLSTATEs of an account that may not: insufficient_privilege (42501), invalid authorization (class 28); and the
     * server's words for a connection it refused the account (libpq shows no SQLSTATE for those).
     */
    private static final List<String> DENIED = List.of("42501", "28");
    private static final Pattern CONNECTION_DENIED = Pattern.compile(
            "(?m)FATAL:\\s+(?:[0-9A-Z]{5}:\\s+)?(?:password authentication failed|permission denied for database|no pg_hba\\.conf entry"
            + "|role \".*\" is not permitted to log in)");
    /** libpq's own words for a connection that went away (no SQLSTATE: the server said nothing). */
    private static final List<String> CONNECTION_GONE = List.of("server closed the connection unexpectedly",
            "connection to server was lost", "could not receive data from server", "could not send data to server",
            "no connection to the server", "ssl syscall error");
    /**
     * pg_restore's words for an archive it cannot read to its end: cut short, a block missing or garbled. (A store
     * failing while it is read is no such case: it fails the feed, not pg_restore.)
     */
    private static final List<String> DAMAGED_ARCHIVE = List.of("end of file", "possibly corrupt archive",
            "corrupt archive", "found unexpected block id", "unrecognized data block type", "could not uncompress data",
            "could not decompress data", "did not find magic string in file header",
            "input file does not appear to be a valid archive", "input file is too short",
            "could not read from input file", "could not read input file");

    /**
     * What follows the server's "out of shared memory" when its lock table is full (its own HINT names
     * max_locks_per_transaction, and stderr shows it on a line of its own that no one-line message keeps).
     */
    static final String LOCK_TABLE_FULL = "the server's lock table is full: a dump or a restore takes a lock on every table "
            + "it reads, creates or drops, in one transaction, and the server has room for max_locks_per_transaction (64 by "
            + "default) times max_connections of them: raise max_locks_per_transaction on the server (postgresql.conf and a "
            + "restart; on a managed server its parameter group or flags)";

    /**
     * What follows a connection pooler's refusal of the session settings the client programs start with
     * ({@link PgTools#timeoutsOff} in {@code PGOPTIONS}): PgBouncer refuses the {@code options} startup parameter
     * (before 1.20), or a setting in it that it does not track (1.20 and later).
     */
    static final String POOLER_REFUSED_OPTIONS = "a connection pooler (PgBouncer) refused the session settings pg_dump, "
            + "pg_restore and psql are started with (PGOPTIONS: statement_timeout, lock_timeout and "
            + "idle_in_transaction_session_timeout off): add options to its ignore_startup_parameters, or point the "
            + "datasource at the server itself (a dump needs one session anyway)";

    /**
     * What follows the server's "has no equivalent in encoding": pg_dump reads the rows in the session's encoding, which
     * a {@code client_encoding} set on the role or the database (often LATIN1 for an old application) makes narrower
     * than the database's.
     */
    static final String ENCODING_TOO_NARROW = "the session's client_encoding (set on the role or the database: ALTER ROLE "
            + "… SET client_encoding) cannot hold these rows: reset it for the backup role (ALTER ROLE … RESET "
            + "client_encoding), or dump in the database's encoding with extra_args: [--encoding=UTF8]";

    /**
     * The server's (English) words for a connection it refused for want of a free slot (SQLSTATE 53300, which libpq does
     * not show): all of max_connections taken, the rest kept for superusers (before PostgreSQL 16 "… for non-replication
     * superuser connections", from 16 "… for roles with the SUPERUSER attribute" or "… privileges of the
     * pg_use_reserved_connections role"), or a role's or a database's CONNECTION LIMIT reached.
     */
    private static final Pattern NO_FREE_SLOT = Pattern.compile("sorry, too many clients already"
            + "|remaining connection slots are reserved for .*|too many connections for (?:role|database) \"[^\"]*\"");

    /**
     * What follows {@link #NO_FREE_SLOT}: a retry may find a slot free (it stays retryable), and what to look at when it
     * keeps happening.
     */
    static final String NO_FREE_SLOT_HINT = "no connection slot is free: max_connections are all in use "
            + "(superuser_reserved_connections of them kept for superusers), or the role's or the database's CONNECTION "
            + "LIMIT is reached; the job's retry tries again later, and if it keeps happening close idle sessions "
            + "(pg_stat_activity), put a pooler in front of the applications or raise max_connections (a restart)";

    /** The server's (English) words for a query or session a hot standby ended to replay its primary's WAL (SQLSTATE 40001). */
    private static final String RECOVERY_CONFLICT = "due to conflict with recovery";

    /**
     * What follows {@link #RECOVERY_CONFLICT}: a standby waits {@code max_standby_streaming_delay} (30 s by default) for a
     * query that holds back replay (a lock the primary took, row versions its VACUUM removed), then cancels it; a dump is
     * one long query. Retried as it was (the next attempt may fit between two conflicts).
     */
    static final String STANDBY_CANCELLED = "the standby cancelled the dump to replay WAL from its primary (a lock taken or row "
            + "versions vacuumed there): raise max_standby_streaming_delay (and max_standby_archive_delay) on the standby above "
            + "the dump's length, or -1; set hot_standby_feedback = on for vacuumed rows; or back up from the primary";

    private PgErrors() {
    }

    /** Whether a connection pooler refused the session settings in {@code PGOPTIONS} ({@link #POOLER_REFUSED_OPTIONS}). */
    static boolean poolerRefusedOptions(ToolFailedException e) {
        return e.stderrTail().contains("unsupported startup parameter");
    }

    /**
     * {@code e} as it was, or with what to do after the line its one-line message shows: a pooler refused the session
     * settings ({@link #POOLER_REFUSED_OPTIONS}), the session's encoding cannot hold the rows ({@link #ENCODING_TOO_NARROW}),
     * row level security hides rows from {@code role} ({@link #rowLevelSecurity}) — none of which a retry fixes — or the
     * lock table was full ({@link #LOCK_TABLE_FULL}, on its "out of shared memory" line).
     */
    static ToolFailedException explained(ToolFailedException e, String role) {
        if (poolerRefusedOptions(e)) {
            return hinted(e, "unsupported startup parameter.*", POOLER_REFUSED_OPTIONS, false);
        }
        if (e.stderrTail().contains("has no equivalent in encoding")) {
            return hinted(e, "has no equivalent in encoding.*", ENCODING_TOO_NARROW, false);
        }
        if (e.stderrTail().contains(ROW_LEVEL_SECURITY)) {
            return hinted(e, ".*" + ROW_LEVEL_SECURITY + ".*", rowLevelSecurity(role), false);
        }
        if (lockTableFull(e)) {
            return hinted(e, "out of shared memory", LOCK_TABLE_FULL, e.retryable());
        }
        if (NO_FREE_SLOT.matcher(e.stderrTail()).find()) {
            return hinted(e, ".*(?:" + NO_FREE_SLOT.pattern() + ")", NO_FREE_SLOT_HINT, e.retryable());
        }
        if (e.stderrTail().contains(RECOVERY_CONFLICT)) {
            return hinted(e, ".*" + RECOVERY_CONFLICT, STANDBY_CANCELLED, e.retryable());
        }
        return e;
    }

    /** {@link #explained(ToolFailedException, String)} for a tool whose role is not known. */
    static ToolFailedException explained(ToolFailedException e) {
        return explained(e, null);
    }

    /** The server's (English) refusal of a password: {@code FATAL:  password authentication failed for user "app"}. */
    private static final Pattern PASSWORD_REFUSED = Pattern.compile("(?m)^(.*password authentication failed for user \"[^\n]*\")$");

    /**
     * {@code stderr} with where the refused password comes from after the server's line that refused it, e.g. {@code
     * password authentication failed for user "app"; check datasources.app.password_file at config.yaml:8:5, read from
     * file /run/secrets/pg}: which setting to fix, never the password. As it was without such a line, or without a
     * configured password (libpq's own ~/.pgpass, or none).
     */
    static String passwordPlace(String stderr, io.dbbackup.core.Secret password) {
        if (password == null || stderr == null) {
            return stderr;
        }
        return PASSWORD_REFUSED.matcher(stderr).replaceFirst("$1" + java.util.regex.Matcher.quoteReplacement("; check "
                + password.where()));
    }

    /**
     * libpq's (English) line for a server it could not reach at the datasource's address: a host name that does not resolve,
     * a connection refused or timed out, no route, no socket file.
     */
    private static final Pattern UNREACHABLE = Pattern.compile("(?m)^(.*(?:could not translate host name \"[^\"\n]*\" to "
            + "address: .*|connection to server (?:at|on) .*? failed: (?:Connection refused|timeout expired|Connection timed out"
            + "|No route to host|Network is unreachable|Cannot assign requested address|No such file or directory)))$");

    /**
     * {@code stderr} with the config places of a refused password ({@link #passwordPlace}) and of an address that cannot be
     * reached after libpq's line that says so, e.g. {@code … failed: Connection refused; check datasources.app.host at
     * config.yaml:5:11 and datasources.app.port at config.yaml:6:11}: which settings to fix; a timeout after the server took
     * the connection says so first ({@link SilentServer#explain}). Only dbbackup's error carries these; the quote of the
     * tool's output is its own words ({@link ToolFailedException#toolOutput}).
     */
    static String places(String stderr, PostgresSettings settings) {
        return SilentServer.explain(addressPlace(passwordPlace(stderr, settings.password()), settings.addressPlace()),
                PostgresSettings.CONNECT_TIMEOUT);
    }

    /** {@code stderr} with {@code "; check " + place} after libpq's first line of an address not reached ({@link #UNREACHABLE}). */
    static String addressPlace(String stderr, String place) {
        if (place == null || stderr == null) {
            return stderr;
        }
        return UNREACHABLE.matcher(stderr).replaceFirst("$1" + java.util.regex.Matcher.quoteReplacement(checkAddress(place)));
    }

    /**
     * {@code reason} (the built-in replication client's words for an address it did not reach: {@code Connection refused},
     * {@code could not translate host name "db" to address}) with the config places of {@code host} and {@code port} after
     * it, as libpq's line gets them ({@link #addressPlace(String, String)}); as it was without a place.
     */
    static String unreachedAt(String reason, String place) {
        return place == null ? reason : reason + checkAddress(place);
    }

    /** {@code "; check " + place}: what follows the words of an address not reached. */
    private static String checkAddress(String place) {
        return "; check " + place;
    }

    /**
     * Whether {@code line} of a tool's stderr names dbbackup's temporary password file {@code passFile} (libpq's {@code
     * password retrieved from file "/tmp/dbbackup-…/pgpass-…"}): deleted once the tool ended, it is left out of the quote of
     * the tool's output; the error names the configured password's place instead ({@link #passwordPlace}).
     */
    static boolean namesPassFile(String line, java.nio.file.Path passFile) {
        return passFile != null && line.contains("\"" + passFile + "\"");
    }

    /** {@code e} with {@code ": " + hint} after the first line of its stderr that is (ends with) {@code line}. */
    private static ToolFailedException hinted(ToolFailedException e, String line, String hint, boolean retryable) {
        String tail = e.stderrTail().replaceFirst("(?m)(" + line + ")$", "$1" + java.util.regex.Matcher.quoteReplacement(": " + hint));
        ToolFailedException explained = new ToolFailedException(e.tool(), e.exitCode(), tail, retryable).quoting(e.toolOutput());
        explained.initCause(e);
        return explained;
    }

    /** pg_dump's own (English) line after a query the server refused: {@code pg_dump: detail: Query was: COPY public.t (id) TO stdout;}. */
    private static final Pattern FAILED_COPY = Pattern.compile("(?m)^pg_dump: detail: Query was: COPY (" + FailedCreate.NAME + ") ");

    /**
     * The table whose COPY the server refused pg_dump ({@code query failed:}, its reason in the server's language), or
     * empty: a question for the catalog when no English words say why ({@link #rowLevelSecurityStopped}).
     */
    static java.util.Optional<String> refusedCopy(ToolFailedException e) {
        java.util.regex.Matcher m = FAILED_COPY.matcher(e.stderrTail());
        return m.find() && e.stderrTail().contains("pg_dump: error: query failed: ") ? java.util.Optional.of(m.group(1))
                : java.util.Optional.empty();
    }

    /**
     * pg_dump's own (English) line after a LOCK TABLE the server refused: {@code pg_dump: detail: Query was: LOCK TABLE
     * public.t IN ACCESS SHARE MODE} (pg_dump 18 locks several in one: {@code LOCK TABLE public.a, public.b IN …}).
     */
    private static final Pattern FAILED_LOCK = Pattern.compile("(?m)^pg_dump: detail: Query was: LOCK TABLE ((?:"
            + FailedCreate.NAME + ")(?:, " + FailedCreate.NAME + ")*) IN ACCESS SHARE MODE");

    /**
     * The tables whose LOCK TABLE the server refused pg_dump ({@code query failed:}, its reason in the server's language),
     * or none: for the catalog to say whether the role may read them ({@code has_table_privilege}).
     */
    static List<String> refusedLock(ToolFailedException e) {
        java.util.regex.Matcher m = FAILED_LOCK.matcher(e.stderrTail());
        if (!m.find() || !e.stderrTail().contains("pg_dump: error: query failed: ")) {
            return List.of();
        }
        List<String> names = new java.util.ArrayList<>();
        java.util.regex.Matcher name = Pattern.compile(FailedCreate.NAME).matcher(m.group(1));
        while (name.find()) {
            names.add(name.group());
        }
        return names;
    }

    /** {@code e}, not retryable: the role may not read a table the dump needs, which no retry changes. */
    static ToolFailedException permanent(ToolFailedException e) {
        ToolFailedException permanent = new ToolFailedException(e.tool(), e.exitCode(), e.stderrTail(), false)
                .quoting(e.toolOutput());
        permanent.initCause(e);
        return permanent;
    }

    /**
     * {@code e} with {@link #rowLevelSecurity} after pg_dump's {@code query failed:} line, not retryable: the catalog says
     * row level security is active on the table whose COPY was refused ({@link #refusedCopy}), which a server whose
     * {@code lc_messages} is not English words as "Policy für Sicherheit auf Zeilenebene für Tabelle »t« …".
     */
    static ToolFailedException rowLevelSecurityStopped(ToolFailedException e, String role) {
        return hinted(e, "pg_dump: error: query failed: .*", rowLevelSecurity(role), false);
    }

    /** The server's words when row level security would leave rows out of what pg_dump reads (it sets row_security off). */
    private static final String ROW_LEVEL_SECURITY = "query would be affected by row-level security policy for table";

    /**
     * What to do when pg_dump stops at a table under row level security: the role (pg_read_all_data, say) would read only
     * the rows the table's policies show it, and pg_dump backs up no table in part.
     */
    static String rowLevelSecurity(String role) {
        String who = role == null ? "…" : "\"" + role.replace("\"", "\"\"") + "\"";
        return "the backup role would read only the rows the table's policies show it, and pg_dump backs up no table in "
                + "part: give it BYPASSRLS (ALTER ROLE " + (role != null && role.matches("[a-z_][a-z0-9_$]*") ? role : who)
                + " BYPASSRLS), or back up as the table's owner (without FORCE ROW LEVEL SECURITY) or a superuser";
    }

    /** Whether the server ran out of room in its lock table (its hint names {@code max_locks_per_transaction}). */
    static boolean lockTableFull(ToolFailedException e) {
        return e.stderrTail().contains("max_locks_per_transaction");
    }

    /**
     * Whether a failed psql query failed for want of a connection or of time, not by what it read: killed at its
     * timeout, psql's exit status 2 (the connection to the server went bad), a SQLSTATE of {@link #NOT_THE_QUERY}, or
     * libpq's words for a connection gone. Otherwise (exit 3 with an error the server raised) the query itself failed.
     */
    static boolean notTheQuery(ToolFailedException e) {
        if (e.timedOut() || e.exitCode() == 2) {
            return true;
        }
        if (anyState(e, NOT_THE_QUERY)) {
            return true;
        }
        String s = e.stderrTail().toLowerCase(Locale.ROOT);
        return CONNECTION_GONE.stream().anyMatch(s::contains);
    }

    /** Whether libpq said the connection went away ({@link #CONNECTION_GONE}): the server said nothing of why. */
    static boolean connectionGone(ToolFailedException e) {
        String s = e.stderrTail().toLowerCase(Locale.ROOT);
        return CONNECTION_GONE.stream().anyMatch(s::contains);
    }

    /** Whether the account running the query lacks a privilege (42501) or was refused (class 28, libpq's words). */
    static boolean privilegeDenied(ToolFailedException e) {
        return anyState(e, DENIED) || CONNECTION_DENIED.matcher(e.stderrTail()).find()
                || e.stderrTail().contains(PASSWORD_FROM_FILE_REFUSED);
    }

    /** Whether psql reported an error whose SQLSTATE starts with one of {@code prefixes} (a class, or a whole state). */
    private static boolean anyState(ToolFailedException e, List<String> prefixes) {
        java.util.regex.Matcher m = SQLSTATE.matcher(e.stderrTail());
        while (m.find()) {
            String state = m.group(1);
            if (prefixes.stream().anyMatch(state::startsWith)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The SQLSTATE of the first error psql showed with {@code VERBOSITY verbose} (not a notice's or a warning's: classes
     * 00, 01, 02), or null.
     */
    static String sqlState(ToolFailedException e) {
        java.util.regex.Matcher m = SQLSTATE.matcher(e.stderrTail());
        while (m.find()) {
            String state = m.group(1);
            if (!state.startsWith("00") && !state.startsWith("01") && !state.startsWith("02")) {
                return state;
            }
        }
        return null;
    }

    /** Whether pg_restore failed because the archive it read is damaged or cut short (not the server, not the target). */
    static boolean isDamagedArchive(ToolFailedException e) {
        if (e.timedOut() || !e.tool().startsWith("pg_restore")) {
            return false;
        }
        String s = e.stderrTail().toLowerCase(Locale.ROOT);
        return s.lines().filter(l -> l.startsWith("pg_restore: error:") || l.startsWith("pg_restore: fatal:"))
                .filter(l -> !l.contains("could not execute query")) // the server's error, not the archive's
                .anyMatch(l -> DAMAGED_ARCHIVE.stream().anyMatch(l::contains));
    }

    /**
     * {@code "psql failed (exit 1): <reason>"}: the tool, its exit and {@link #reason}, said once. A tool that died
     * without an error line (killed by a signal) has its whole message as its reason, which names the tool and exit
     * already: "pg_restore failed (exit 137): pg_restore failed (exit 137): killed by SIGKILL …" before.
     */
    static String failed(ToolFailedException e) {
        return failed(e, reason(e));
    }

    /** {@link #failed(ToolFailedException)} with {@code reason} as the reason (a {@link #reason} the caller trimmed). */
    static String failed(ToolFailedException e, String reason) {
        String head = e.head();
        return reason.startsWith(head) ? reason : head + ": " + reason;
    }

    static boolean isPermanent(String stderr) {
        String s = stderr.toLowerCase(Locale.ROOT);
        return PERMANENT.stream().anyMatch(s::contains);
    }

    /**
     * Whether the server answered a connection with a refusal in its own words ({@code connection to server at …
     * failed: FATAL:  …}, the severity word in the server's language), not libpq with its own (refused, timed out).
     */
    static boolean serverRefusedConnection(ToolFailedException e) {
        return SERVER_REFUSED.matcher(e.stderrTail()).find();
    }

    private static final Pattern SERVER_REFUSED = Pattern.compile("connection to server (?:at|on) .*? failed: [^\\s:]+:  \\S");

    static boolean isMissingDatabase(ToolFailedException e) {
        return MISSING_DB.matcher(e.stderrTail()).find();
    }

    /**
     * The line that says why: the first {@code error:}/{@code FATAL:} line with libpq's prefixes removed,
     * e.g. {@code password authentication failed for user "app"}, else psql's last line of a server's message (in the
     * server's language: {@code psql:<stdin>:31: FEHLER:  …}); a full lock table with the fix ({@link #LOCK_TABLE_FULL}).
     */
    static String reason(ToolFailedException e) {
        if (e.cannotRun()) {
            return e.getMessage(); // "psql failed (exit 127): a shared library … needs cannot be loaded …", not a stderr line
        }
        String tail = e.stderrTail();
        String best = null;
        String psqlsLast = null;
        String withState = null;
        for (String line : tail.split("\n")) {
            String l = line.strip();
            if (l.contains("FATAL:") || l.contains("error:") || l.contains("ERROR:")) {
                best = l;
                break;
            }
            if (Severity.PSQL_LINE.matcher(l).find()) {
                psqlsLast = l;
            }
            java.util.regex.Matcher state = SQLSTATE.matcher(l);
            if (withState == null && state.find() && !state.group(1).matches("0[012].*")) {
                withState = l;
            }
        }
        if (best == null) {
            best = psqlsLast; // a server whose lc_messages is not English: psql stopped at its last message (ON_ERROR_STOP)
        }
        if (best == null) {
            best = withState; // ... in a -c command (no psql:<stdin>:N:), shown with its SQLSTATE (VERBOSITY verbose)
        }
        if (best == null) {
            return e.getMessage();
        }
        String stripped = PREFIX.matcher(best).replaceFirst("");
        String why = stripped.isBlank() ? best : stripped;
        if (poolerRefusedOptions(e) && !why.contains(POOLER_REFUSED_OPTIONS)) {
            return why + ": " + POOLER_REFUSED_OPTIONS;
        }
        if (NO_FREE_SLOT.matcher(why).find() && !why.contains(NO_FREE_SLOT_HINT)) {
            return why + ": " + NO_FREE_SLOT_HINT;
        }
        return lockTableFull(e) && !why.contains(LOCK_TABLE_FULL) ? why + ": " + LOCK_TABLE_FULL : why;
    }
}
