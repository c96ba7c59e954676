package io.dbbackup.engine.postgres;

import java.util.Locale;

/**
 * What {@code check} says when the server would not close a WAL segment for it: a standby (in recovery, as
 * {@code pg_is_in_recovery()} says — not an error's text, which the server's lc_messages translates) cannot switch
 * WAL or write a record at all, whatever its grants — its primary is the server to check; a role without the right
 * gets the GRANT that lets it; anything else is the server's own reason.
 */
final class WalSwitchRefusal {
    private WalSwitchRefusal() {
    }

    /** A standby ({@code pg_is_in_recovery()}, asked before any switch is tried). */
    static final String STANDBY = "not checked: the server is a standby (pg_is_in_recovery() is true): a standby cannot switch WAL; "
            + "check the job against its primary, or read pg_stat_archiver on it (a standby archives only with "
            + "archive_mode = always)";

    /** {@code step}: what failed (e.g. "the server refused pg_switch_wal()"); {@code reason}: the server's error line. */
    static String note(String step, String reason, String user) {
        String r = reason.toLowerCase(Locale.ROOT);
        if (r.contains("permission denied") || r.contains("must be superuser")) {
            return "not checked: " + step + " (" + reason + "); GRANT EXECUTE ON FUNCTION pg_switch_wal() TO " + user
                    + " lets check test archiving end to end";
        }
        return "not checked: " + step + " (" + reason + ")";
    }
}
