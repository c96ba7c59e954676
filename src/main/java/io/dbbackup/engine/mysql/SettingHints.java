package io.dbbackup.engine.mysql;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a refusal by a server setting or an account limit leaves unsaid: which setting refused, and the way past it, as
 * the end of the error's one line (after {@code " — "}), or {@code ""} when the error is no such one. Read by the error's
 * number, so a server whose {@code lc_messages} words it in another language gets the same hint.
 */
final class SettingHints {
    /**
     * The hourly limit a 1226 names ({@code 'max_queries_per_hour'}; MySQL: {@code 'max_questions'}), its name English in
     * every language; {@code 'max_user_connections'} (another session of the account) is none of them.
     */
    static final Pattern HOURLY = Pattern.compile("'(max_questions|max_updates|max_connections_per_hour|max_queries_per_hour"
            + "|max_updates_per_hour)'");
    /**
     * The resource a 1226 names when the account's own {@code MAX_USER_CONNECTIONS} are all in use (its name English in
     * every language); the server's {@code max_user_connections}, for an account without a limit of its own, is 1203.
     */
    private static final String SESSIONS = "'max_user_connections'";
    /** The {@code ALTER USER … WITH} option of each: MySQL's resource names are not its options'. */
    private static final Map<String, String> OPTION = Map.of("max_questions", "MAX_QUERIES_PER_HOUR", "max_updates",
            "MAX_UPDATES_PER_HOUR");

    private SettingHints() {
    }

    /**
     * Whether {@code stderr} tells of a server that refuses every write of the account ({@code ERROR 1290 … --read-only}):
     * a load that stopped there changed nothing.
     */
    static boolean readOnly(String stderr) {
        String s = String.valueOf(stderr);
        return MySqlErrors.errorNumbers(s).contains(1290) && (s.contains("read-only") || s.contains("read_only"));
    }

    /** The hint for the server error {@code stderr} tells, or {@code ""}. */
    static String of(String stderr) {
        String s = String.valueOf(stderr);
        java.util.Set<Integer> numbers = MySqlErrors.errorNumbers(s);
        if (numbers.contains(1184) && s.contains("init_connect")) {
            return " — the server's init_connect (the SQL it runs at each login of an account without the CONNECTION "
                    + "ADMIN or SUPER privilege) failed for this account, so every login is refused (the server's error log says "
                    + "why): fix init_connect, or grant the account what it needs";
        }
        if (numbers.contains(1226)) {
            Matcher m = HOURLY.matcher(s);
            if (m.find()) {
                String option = OPTION.getOrDefault(m.group(1), m.group(1).toUpperCase(Locale.ROOT));
                return " — the account's hourly limit (" + option + ") is used up, and no retry gets past it before the hour "
                        + "is over: ALTER USER (the account) WITH " + option + " 0 lifts it";
            }
        }
        if (s.contains("Errcode: 28 ") || numbers.contains(1021)) { // errno 28 ENOSPC; 1021 "Disk full (…)"
            return " — the server's disk is full: the file system of its datadir (or tmpdir) has no room left: free space "
                    + "there or grow that volume, then run it again";
        }
        if (numbers.contains(1114)) { // "The table 't' is full": InnoDB's word for a datadir without room, most often
            return " — the server's disk is most likely full: the file system of its datadir has no room left for the "
                    + "table's rows (else a cap: innodb_data_file_path's max, or max_heap_table_size for a MEMORY table): "
                    + "free space there or grow that volume (or raise the cap), then run it again";
        }
        if (numbers.contains(3159)) {
            return " — the server accepts only TLS connections (require_secure_transport=ON): set ssl_mode: required on the "
                    + "datasource (verify_identity with ssl_ca to check the server as well)";
        }
        if (readOnly(s)) {
            return " — the server is read-only (read_only or super_read_only is ON: a replica?): restore into the primary, or "
                    + "SET GLOBAL read_only = OFF on this server if it is meant to take writes";
        }
        if (numbers.contains(1040)) {
            return " — every connection the server allows (max_connections) is taken: a retry may find one free; if it stays "
                    + "full, find who holds them (SHOW PROCESSLIST as an account with PROCESS, or as root: an account with "
                    + "SUPER or CONNECTION ADMIN gets one more), or raise it (SET GLOBAL max_connections)";
        }
        if (numbers.contains(1203)) {
            return " — the account already holds as many connections as the server's max_user_connections allows each "
                    + "account that has no MAX_USER_CONNECTIONS of its own: a retry may find one free; if it stays full, find "
                    + "the account's other sessions (SHOW PROCESSLIST), give the account a limit of its own (ALTER USER "
                    + "(the account) WITH MAX_USER_CONNECTIONS n), or raise the server's (SET GLOBAL max_user_connections)";
        }
        if (numbers.contains(1226) && s.contains(SESSIONS)) {
            return " — the account's own MAX_USER_CONNECTIONS are all held by its other sessions: a retry may find one "
                    + "free; if it stays full, find them (SHOW PROCESSLIST), or raise it (ALTER USER (the account) WITH "
                    + "MAX_USER_CONNECTIONS n; 0 falls back to the server's max_user_connections)";
        }
        if (numbers.contains(1173) || numbers.contains(3750)) {
            return " — the server refuses a table without a primary key (MariaDB: innodb_force_primary_key = ON; MySQL: "
                    + "sql_require_primary_key = ON), and the backup holds such a table: turn the setting off while restoring "
                    + "(SET GLOBAL), or give the table a primary key in the source";
        }
        if (numbers.contains(2013) && s.contains("when dumping table")) {
            return " — the server dropped the connection while it sent the dump rows: it was stopped or restarted (its "
                    + "error log says), the connection was killed (KILL), or the store or the network took the rows slower "
                    + "than the dump for longer than the server's net_write_timeout (60 s by default) — for that one, raise "
                    + "it for backups (SET GLOBAL net_write_timeout = 600), or back up to a faster store";
        }
        return "";
    }
}
