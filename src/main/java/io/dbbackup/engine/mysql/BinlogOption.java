package io.dbbackup.engine.mysql;

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
            String a = arg.strip();
            if (!a.startsWith("--")) {
                continue;
            }
            String[] parts = a.split("=", 2);
            String name = parts[0].substring(2).toLowerCase(java.util.Locale.ROOT).replace('_', '-');
            boolean off = false;
            for (String prefix : List.of("loose-", "enable-", "skip-", "disable-")) {
                if (name.startsWith(prefix)) {
                    off = off || prefix.equals("skip-") || prefix.equals("disable-");
                    name = name.substring(prefix.length());
                }
            }
            if (name.length() >= "dump-s".length() && ("dump-slave".startsWith(name) || "dump-replica".startsWith(name))) {
                on = !off && !(parts.length > 1 && parts[1].strip().equals("0"));
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
}
