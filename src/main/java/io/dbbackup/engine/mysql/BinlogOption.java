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
