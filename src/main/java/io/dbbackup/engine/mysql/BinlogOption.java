package io.dbbackup.engine.mysql;

import io.dbbackup.spi.Engine;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dump option that writes the binary log position of the dump's snapshot as a comment ({@link BinlogComments}), and
 * when it is given unasked. mariadb-dump against MariaDB with {@code --single-transaction} reads the position of the
 * snapshot itself ({@code binlog_snapshot_file}/{@code _position}): no lock, no privilege, so it is given. Otherwise
 * (mysqldump, or a MySQL server) the tool takes {@code FLUSH TABLES WITH READ LOCK} (RELOAD) and reads
 * {@code SHOW MASTER STATUS} (REPLICATION CLIENT): a global read lock that waits behind a long query and stalls every
 * write meanwhile, so it is only taken when the user's {@code extra_args} ask for it ({@code --source-data=2}).
 */
final class BinlogOption {
    private static final Pattern RELEASE = Pattern.compile("^(\\d+)\\.(\\d+)\\.(\\d+)");

    private BinlogOption() {
    }

    /** {@code --source-data=2} for mysqldump 8.0.26 and later (which deprecates the old name), else {@code --master-data=2}. */
    static String of(ClientFamily.Probe tool) {
        if (tool.family() == ClientFamily.MYSQL) {
            Matcher m = RELEASE.matcher(tool.release());
            if (m.find()) {
                int major = Integer.parseInt(m.group(1));
                int minor = Integer.parseInt(m.group(2));
                int patch = Integer.parseInt(m.group(3));
                if (major > 8 || major == 8 && (minor > 0 || patch >= 26)) {
                    return "--source-data=2";
                }
            }
        }
        return "--master-data=2";
    }

    /**
     * Whether {@code extraArgs} turn on {@code --dump-slave}/{@code --dump-replica} (any value but 0, spelled as the tool
     * reads it: any case, {@code _} for {@code -}, a prefix of at least {@code --dump-s}/{@code --dump-r}, behind
     * {@code --loose-}/{@code --enable-}): the dump then writes the position in the binary log of the server this one
     * replicates, in the same words as its own, and the tool ignores {@code --master-data}; no position is recorded.
     */
    static boolean replicaPositionAsked(List<String> extraArgs) {
        boolean on = false;
        for (String arg : extraArgs) {
            java.util.Optional<LongOption> o = LongOption.parse(arg)
                    .filter(x -> x.names("dump-s".length(), "dump-slave", "dump-replica"));
            if (o.isPresent()) {
                on = o.get().on("0");
            }
        }
        return on;
    }

    /**
     * Whether the option costs no lock: mariadb-dump against MariaDB reads the snapshot's own position. Otherwise
     * (mysqldump, or a MySQL server) the tool takes {@code FLUSH TABLES WITH READ LOCK}, and the option is left to the
     * user's {@code extra_args}.
     */
    static boolean lockFree(ClientFamily.Probe tool, boolean mariaDbServer) {
        return tool.family() == ClientFamily.MARIADB && mariaDbServer;
    }

    /**
     * Whether {@code extraArgs} give {@code --master-data}/{@code --source-data} themselves, read as the tool reads them
     * (any case, {@code _} for {@code -}, a prefix of at least {@code --master}/{@code --source}, behind
     * {@code --loose-}/{@code --enable-}; {@code --skip-}/{@code --disable-} or {@code =0} turn it off): on, off, or
     * empty when they do not name it (the last one naming it counts, as for the tool).
     */
    static java.util.Optional<Boolean> askedInExtraArgs(List<String> extraArgs) {
        java.util.Optional<Boolean> asked = java.util.Optional.empty();
        for (String arg : extraArgs) {
            java.util.Optional<LongOption> o = LongOption.parse(arg)
                    .filter(x -> x.names("master".length(), "master-data", "source-data"));
            if (o.isPresent()) {
                asked = java.util.Optional.of(o.get().on("0"));
            }
        }
        return asked;
    }

    /**
     * The {@code binlog position} line of {@code dbbackup check}: whether a backup will record the binary log position of
     * its snapshot, and if not, why and what gets it; a note, except where the dump would fail (extra_args ask for the
     * position of a server without a binary log: the tool stops). {@code logBin}: the server's {@code @@log_bin};
     * {@code lockFree}: {@link #lockFree}; {@code option}: {@link #of} for the tool; {@code tool}: its file name.
     */
    static Engine.CheckNote checkNote(boolean logBin, boolean lockFree, String option, String tool, List<String> extraArgs) {
        java.util.Optional<Boolean> asked = askedInExtraArgs(extraArgs);
        if (!logBin && asked.orElse(false)) {
            return new Engine.CheckNote(WHAT, "extra_args ask for it (" + option + ") but the server writes no binary log "
                    + "(log_bin is OFF): " + tool + " stops ('You are not using binary logging', 'Binlogging on server not "
                    + "active') and the backup fails; remove it from extra_args, or start the server with log_bin", false);
        }
        if (!logBin) {
            return note("not recorded: the server writes no binary log (log_bin is OFF), so a backup has no position to "
                    + "replay from (point-in-time recovery); start the server with log_bin (log-bin in its [mysqld] options) "
                    + "to have it");
        }
        if (replicaPositionAsked(extraArgs)) {
            return note("not recorded: extra_args' --dump-slave/--dump-replica makes the dump write the position of the "
                    + "server this one replicates instead");
        }
        if (asked.isPresent() && !asked.get()) {
            return note("not recorded: extra_args turn it off (" + option.replace("=2", "=0") + ")");
        }
        if (lockFree) {
            return note("recorded: " + tool + " reads it from its consistent snapshot (" + option + ": no lock, no "
                    + "privilege); show prints it on its binlog line");
        }
        if (asked.isPresent()) {
            return note("recorded, as extra_args ask: " + tool + " takes it under FLUSH TABLES WITH READ LOCK, a global "
                    + "read lock held while the snapshot starts (the account needs RELOAD, REPLICATION CLIENT ON *.*)");
        }
        return note("not recorded: with mysqldump, or a MySQL server, " + tool + " takes it only under FLUSH TABLES WITH "
                + "READ LOCK, a global read lock that stalls every write while it waits, never taken unasked; to record it "
                + "add extra_args: [" + option + "] and grant the backup account RELOAD, REPLICATION CLIENT ON *.*");
    }

    /** The name of {@code check}'s line. */
    static final String WHAT = "binlog position";

    private static Engine.CheckNote note(String detail) {
        return new Engine.CheckNote(WHAT, detail, true);
    }
}
