package io.dbbackup.engine.postgres;

import io.dbbackup.spi.InPlace;
import io.dbbackup.spi.RestoreOptions;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a failed restore's error line (from {@link PgErrors#reason}) leaves the user to guess, said after it: the objects
 * are there already, or the restoring role — the database's owner on a managed server, no superuser — may not drop
 * another role's schema or large object, or may not set what the backup says of another role; or the target's server
 * lacks a role or a tablespace the backup names, or takes no writes at all.
 */
final class RestoreHint {
    /** {@link PostgresEngine#CLEAN_SQL} refused: its statements run from psql's {@code -c}, so no {@code psql:<stdin>:N:} line number. */
    private static final Pattern NOT_OWNER_OF_CLEANED = Pattern.compile("^must be owner of (?:schema|large object) ");
    /** CREATE EXTENSION of an extension that is not trusted ({@code trusted = true} in its control file), as no superuser. */
    private static final Pattern NOT_TRUSTED = Pattern.compile("permission denied to create extension \"([^\"]+)\"");
    private static final Pattern NOT_MEMBER = Pattern.compile("must be member of role (\"[^\"]+\")");
    /** An owner or a grantee the backup names that the target's cluster lacks (roles are cluster-wide: no dump holds them). */
    private static final Pattern NO_SUCH_ROLE = Pattern.compile("role (\"[^\"]+\") does not exist");

    /**
     * pg_dump puts an object into its tablespace by {@code SET default_tablespace = x}, which the server refuses when
     * there is no such tablespace (its DETAIL saying so is on a line of its own, which the one line shown leaves out): the
     * parameter's name, in any language, then its quoted value: {@code "default_tablespace": "x"}, {@code
     * »default_tablespace«: »x«}, {@code « default_tablespace » : « x »}.
     */
    private static final Pattern NO_SUCH_TABLESPACE = Pattern.compile(
            "default_tablespace[^\\p{L}\\p{N}:]{0,3}:\\s*" + Quoted.OPEN + "(.+?)" + Quoted.CLOSE + "\\s*$");

    private RestoreHint() {
    }

    /**
     * SQLSTATEs of an object that is there already (duplicate_table, _object, _schema, _function, _column, _database,
     * _alias): the server's "already exists", which a server whose {@code lc_messages} is not English words otherwise.
     */
    private static final List<String> DUPLICATE = List.of("42P07", "42710", "42P06", "42723", "42701", "42P04", "42712");
    /** read_only_sql_transaction: "cannot execute CREATE TABLE in a read-only transaction", in any language. */
    private static final String READ_ONLY = "25006";
    /** disk_full: "could not extend file …: No space left on device", in any language (psql shows it with VERBOSITY). */
    private static final String DISK_FULL = "53100";
    /** insufficient_privilege: the clean step's "must be owner of …" in any language. */
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    /** The hint for {@code reason} (with a leading space), or "". */
    static String of(String reason, RestoreOptions options) {
        return of(reason, null, options);
    }

    /**
     * The hint for {@code reason} and the SQLSTATE psql showed for it ({@code sqlState}, null when none: pg_restore shows
     * none), with a leading space, or "".
     */
    static String of(String reason, String sqlState, RestoreOptions options) {
        return of(reason, sqlState, "", options);
    }

