package io.dbbackup.engine.mysql;

import io.dbbackup.testkit.MariaDbServer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything that must survive a dump and restore, read from a live database: per table the
 * {@code CHECKSUM TABLE} value and a SHA-256 of all rows in primary-key order, and the
 * {@code SHOW CREATE} text of every table, view, procedure, function, trigger and event (which
 * carries AUTO_INCREMENT positions, FKs, generated columns, definers, sql_mode and collations).
 */
final class Fingerprint {
    private Fingerprint() {
    }

    static Map<String, String> of(MariaDbServer server, String database) throws Exception {
        Map<String, String> f = new TreeMap<>();
        try (Connection c = server.connect(database); Statement st = c.createStatement()) {
            for (String[] t : list(st, "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()")) {
                String name = t[0];
                if (t[1].equals("VIEW")) {
                    f.put("view " + name, show(st, "SHOW CREATE VIEW `" + name + "`", database));
                    continue;
                }
                f.put("table " + name, show(st, "SHOW CREATE TABLE `" + name + "`", database));
                try (ResultSet rs = st.executeQuery("CHECKSUM TABLE `" + name + "`")) {
                    rs.next();
                    f.put("checksum " + name, rs.getString(2));
                }
                f.put("rows " + name, rowHash(st, name));
            }
            for (String[] r : list(st, "SELECT ROUTINE_TYPE, ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE()")) {
                f.put(r[0].toLowerCase() + " " + r[1], show(st, "SHOW CREATE " + r[0] + " `" + r[1] + "`", database));
            }
            for (String[] r : list(st, "SELECT TRIGGER_NAME, '' FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()")) {
                f.put("trigger " + r[0], show(st, "SHOW CREATE TRIGGER `" + r[0] + "`", database));
            }
            for (String[] r : list(st, "SELECT EVENT_NAME, '' FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE()")) {
                f.put("event " + r[0], show(st, "SHOW CREATE EVENT `" + r[0] + "`", database));
            }
            f.put("database", show(st, "SHOW CREATE DATABASE `" + database + "`", database));
        }
        return f;
    }

    private static List<String[]> list(Statement st, String sql) throws SQLException {
        List<String[]> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        return out;
    }

    /** All columns of the SHOW CREATE row but the object's creation time, database name normalised. */
    private static String show(Statement st, String sql, String database) throws SQLException {
        StringBuilder b = new StringBuilder();
        try (ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            rs.next();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                String label = md.getColumnLabel(i);
                if (label.equalsIgnoreCase("Created") || label.equalsIgnoreCase("Database")) {
                    continue;
                }
                b.append(label).append('=').append(rs.getString(i)).append('\n');
            }
        }
        return b.toString().replace("`" + database + "`", "`<db>`");
    }

    private static String rowHash(Statement st, String table) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        long rows = 0;
        try (ResultSet rs = st.executeQuery("SELECT * FROM `" + table + "` ORDER BY 1")) {
            ResultSetMetaData meta = rs.getMetaData();
            int n = meta.getColumnCount();
            while (rs.next()) {
                rows++;
                for (int i = 1; i <= n; i++) {
                    int type = meta.getColumnType(i);
                    boolean binary = type == java.sql.Types.BINARY || type == java.sql.Types.VARBINARY
                            || type == java.sql.Types.LONGVARBINARY || type == java.sql.Types.BLOB;
                    String s = binary ? null : rs.getString(i);
                    byte[] v = binary ? rs.getBytes(i) : s == null ? null : s.getBytes(StandardCharsets.UTF_8);
                    md.update(v == null ? new byte[] {(byte) 0xFF, 0} : v);
                    md.update((byte) 0);
                }
                md.update((byte) '\n');
            }
        }
        md.update(Long.toString(rows).getBytes(StandardCharsets.US_ASCII));
        return rows + " rows " + HexFormat.of().formatHex(md.digest());
    }
}
