package io.dbbackup.testkit;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Builds SQLite databases for tests and fingerprints their content. */
public final class SqliteFixture {
    private SqliteFixture() {
    }

    /** A database with a few tables, an index, a view, text with non-ASCII characters and blobs. */
    public static Path create(Path file, int rows) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            st.execute("create table customers(id integer primary key, name text not null, note text, photo blob)");
            st.execute("create table orders(id integer primary key, customer_id integer references customers(id), total real)");
            st.execute("create index orders_customer on orders(customer_id)");
            st.execute("create view big_orders as select * from orders where total > 500");
            c.setAutoCommit(false);
            try (var ps = c.prepareStatement("insert into customers values(?,?,?,?)")) {
                for (int i = 1; i <= rows; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, "Customer " + i + (i % 3 == 0 ? " Zoë 🎁" : ""));
                    ps.setString(3, i % 5 == 0 ? null : "note " + "x".repeat(i % 50));
                    ps.setBytes(4, new byte[] {(byte) i, (byte) (i >> 8), 0, (byte) 0xff});
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (var ps = c.prepareStatement("insert into orders values(?,?,?)")) {
                for (int i = 1; i <= rows * 3; i++) {
                    ps.setInt(1, i);
                    ps.setInt(2, 1 + i % rows);
                    ps.setDouble(3, (i * 7919) % 1000 + 0.25);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
        }
        return file;
    }

    /** Every row of every table, in order, as text: equal fingerprints = identical content. */
    public static List<String> fingerprint(Path file) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("select type, name, sql from sqlite_master where name not like 'sqlite_%' order by name")) {
                while (rs.next()) {
                    out.add(rs.getString(1) + " " + rs.getString(2) + ": " + rs.getString(3));
                    if (rs.getString(1).equals("table")) {
                        tables.add(rs.getString(2));
                    }
                }
            }
            for (String t : tables) {
                try (ResultSet rs = st.executeQuery("select * from \"" + t + "\" order by rowid")) {
                    int n = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        StringBuilder sb = new StringBuilder(t).append('|');
                        for (int i = 1; i <= n; i++) {
                            Object v = rs.getObject(i);
                            sb.append(v instanceof byte[] b ? java.util.HexFormat.of().formatHex(b) : String.valueOf(v)).append('|');
                        }
                        out.add(sb.toString());
                    }
                }
            }
        }
        return out;
    }
}