    /**
     * {@link #of(String, String, RestoreOptions)}, with the tool's {@code stderr}: a role the target lacks, said in the
     * server's language, is told by psql's {@code LOCATION: get_role_oid} or by the statement pg_restore shows
     * ({@code Command was: ALTER TABLE … OWNER TO x;}) naming the role the message quotes.
     */
    static String of(String reason, String sqlState, String stderr, RestoreOptions options) {
        boolean cleanStep = !reason.startsWith("psql:") && !reason.startsWith("could not execute query");
        if (options.clean() && (NOT_OWNER_OF_CLEANED.matcher(reason).find()
                || INSUFFICIENT_PRIVILEGE.equals(sqlState) && cleanStep)) {
            return " (--clean first drops every user schema and large object in the database, which only their owner, a "
                    + "member of that role or a superuser may: restore as one of them, or have their owner drop them or "
                    + "REASSIGN OWNED them to the restoring role first)";
        }
        Matcher untrusted = NOT_TRUSTED.matcher(reason);
        if (untrusted.find()) {
            return " (extension \"" + untrusted.group(1) + "\" is not a trusted one: only a superuser may create it, and the "
                    + "backup's COMMENT ON EXTENSION needs its owner, so one created beforehand by a superuser fails the "
                    + "restore there: restore as a superuser (on a managed server, its admin role))";
        }
        if (readOnly(reason, sqlState)) {
            return " (the target takes no writes: it is a standby (restore into its primary), or default_transaction_read_only "
                    + "is on for the database or the restoring role: ALTER DATABASE … / ALTER ROLE … SET "
                    + "default_transaction_read_only = off, if it is no longer meant to be read-only)";
        }
        if (DISK_FULL.equals(sqlState) || reason.contains("No space left on device")) {
            // only the server writes in a restore (psql and pg_restore read): the bare errno reads as dbbackup's own disk
            return " (the database server's disk is full: the file system of its data directory (or of the tablespace "
                    + "holding that file) has no room for the restored data; the transaction's rollback gave back what it took"
                    + (options.clean() ? ", and --clean's drops were rolled back too" : "")
                    + ": free space there or grow that volume, then restore again)";
        }
        if (reason.contains(TEMP_FILE_LIMIT)) {
            return TEMP_FILES_CAPPED;
        }
        Matcher space = NO_SUCH_TABLESPACE.matcher(reason);
        if (space.find()) {
            String name = space.group(1);
            String sql = name.matches("[a-z_][a-z0-9_$]*") ? name : "\"" + name.replace("\"", "\"\"") + "\"";
            return " (the backup puts objects in tablespace \"" + name + "\", which the target's server does not have: "
                    + "create it there first, CREATE TABLESPACE " + sql + " LOCATION '…' on an empty folder the server's "
                    + "user owns, and restore again)";
        }
        String absent = missingRole(reason, stderr);
        if (absent != null) {
            return " (the backup names role " + absent + " as an owner or in its grants, and roles are in no "
                    + "database's backup: restore them first from a roles backup (method: roles) or create them, or leave "
                    + "them out with no_owner: true (owners) and no_privileges: true (grants, default privileges) on the "
                    + "datasource restored into — a plain backup must be taken with them)";
        }
        Matcher member = NOT_MEMBER.matcher(reason);
        if (member.find()) {
            String role = member.group(1);
            return " (the backup names role " + role + " as an owner or in its grants or default privileges, which only a "
                    + "superuser or a member of " + role + " may set: restore as one, or leave them out with no_owner: true "
                    + "(owners) and no_privileges: true (grants, default privileges) on the datasource — a plain backup "
                    + "must be taken with them)";
        }
        if (options.clean() || !reason.contains("already exists") && (sqlState == null || !DUPLICATE.contains(sqlState))) {
            return "";
        }
        return alreadyThere(options);
    }

    /**
     * The role (quoted, {@code "x"}) the target's server said does not exist: its English words, or, in another language,
     * the name its message quotes when psql's {@code LOCATION} is {@code get_role_oid} or the statement pg_restore shows
     * gives that name to OWNER TO, GRANT … TO, REVOKE … FROM or FOR ROLE; null otherwise.
     */
    static String missingRole(String reason, String stderr) {
        Matcher english = NO_SUCH_ROLE.matcher(reason);
        if (english.find()) {
            return english.group(1);
        }
        Matcher quoted = Quoted.ANY.matcher(reason);
        if (!quoted.find()) {
            return null;
        }
        String name = quoted.group(1);
        String ident = name.matches("[a-z_][a-z0-9_$]*") ? name : "\"" + name.replace("\"", "\"\"") + "\"";
        boolean named = stderr.lines().anyMatch(l -> l.strip().startsWith("LOCATION:") && l.contains(" get_role_oid,"))
                || stderr.lines().filter(l -> l.startsWith("Command was: "))
                        .anyMatch(l -> Pattern.compile("\\b(?:OWNER TO|TO|FROM|FOR ROLE|AUTHORIZATION) (?:[^;]*, )?"
                                + Pattern.quote(ident) + "(?:[,;]|$| WITH| GRANTED)").matcher(l).find());
        return named ? "\"" + name + "\"" : null;
    }

