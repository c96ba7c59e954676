package io.dbbackup.engine.sqlite;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.spi.InPlace;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.RestoreOptions;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Part of a SQLite backup into the live database, in one transaction: the backup is written to the scratch folder and
 * checked ({@code PRAGMA integrity_check}), attached to a connection on the target, and each chosen table is created
 * from the backup's own {@code CREATE TABLE} (then filled, then given its indexes and triggers) or, rows only, filled
 * into the table that exists; a chosen view, after the tables, from its own {@code CREATE VIEW} (and its triggers). A
 * table or view that exists (without {@code --data-only}), a duplicate key, a missing column: rolled back, the target as
 * it was. The rest of the target — every other table — is never touched, unlike a whole
 * restore, which replaces the file.
 */
final class TableRestore {
    private TableRestore() {
    }

    /**
     * A sink for the restore's checking pass: a scratch copy whose tables are checked against the selection on close,
     * {@code checkFile}: after the copy is checked as {@code verify --deep} checks it ({@link SqliteEngine#checkCopy}; a
     * dry run's, which checks the file as its restore will); the copy deleted then, also when a check fails.
     */
    static OutputStream checker(RestoreOptions selection, boolean checkFile, OperationContext ctx) throws IOException {
        Files.createDirectories(ctx.scratchDir());
        Path copy = ctx.scratchDir().resolve("tables-" + UUID.randomUUID() + ".sqlite");
        return new FilterOutputStream(Files.newOutputStream(copy, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                try {
                    super.close();
                    if (checkFile) {
                        ctx.cancellation().throwIfCancelled();
                        ctx.log().info("backup is a readable database", "result", SqliteEngine.checkCopy(copy, ctx));
                    }
                    requireTables(copy, selection);
                } finally {
                    Files.deleteIfExists(copy);
                }
            }
        };
    }

    private static void requireTables(Path copy, RestoreOptions selection) throws IOException {
        Set<String> tables;
        Set<String> views;
        try (Connection c = SqliteEngine.open(copy, true)) {
            tables = names(c, "main", "table");
            views = names(c, "main", "view");
        } catch (SQLException e) {
            throw new io.dbbackup.codec.IntegrityException("the backup's tables cannot be read: " + e.getMessage(), e);
        }
        List<String> missing = new ArrayList<>();
        for (String t : selection.tables()) {
            if (views.contains(t)) {
                if (selection.dataOnly()) {
                    missing.add("rows of view " + t + " (a view has none: --data-only loads tables' rows)");
                }
            } else if (!tables.contains(t)) {
                missing.add("table " + t);
            }
        }
        if (!missing.isEmpty()) {
            throw DbBackupException.user("the backup holds no " + String.join(", no ", missing) + " (it holds "
                    + (tables.isEmpty() ? "no tables" : "tables " + String.join(", ", tables))
                    + (views.isEmpty() ? "" : "; views " + String.join(", ", views)) + "); nothing was restored");
        }
    }

    /** {@code lockTimeout}: how long its transaction waits for each lock an application holds (the datasource's {@code lock_timeout}). */
    static void restore(InputStream in, Path target, RestoreOptions options, java.time.Duration lockTimeout,
                        OperationContext ctx) throws IOException {
        try (ScratchCopy scratch = ScratchCopy.of(in, "restore-part", ctx)) {
            Path copy = scratch.file();
            SqliteEngine.checkIntegrity(copy, "the backup", ctx.cancellation());
            try (Connection c = SqliteEngine.open(target, false, lockTimeout, ctx.cancellation()); Statement st = c.createStatement()) {
                st.execute("ATTACH DATABASE '" + copy.toString().replace("'", "''") + "' AS backup");
                try {
                    st.execute("BEGIN IMMEDIATE");
                    try {
                        Set<String> views = names(c, "backup", "view");
                        // every table's rows: full-text indexes' own tables (shadow tables) are filled by the index
                        // itself as its rows go in; copied too, they collided with it (fts_config: UNIQUE failed)
                        List<String> tables = options.tables().isEmpty() ? withoutShadowTables(c)
                                : options.tables().stream().filter(t -> !views.contains(t)).toList();
                        for (String t : tables) {
                            copyTable(c, t, options.dataOnly(), ctx);
                        }
                        for (String v : options.tables()) {
                            if (views.contains(v)) {
                                createView(c, v, ctx); // after the tables, which it may read
                            }
                        }
                        st.execute("COMMIT");
                    } catch (SQLException | IOException | RuntimeException e) {
                        st.execute("ROLLBACK");
                        throw e;
                    }
                } finally {
                    st.execute("DETACH DATABASE backup");
                }
            } catch (SQLException e) {
                throw new IOException("restore of " + options.describeSelection() + " into SQLite " + target
                        + " failed and was rolled back (nothing was applied): " + e.getMessage() + inPlace(e, options), e);
            }
        }
    }

    /** SQLite's words for an object of that name in the target: {@code table orders already exists}. */
    private static final java.util.regex.Pattern IN_PLACE =
            java.util.regex.Pattern.compile("\\b(table|view|index|trigger) .+? already exists");

