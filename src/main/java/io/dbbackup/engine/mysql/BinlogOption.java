package io.dbbackup.engine.mysql;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dump option that writes the binary log position of the dump's snapshot as a comment ({@link BinlogComments}), and
 * the privileges it needs. mariadb-dump against MariaDB with {@code --single-transaction} reads the position of the
 * snapshot itself ({@code binlog_snapshot_file}/{@code _position}): no privilege. Otherwise (mysqldump, or a MySQL server)
 * the tool takes {@code FLUSH TABLES WITH READ LOCK} (RELOAD) and reads {@code SHOW MASTER STATUS} (REPLICATION CLIENT;
 * MariaDB calls it BINLOG MONITOR), and fails without them: then the option is not given.
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
     * The privileges the option needs that {@code held} (the account's global privileges, as
     * {@code information_schema.USER_PRIVILEGES} names them) lacks; empty when it may be given.
     */
    static List<String> missing(ClientFamily.Probe tool, boolean mariaDbServer, Collection<String> held) {
        if (tool.family() == ClientFamily.MARIADB && mariaDbServer) {
            return List.of();
        }
        List<String> missing = new ArrayList<>();
        if (!held.contains("RELOAD")) {
            missing.add("RELOAD");
        }
        if (!held.contains("REPLICATION CLIENT") && !held.contains("BINLOG MONITOR") && !held.contains("SUPER")) {
            missing.add(mariaDbServer ? "BINLOG MONITOR" : "REPLICATION CLIENT");
        }
        return missing;
    }
}