    /** Quotes of the server's messages in any language around a name: "x", »x«, „x“, « x », 'x'. */
    private static final class Quoted {
        static final String OPEN = "[\"»«„“‚‘'‹›]\\s*";
        static final String CLOSE = "\\s*[\"»«“”‘’'‹›]";
        static final Pattern ANY = Pattern.compile(OPEN + "([^\"»«„“”‚‘’'‹›]+?)" + CLOSE);
    }

    /** Whether the server refused a write as read-only (a standby's refusal, or default_transaction_read_only's). */
    static boolean readOnly(String reason, String sqlState) {
        return READ_ONLY.equals(sqlState) || reason.contains("in a read-only transaction");
    }

    /**
     * What follows a failed restore on a server in recovery ({@code pg_is_in_recovery()}, asked of the target after the
     * failure: a standby refuses every write, CREATE DATABASE of a missing target too, in its own language).
     */
    static final String STANDBY = " (the target's server is a hot standby, in recovery (pg_is_in_recovery() is true), "
            + "which takes no writes: restore into its primary, or promote it first if it is meant to take over)";

    /**
     * What follows a refused CREATE DATABASE of the missing target (insufficient_privilege, in any language): the role
     * has no CREATEDB, as a database owner on a managed server often has not.
     */
    static final String MAY_NOT_CREATE_DATABASE = " (the restoring role may not create databases (no CREATEDB): have the "
            + "database created for it first, CREATE DATABASE … OWNER <the role>, or restore as a role that may)";

    /**
     * What follows a restore whose connection went away without a word from the server (libpq's "server closed the
     * connection unexpectedly"): most often the server crashed and restarted, as it does on a PANIC when pg_wal's disk
     * fills up ("could not write to file \"pg_wal/xlogtemp.N\": No space left on device"), which stops every session.
     */
    static final String SERVER_WENT_AWAY = " (the server ended the connection in the middle of the restore without saying "
            + "why: it crashed or was restarted — a full disk under pg_wal makes it PANIC and restart, ending every session "
            + "— or an administrator or the network cut the session; the server's log says which: free space there if its "
            + "disk is full, then restore again)";

    /** The setting's name, in the server's message in any language: "temporary file size exceeds temp_file_limit (1024kB)". */
    private static final String TEMP_FILE_LIMIT = "temp_file_limit";

    /**
     * What follows the server's "temporary file size exceeds temp_file_limit": a restore's CREATE INDEX and ADD CONSTRAINT
     * sort a big table on disk. Not set aside by dbbackup as statement_timeout is: only a superuser may set it, and a
     * setting the role may not set in {@code PGOPTIONS} fails the connection itself.
     */
    static final String TEMP_FILES_CAPPED = " (temp_file_limit, set on the restoring role, the database or the server, caps "
            + "the temporary files one statement may write, and the restore's CREATE INDEX or ADD CONSTRAINT of a big table "
            + "sorts on disk: have a superuser lift it for the restoring role (ALTER ROLE … SET temp_file_limit = -1) or "
            + "restore as a superuser; only a superuser may set it, so dbbackup does not)";

    /**
     * The extension's control file the server could not open, in its message or its DETAIL (a path, whatever its
     * language, in its quotes: {@code "…"}, {@code »…«}): {@code /usr/share/postgresql/15/extension/postgis.control}.
     */
    private static final Pattern NO_CONTROL_FILE = Pattern.compile("(/[^\\s\"»«“”']*)/extension/([^/\\s\"»«“”']+)\\.control\\b");