    /**
     * The ways on after a restore in part met an object in place (with a leading {@code "; "}), or "": a table's rows may
     * go into the one there ({@code --data-only}); a view, an index or a trigger holds none.
     */
    static String inPlace(SQLException e, RestoreOptions options) {
        java.util.regex.Matcher m = IN_PLACE.matcher(String.valueOf(e.getMessage()));
        if (options.dataOnly() || !m.find()) {
            return "";
        }
        return "; " + (m.group(1).equals("table") ? InPlace.TABLE : InPlace.NOT_A_TABLE);
    }

    private static void copyTable(Connection c, String table, boolean dataOnly, OperationContext ctx)
            throws SQLException, IOException {
        ctx.cancellation().throwIfCancelled();
        List<String> after = new ArrayList<>();
        try (Statement st = c.createStatement()) {
            if (dataOnly) {
                // rows that were in the backup must not fire the target's triggers again (an audit table would get every
                // row twice): dropped for the copy and made again after it, in the same transaction
                List<String> names = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("select name, sql from main.sqlite_master "
                        + "where type = 'trigger' and tbl_name = ? and sql is not null order by rowid")) {
                    ps.setString(1, table);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            names.add(rs.getString(1));
                            after.add(rs.getString(2));
                        }
                    }
                }
                for (String name : names) {
                    st.execute("drop trigger main." + quote(name));
                }
            } else {
                try (PreparedStatement ps = c.prepareStatement("select type, sql from backup.sqlite_master where tbl_name = ? "
                        + "and sql is not null and type in ('table', 'index', 'trigger') order by type = 'table' desc, rowid")) {
                    ps.setString(1, table);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            if ("table".equals(rs.getString(1))) {
                                st.execute(rs.getString(2)); // into main: a table that exists fails here
                            } else {
                                after.add(rs.getString(2)); // indexes and triggers once the rows are in
                            }
                        }
                    }
                }
            }
            String columns = String.join(", ", columns(c, table).stream().map(TableRestore::quote).toList());
            st.execute("insert into main." + quote(table) + " (" + columns + ") select " + columns + " from backup." + quote(table));
            for (String sql : after) {
                st.execute(sql);
            }
            keepSequenceAhead(c, table);
        }
    }

    /**
     * An AUTOINCREMENT table's high-water mark ({@code sqlite_sequence}) as the backup had it when it is ahead of the
     * target's: the copy's rows alone set it to their largest id, and ids handed out before (rows deleted since) would
     * be handed out again.
     */
    private static void keepSequenceAhead(Connection c, String table) throws SQLException {
        if (!hasTable(c, "backup", "sqlite_sequence") || !hasTable(c, "main", "sqlite_sequence")) {
            return;
        }
        Long seq = null;
        try (PreparedStatement ps = c.prepareStatement("select seq from backup.sqlite_sequence where name = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    seq = rs.getLong(1);
                }
            }
        }
        if (seq == null) {
            return;
        }
        try (PreparedStatement up = c.prepareStatement("update main.sqlite_sequence set seq = max(seq, ?) where name = ?")) {
            up.setLong(1, seq);
            up.setString(2, table);
            if (up.executeUpdate() == 0) {
                try (PreparedStatement ins = c.prepareStatement("insert into main.sqlite_sequence (name, seq) values (?, ?)")) {
                    ins.setString(1, table);
                    ins.setLong(2, seq);
                    ins.executeUpdate();
                }
            }
        }
    }

    private static boolean hasTable(Connection c, String schema, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select 1 from " + schema + ".sqlite_master where type = 'table' and name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The backup's tables, virtual ones included, without the tables a virtual table keeps for itself. */
    private static List<String> withoutShadowTables(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select name from pragma_table_list where schema = 'backup' "
                + "and type in ('table', 'virtual') and name not like 'sqlite\\_%' escape '\\' order by name")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** A view from the backup's own {@code CREATE VIEW}, with its triggers; a view or table of that name in place fails it. */
    private static void createView(Connection c, String view, OperationContext ctx) throws SQLException, IOException {
        ctx.cancellation().throwIfCancelled();
        try (Statement st = c.createStatement();
             PreparedStatement ps = c.prepareStatement("select sql from backup.sqlite_master where tbl_name = ? "
                     + "and sql is not null and type in ('view', 'trigger') order by type = 'view' desc, rowid")) {
            ps.setString(1, view);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    st.execute(rs.getString(1));
                }
            }
        }
    }

    /** The columns that hold values (generated columns are computed again). */
    private static List<String> columns(Connection c, String table) throws SQLException {
        List<String> cols = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select name from pragma_table_xinfo(?, 'backup') where hidden = 0 order by cid")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    cols.add(rs.getString(1));
                }
            }
        }
        return cols;
    }

    private static Set<String> names(Connection c, String schema, String type) throws SQLException {
        Set<String> names = new TreeSet<>();
        try (PreparedStatement ps = c.prepareStatement("select name from " + schema + ".sqlite_master where type = ? and name not like 'sqlite\\_%' escape '\\'")) {
            ps.setString(1, type);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    private static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
