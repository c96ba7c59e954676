package io.dbbackup.engine.mysql;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the source's binary log stood at the dump's consistent snapshot: the file and position a point-in-time replay
 * ({@code mariadb-binlog --start-position}) starts at, and MariaDB's GTID position there (null when the dump gave none).
 * Recorded as the manifest facts {@link #FILE}, {@link #POSITION} and {@link #GTID}.
 */
record BinlogPosition(String file, long position, String gtid) {
    static final String FILE = "binlog_file";
    static final String POSITION = "binlog_position";
    static final String GTID = "binlog_gtid";

    Map<String, String> facts() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put(FILE, file);
        f.put(POSITION, Long.toString(position));
        if (gtid != null) {
            f.put(GTID, gtid);
        }
        return f;
    }
}