    /**
     * The hint for a {@code CREATE EXTENSION} the target's server refused because it does not have the extension's files
     * ({@code stderr} names the control file it could not open), with a leading space, or "": which extension, where it
     * is missing, and the package that brings it on Debian/Ubuntu for the server's {@code major} version; or, when the
     * server has its control file but not its shared library, {@link #missingLibrary}.
     */
    static String missingExtension(String stderr, String major) {
        Matcher m = NO_CONTROL_FILE.matcher(stderr);
        if (!m.find()) {
            return missingLibrary(stderr, major);
        }
        String name = m.group(2);
        String word = searchWord(name);
        return " (the backup uses extension \"" + name + "\", which the target's server does not have (no " + name
                + ".control in " + m.group(1) + "/extension): install it on that server and restore again; on Debian/Ubuntu "
                + "its package is postgresql-" + major + "-… (apt-cache search postgresql-" + major + " | grep -i " + word
                + "), a contrib one (pg_trgm, hstore, …) comes with postgresql-contrib (postgresql" + major.replace(".", "")
                + "-contrib on RHEL); a managed server lists those it allows)";
    }

    /**
     * A shared library the server could not find, as {@code CREATE EXTENSION} (from the extension's script) or a C
     * function's {@code CREATE FUNCTION} names it: {@code could not access file "$libdir/postgis-3": No such file or
     * directory} (SQLSTATE 58P01); {@code $libdir} stays as written whatever the server's language.
     */
    private static final Pattern NO_LIBRARY = Pattern.compile("\\$libdir/([^\\s\"»«“”']+)");
    /** pg_restore's (untranslated) {@code Command was:} line of a failed {@code CREATE EXTENSION}. */
    private static final Pattern CREATED_EXTENSION = Pattern.compile(
            "(?m)^Command was: CREATE EXTENSION (?:IF NOT EXISTS )?(\"[^\"]+\"|[^\\s;]+)");

    /**
     * The hint for a restore the target's server refused because an extension's control file and script are there but
     * not its shared library ({@code stderr} names {@code $libdir/…}): a package installed in part or for another major.
     * Which library, where it is missing (the server's {@code pg_config --pkglibdir}) and the package for {@code major}.
     */
    private static String missingLibrary(String stderr, String major) {
        Matcher m = NO_LIBRARY.matcher(stderr);
        if (!m.find()) {
            return "";
        }
        String library = m.group(1);
        Matcher created = CREATED_EXTENSION.matcher(stderr);
        String of = created.find() ? "extension " + (created.group(1).startsWith("\"") ? created.group(1)
                : "\"" + created.group(1) + "\"") + "'s" : "an extension's (or a C function's)";
        return " (the backup needs " + of + " shared library " + library + ".so, which the target's server does not have "
                + "in its library folder (pg_config --pkglibdir on that server; /usr/lib/postgresql/" + major + "/lib on "
                + "Debian/Ubuntu) though it may have the extension's other files: a package installed in part, or for "
                + "another major version; install the extension's package for PostgreSQL " + major + " there (on "
                + "Debian/Ubuntu postgresql-" + major + "-…: apt-cache search postgresql-" + major + " | grep -i "
                + searchWord(library) + ") and restore again; a managed server lists those it allows)";
    }

    /** What to look for in a package list: {@code postgis-3} → {@code postgis}, {@code pg_cron} → {@code cron}. */
    private static String searchWord(String name) {
        String word = name.startsWith("pg_") ? name.substring(3) : name;
        return word.replaceFirst("-[0-9.]+$", "");
    }

    /** The hint for an object the target holds already (with a leading space); "" after {@code --clean}. */
    static String alreadyThere(RestoreOptions options) {
        if (options.clean()) {
            return "";
        }
        return options.partial() ? " (" + (options.dataOnly() ? InPlace.NOT_A_TABLE
                : InPlace.TABLE) + "; --clean does not combine with --table or --schema)"
                : " (the target already holds these objects: restore with --clean to replace them)";
    }
}
