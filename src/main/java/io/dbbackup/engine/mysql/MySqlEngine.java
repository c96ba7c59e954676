package io.dbbackup.engine.mysql;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.DumpFormat;
import io.dbbackup.core.Human;
import io.dbbackup.spi.DumpInfo;
import io.dbbackup.spi.DumpTail;
import io.dbbackup.spi.Engine;
import io.dbbackup.spi.Location;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.RestoreOptions;
import io.dbbackup.spi.ScriptLines;
import io.dbbackup.spi.TargetState;
import io.dbbackup.spi.ToolFailedException;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * MySQL and MariaDB through their own tools: {@code mysqldump}/{@code mariadb-dump} writes plain SQL,
 * {@code mysql}/{@code mariadb} loads it and answers the few catalog queries (version, missing
 * databases, non-transactional tables, what a restore target holds). The password travels only in
 * a 0600 option file that exists for the length of one operation.
 */
public final class MySqlEngine implements Engine {
    /** Engines {@code --single-transaction} covers; tables of any other engine make the dump inconsistent. */
    static final List<String> TRANSACTIONAL = List.of("InnoDB", "RocksDB", "TokuDB", "ndbcluster", "SEQUENCE");
    static final List<String> SYSTEM_SCHEMAS = List.of("mysql", "information_schema", "performance_schema", "sys");
    /** The first line of every dump this engine writes. */
    static final String HEADER_START = "-- dbbackup: ";
    /** The second line of a one-database dump (no database name in the SQL). */
    static final String ONE_DATABASE_MARK = "-- one database without its name";
    /**
     * The start of the header's line that gives the database loaded into the source's default character set and collation
     * ({@link #header}); a restore in part leaves it out ({@link TableSelection}).
     */
    static final String DATABASE_DEFAULTS = "/*!40101 ALTER DATABASE ";

    private final MySqlSettings s;
    private final MySqlClient client;

    public MySqlEngine(MySqlSettings settings) {
        this.s = settings;
        this.client = new MySqlClient(settings);
    }

    public MySqlSettings settings() {
        return s;
    }

    @Override
    public String database() {
        return s.keyName();
    }

    @Override
    public DumpFormat format() {
        return DumpFormat.SQL;
    }

    @Override
    public String describe() {
        return s.flavor().type() + " " + s.scope().describe() + " on " + s.address();
    }

    /**
     * The client's failure without the server it names first: {@code mariadb HOST:PORT: ERROR …} (a permanent failure)
     * and {@code mariadb against HOST:PORT failed: ERROR …} (one the job may retry) are both {@code ERROR …} after the
     * restore's {@code … into mariadb DB on HOST:PORT failed: }.
     */
    @Override
    public String withoutTheTargetNamed(String said) {
        for (String named : new String[] {s.flavor().type() + " " + s.address() + ": ", " against " + s.address() + " failed: "}) {
            int at = said.indexOf(named);
            if (at >= 0 && (at == 0 || !said.substring(0, at).contains(" "))) { // the first words: "mariadb against …"
                return said.substring(at + named.length());
            }
        }
        return said;
    }

    /** MySQL and MariaDB dumps load into each other's servers: one dialect. */
    @Override
    public String dialect() {
        return "mysql";
    }

    @Override
    public String location() {
        return where().text();
    }

    /**
     * The server by its addresses (a socket is this machine, on a port the configuration does not give), its port and
     * the databases, case-sensitively as on Linux: each one of a list, or every database of the server.
     */
    @Override
    public Location where() {
        String text = "mysql://" + s.address() + "/" + s.scope().describe();
        String host = s.socket() != null ? s.socket().toString() : s.host();
        int port = s.socket() != null ? 0 : s.port();
        return s.scope().kind() == Scope.Kind.ALL ? Location.everyDatabase(text, "mysql", host, port)
                : Location.server(text, "mysql", host, port, s.scope().databases());
    }

    /**
     * What a backup does before its dump: the source as a restore target sees it, the dump tool found and
     * answering, the server's version and the tables outside the consistent snapshot.
     */
    @Override
    public String check(OperationContext ctx) throws IOException {
        String holds = Engine.super.check(ctx);
        Path tool = client.dumpTool();
        try (DefaultsFile defaults = DefaultsFile.create(ctx.scratchDir(), s.password())) {
            ClientFamily.Probe probe = client.probe(tool, ctx);
            Preflight pre = preflight(defaults, ctx);
            return holds + "; server " + pre.version() + ", " + tool.getFileName() + " " + probe.release() + " (" + tool + ")"
                    + (pre.nonTransactional().isEmpty() ? "" : "; outside the consistent snapshot, "
                    + Human.count(pre.nonTransactional().size(), "non-transactional table") + ": " + String.join(", ", pre.nonTransactional()));
        }
    }

    /**
     * {@code binlog position}: whether a backup will record the binary log position of its snapshot, as {@link #dump}
     * decides it ({@code @@log_bin}, the dump tool and server, {@code extra_args}), and if not why and how
     * ({@link BinlogOption#checkNote}).
     */
    @Override
    public Optional<CheckNote> checkNote(OperationContext ctx) throws IOException {
        Path tool = client.dumpTool();
        try (DefaultsFile defaults = DefaultsFile.create(ctx.scratchDir(), s.password())) {
            ClientFamily.Probe probe = client.probe(tool, ctx);
            boolean logBin = false;
            boolean mariaDb = false;
            for (List<String> row : client.query("SELECT 'binlog', @@log_bin, VERSION();\n", null, defaults, ctx)) {
                logBin = "1".equals(row.get(1));
                mariaDb = row.get(2).contains("MariaDB");
            }
            return Optional.of(BinlogOption.checkNote(logBin, BinlogOption.lockFree(probe, mariaDb), BinlogOption.of(probe),
                    tool.getFileName().toString(), s.extraArgs()));
        }
    }

    @Override
    public DumpInfo dump(OutputStream out, OperationContext ctx) throws IOException {
        Path tool = client.dumpTool();
        try (DefaultsFile defaults = DefaultsFile.create(ctx.scratchDir(), s.password())) {
            ClientFamily.Probe probe = client.probe(tool, ctx);
            Preflight pre = preflight(defaults, ctx);
            for (String table : pre.nonTransactional()) {
                ctx.log().warn("non-transactional table: the dump of it is not part of the consistent snapshot "
                        + "(convert it to InnoDB for consistent backups)", "datasource", describe(), "table", table);
            }
            boolean history = DumpArgs.dumpsHistory(s.extraArgs());
            for (String table : history ? List.<String>of() : pre.versioned()) {
                ctx.log().warn("system-versioned table: only its current rows are backed up, not its history (a restore "
                        + "starts its history anew; dump_history: true backs it up)", "datasource", describe(), "table", table);
            }
            if (!pre.lossyText().isEmpty()) {
                ctx.log().warn("columns in a character set with characters Unicode lacks: the dump is written in utf8mb4, so "
                        + "a value holding one (cp1251's byte 0x98, greek's 0xAE, a character of sjis's or gbk's unassigned "
                        + "or user-defined codes) is backed up, and restored, with '?' in its place (no dump option keeps the "
                        + "bytes); make them utf8mb4 (or VARBINARY for bytes) to back up every value", "datasource", describe(),
                        "columns", String.join(", ", pre.lossyText()));
            }
            if (!pre.lostLabels().isEmpty()) {
                ctx.log().warn("ENUM/SET columns whose rows hold a label with a 4-byte character (an emoji): the server's "
                        + "SHOW CREATE TABLE, which the dump holds, writes that label as '?', so a restore brings such a row "
                        + "back as '' (ENUM) or without that member (SET), without an error (no dump option keeps it); use "
                        + "labels of 3-byte characters, or a VARCHAR with a CHECK, to back up every value", "datasource",
                        describe(), "columns", String.join(", ", pre.lostLabels()));
            }
            if (!pre.floats().isEmpty()) {
                ctx.log().warn("FLOAT columns: the server writes their values into the dump with 6 significant digits, so a "
                        + "restore brings back 1234570 for 1234567 (no dump option keeps the digits); make them DOUBLE (or "
                        + "FLOAT(M,D)) to back up every digit", "datasource", describe(), "columns", String.join(", ", pre.floats()));
            }
            if (!pre.ownNames().isEmpty()) {
                ctx.log().info("triggers, routines or events name their own database in their code: restored under another "
                        + "name they still point at it (a restore or sync under another name says so)", "datasource", describe(),
                        "objects", String.join(", ", pre.ownNames()));
            }
            OutputStream keepOpen = new FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    out.flush();
                }
            };
            List<String> cmd = client.base(tool, defaults, probe.family());
            cmd.addAll(DumpArgs.of(s.scope(), probe, pre.version(), s.extraArgs()));
            boolean ofReplica = BinlogOption.replicaPositionAsked(s.extraArgs());
            if (pre.binlog() && ofReplica) {
                ctx.log().warn("binary log position not recorded: extra_args' --dump-slave/--dump-replica makes the dump write "
                        + "the position of the server it replicates instead", "datasource", describe());
            } else if (pre.binlog() && !BinlogOption.lockFree(probe, pre.mariaDb())) {
                // mysqldump, or a MySQL server: the option takes FLUSH TABLES WITH READ LOCK, which waits behind a long
                // query and stalls every write meanwhile; never taken unasked (extra_args: [--source-data=2] asks)
                ctx.log().debug("binary log position not recorded unasked: it would take a global read lock", "datasource",
                        describe());
            } else if (pre.binlog()) {
                cmd.add(cmd.indexOf("--single-transaction") + 1, BinlogOption.of(probe)); // before extra_args: they may override it
            }
            ctx.log().debug("dump started", "datasource", describe(), "tool", tool);
            out.write(header(pre).getBytes(StandardCharsets.UTF_8));
            BinlogComments binlog = new BinlogComments(keepOpen);
            DumpTail dumped = new DumpTail(binlog);
            client.run(cmd, null, dumped, ctx);
            checkDumpEnd(tool.getFileName().toString(), dumped);
            String databaseForGrants = s.scope().kind() == Scope.Kind.ONE ? s.scope().single() : null;
            for (MySqlSettings.Account account : s.grantsFor()) {
                out.write(grants(account, databaseForGrants, defaults, ctx).getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
            Map<String, String> facts = new LinkedHashMap<>();
            facts.put("engine", s.flavor().type());
            facts.put("server_version", pre.version());
            facts.put("tool", tool.getFileName().toString());
            facts.put("tool_version", probe.line());
            facts.put("databases", s.scope().describe());
            if (!ofReplica) { // its comment is the position of the server this one replicates
                binlog.position().ifPresent(p -> facts.putAll(p.facts()));
            }
            if (!pre.nonTransactional().isEmpty()) {
                facts.put("non_transactional_tables", String.join(",", pre.nonTransactional()));
            }
            if (!pre.versioned().isEmpty()) {
                facts.put(history ? "system_versioned_tables_with_history" : "system_versioned_tables",
                        String.join(",", pre.versioned()));
            }
            if (!pre.lossyText().isEmpty()) {
                facts.put("lossy_charset_columns", String.join(",", pre.lossyText()));
            }
            if (!pre.lostLabels().isEmpty()) {
                facts.put("lossy_enum_set_columns", String.join(",", pre.lostLabels()));
            }
            if (!pre.floats().isEmpty()) {
                facts.put("float_columns", String.join(",", pre.floats()));
            }
            if (!pre.ownNames().isEmpty()) {
                facts.put(OwnDatabaseNames.FACT, OwnDatabaseNames.fact(pre.ownNames()));
            }
            if (!s.grantsFor().isEmpty()) {
                facts.put("grants_for", s.grantsFor().stream().map(Object::toString).collect(Collectors.joining(",")));
            }
            return DumpInfo.of(facts);
        }
    }

    /** What the dump needs to know first: the server version, and which tables it cannot snapshot. */
    /**
     * {@code versioned}: MariaDB's system-versioned tables, whose history the dump does not hold; {@code floats}: the
     * stored FLOAT columns without decimals ({@code schema.table.column}), whose values the server prints, and so the
     * dump holds, with 6 significant digits; {@code lossyText}: the stored text columns ({@code schema.table.column
     * (charset)}) of a character set that holds characters MariaDB cannot convert to Unicode (see {@link #LOSSY_CHARSETS}),
     * which the utf8mb4 dump writes as '?'; {@code ownNames}: the triggers, routines and events of a backup of one
     * database whose code names that database ({@link OwnDatabaseNames}); {@code lostLabels}: the ENUM/SET columns
     * ({@code schema.table.column}) whose rows hold a label the dump writes as '?' ({@link #lostLabels}); {@code binlog}:
     * the server writes a binary log ({@code @@log_bin}), whose position the dump records where it costs no lock
     * ({@link BinlogOption#lockFree}).
     */
    record Preflight(String version, List<String> nonTransactional, String charset, String collation, List<String> versioned,
                     List<String> floats, List<String> lossyText, List<String> ownNames, List<String> lostLabels,
                     boolean binlog) {
        boolean mariaDb() {
            return version.contains("MariaDB");
        }
    }

    /**
     * Character sets whose values the server cannot all convert to utf8mb4, found by converting every byte (8-bit sets)
     * and unassigned or user-defined codes (multi-byte sets) there and back on MariaDB 10.11: such a value comes back as
     * '?'. Those that came back whole (latin1, latin2, latin5, latin7, cp850, cp852, cp866, koi8r, koi8u, keybcs2, macce,
     * macroman, cp932, ucs2, utf16, utf32) are not named; ascii (bytes above 0x7F only through a binary cast) neither.
     */
    static final List<String> LOSSY_CHARSETS = List.of("armscii8", "cp1250", "cp1251", "cp1256", "cp1257", "dec8", "geostd8",
            "greek", "hebrew", "hp8", "swe7", "tis620", "big5", "eucjpms", "euckr", "gb2312", "gbk", "sjis", "ujis");

    private Preflight preflight(DefaultsFile defaults, OperationContext ctx) throws IOException {
        String inSchemas = schemaFilter("TABLE_SCHEMA");
        String sql = "SELECT 'version', VERSION();\nSELECT 'me', CURRENT_USER();\nSELECT 'binlog', @@log_bin;\n"
                + (s.scope().kind() == Scope.Kind.ALL ? "" : "SELECT 'db', SCHEMA_NAME FROM information_schema.SCHEMATA WHERE "
                + schemaFilter("SCHEMA_NAME") + ";\n")
                + (s.scope().kind() != Scope.Kind.ONE ? "" : "SELECT 'cs', DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME"
                + " FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = " + Sql.literal(s.scope().single()) + ";\n")
                + "SELECT 'nontx', CONCAT(TABLE_SCHEMA, '.', TABLE_NAME, ' (', ENGINE, ')') FROM information_schema.TABLES"
                + " WHERE TABLE_TYPE = 'BASE TABLE' AND ENGINE IS NOT NULL AND ENGINE NOT IN (" + Sql.literalList(TRANSACTIONAL)
                + ") AND " + inSchemas + " ORDER BY TABLE_SCHEMA, TABLE_NAME;\n"
                + "SELECT 'versioned', CONCAT(TABLE_SCHEMA, '.', TABLE_NAME) FROM information_schema.TABLES"
                + " WHERE TABLE_TYPE = 'SYSTEM VERSIONED' AND " + inSchemas + " ORDER BY TABLE_SCHEMA, TABLE_NAME;\n"
                + "SELECT 'float', CONCAT(c.TABLE_SCHEMA, '.', c.TABLE_NAME, '.', c.COLUMN_NAME) FROM information_schema.COLUMNS c"
                + " JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME"
                + " WHERE t.TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED') AND c.DATA_TYPE = 'float' AND c.NUMERIC_SCALE IS NULL"
                // generated columns are not dumped (MySQL's DEFAULT_GENERATED, an expression default, is)
                + " AND c.EXTRA NOT LIKE '%VIRTUAL%' AND c.EXTRA NOT LIKE '%STORED%' AND c.EXTRA NOT LIKE '%PERSISTENT%'"
                + " AND " + schemaFilter("c.TABLE_SCHEMA")
                + " ORDER BY c.TABLE_SCHEMA, c.TABLE_NAME, c.ORDINAL_POSITION;\n"
                + "SELECT 'lossy', CONCAT(c.TABLE_SCHEMA, '.', c.TABLE_NAME, '.', c.COLUMN_NAME, ' (', c.CHARACTER_SET_NAME, ')')"
                + " FROM information_schema.COLUMNS c JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA"
                + " AND t.TABLE_NAME = c.TABLE_NAME WHERE t.TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')"
                + " AND c.CHARACTER_SET_NAME IN (" + Sql.literalList(LOSSY_CHARSETS) + ")"
                + " AND c.EXTRA NOT LIKE '%VIRTUAL%' AND c.EXTRA NOT LIKE '%STORED%' AND c.EXTRA NOT LIKE '%PERSISTENT%'"
                + " AND " + schemaFilter("c.TABLE_SCHEMA")
                + " ORDER BY c.TABLE_SCHEMA, c.TABLE_NAME, c.ORDINAL_POSITION;\n"
                + "SELECT 'label', c.TABLE_SCHEMA, c.TABLE_NAME, c.COLUMN_NAME FROM information_schema.COLUMNS c"
                + " JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME"
                + " WHERE t.TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED') AND c.DATA_TYPE IN ('enum', 'set')"
                + " AND c.COLUMN_TYPE LIKE '%?%' AND c.CHARACTER_SET_NAME IN (" + Sql.literalList(FOUR_BYTE_CHARSETS) + ")"
                + " AND c.EXTRA NOT LIKE '%VIRTUAL%' AND c.EXTRA NOT LIKE '%STORED%' AND c.EXTRA NOT LIKE '%PERSISTENT%'"
                + " AND " + schemaFilter("c.TABLE_SCHEMA")
                + " ORDER BY c.TABLE_SCHEMA, c.TABLE_NAME, c.ORDINAL_POSITION;\n"
                + (s.scope().kind() == Scope.Kind.ONE ? ownNamesSql(s.scope().single()) : "");
        String version = null;
        String me = null;
        String charset = null;
        String collation = null;
        List<String> present = new ArrayList<>();
        List<String> nonTx = new ArrayList<>();
        List<String> versioned = new ArrayList<>();
        List<String> floats = new ArrayList<>();
        List<String> lossy = new ArrayList<>();
        List<List<String>> own = new ArrayList<>();
        List<List<String>> labels = new ArrayList<>();
        boolean ignoreCase = false;
        boolean binlog = false;
        for (List<String> row : client.query(sql, null, defaults, ctx)) {
            switch (row.get(0)) {
                case "version" -> version = row.get(1);
                case "me" -> me = row.get(1);
                case "binlog" -> binlog = "1".equals(row.get(1));
                case "db" -> present.add(row.get(1));
                case "nontx" -> nonTx.add(row.get(1));
                case "versioned" -> versioned.add(row.get(1));
                case "float" -> floats.add(row.get(1));
                case "lossy" -> lossy.add(row.get(1));
                case "own" -> own.add(row);
                case "label" -> labels.add(row);
                case "lctn" -> ignoreCase = !"0".equals(row.get(1));
                case "cs" -> {
                    charset = row.get(1);
                    collation = row.get(2);
                }
                default -> { }
            }
        }
        if (s.scope().kind() != Scope.Kind.ALL) {
            List<String> missing = s.scope().databases().stream().filter(d -> !present.contains(d)).toList();
            if (!missing.isEmpty()) {
                throw DbBackupException.permanent(s.flavor().type() + " " + s.address() + ": database"
                        + (missing.size() > 1 ? "s " : " ") + missing.stream().map(d -> "'" + d + "'").collect(Collectors.joining(", "))
                        + (missing.size() > 1 ? " do" : " does") + " not exist", null);
            }
        }
        if (version != null && version.contains("MariaDB")) {
            checkPrivileges(version, me == null ? String.valueOf(s.user()) : me, defaults, ctx);
        }
        List<String> ownNames = new ArrayList<>();
        for (List<String> row : own) {
            List<String> refs = row.size() < 4 ? List.of() : OwnDatabaseNames.references(row.get(3), s.scope().single(), ignoreCase);
            if (!refs.isEmpty()) {
                ownNames.add(OwnDatabaseNames.entry(row.get(1), row.get(2), row.size() > 4 ? row.get(4) : null, refs));
            }
        }
        return new Preflight(version == null ? "unknown" : version, nonTx, charset, collation, versioned, floats, lossy,
                ownNames, lostLabels(labels, defaults, ctx), binlog);
    }

    /** The character sets whose ENUM/SET labels may hold a character beyond the BMP (4 bytes in UTF-8). */
    static final List<String> FOUR_BYTE_CHARSETS = List.of("utf8mb4", "utf16", "utf16le", "utf32");

    /**
     * Of the ENUM/SET columns whose type the server shows with a '?' ({@code candidates}: rows of schema, table, column),
     * those with a row holding a character of 4 bytes in UTF-8 (an emoji): the server's {@code SHOW CREATE TABLE}, which
     * the dump holds, is utf8mb3 and writes such a label as '?', so such a row is restored as '' (the dump's session is
     * not strict) without an error. A label that is a real '?' has no such row. Read only for those few columns.
     */
    private List<String> lostLabels(List<List<String>> candidates, DefaultsFile defaults, OperationContext ctx) throws IOException {
        if (candidates.isEmpty()) {
            return List.of();
        }
        StringBuilder sql = new StringBuilder();
        for (List<String> c : candidates) {
            String name = c.get(1) + "." + c.get(2) + "." + c.get(3);
            sql.append("SELECT ").append(Sql.literal(name)).append(" FROM ").append(Sql.ident(c.get(1))).append('.')
                    .append(Sql.ident(c.get(2))).append(" WHERE HEX(CONVERT(").append(Sql.ident(c.get(3)))
                    .append(" USING utf8mb4)) REGEXP '^(..)*F[0-4]' LIMIT 1;\n");
        }
        return client.query(sql.toString(), null, defaults, ctx).stream().map(r -> r.get(0)).toList();
    }

    /**
     * The queries for {@link OwnDatabaseNames}: how the server compares names, and the code of each trigger, routine and
     * event of {@code db} the dump holds (extra_args may leave them out) that holds the name in some case (a name with a
     * quote in it, doubled when quoted, is not looked for: every body is read).
     */
    private String ownNamesSql(String db) {
        java.util.function.UnaryOperator<String> holds = column -> db.contains("`") || db.contains("\"") ? ""
                : " AND LOCATE(LOWER(" + Sql.literal(db) + "), LOWER(" + column + ")) > 0";
        StringBuilder b = new StringBuilder("SELECT 'lctn', @@lower_case_table_names;\n");
        if (DumpPrivileges.dumped("triggers", s.extraArgs())) {
            b.append("SELECT 'own', 'trigger', TRIGGER_NAME, ACTION_STATEMENT, EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS"
                    + " WHERE TRIGGER_SCHEMA = ")
                    .append(Sql.literal(db)).append(holds.apply("ACTION_STATEMENT")).append(" ORDER BY TRIGGER_NAME;\n");
        }
        if (DumpPrivileges.dumped(s.extraArgs())) {
            b.append("SELECT 'own', LOWER(ROUTINE_TYPE), ROUTINE_NAME, ROUTINE_DEFINITION FROM information_schema.ROUTINES WHERE ")
                    .append("ROUTINE_SCHEMA = ").append(Sql.literal(db)).append(holds.apply("ROUTINE_DEFINITION"))
                    .append(" ORDER BY ROUTINE_TYPE DESC, ROUTINE_NAME;\n");
        }
        if (DumpPrivileges.dumped("events", s.extraArgs())) {
            b.append("SELECT 'own', 'event', EVENT_NAME, EVENT_DEFINITION FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ")
                    .append(Sql.literal(db)).append(holds.apply("EVENT_DEFINITION")).append(" ORDER BY EVENT_NAME;\n");
        }
        return b.toString();
    }

    /**
     * A backup of one database restored into one of another name: the objects its manifest lists as naming the source
     * database ({@link OwnDatabaseNames}), in one warning; before the load, and in a dry run. A sync into one of another
     * name: the same, from the objects its dump's preflight found, after the load.
     */
    @Override
    public void warnBeforeRestore(Map<String, String> facts, RestoreOptions options, OperationContext ctx) {
        OwnDatabaseNames.warn(facts, s.scope().kind() == Scope.Kind.ONE ? s.scope().single() : null, options, ctx.log());
    }

    /**
     * Fails (exit 2) when the account would dump only the routines it may run, or no trigger: see {@link DumpPrivileges}.
     */
    private void checkPrivileges(String version, String me, DefaultsFile defaults, OperationContext ctx) throws IOException {
        boolean routines = DumpPrivileges.dumped(s.extraArgs());
        boolean triggers = DumpPrivileges.dumped("triggers", s.extraArgs());
        if (!routines && !triggers) {
            return;
        }
        boolean procReadable = !routines || readsProc(defaults, ctx);
        List<String> grants = procReadable && !triggers ? List.of()
                : client.query("SHOW GRANTS;\n", null, defaults, ctx).stream().map(r -> r.get(0)).toList();
        List<String> dbs = s.scope().kind() == Scope.Kind.ONE ? List.of(s.scope().single()) : List.of();
        if (!procReadable && !(DumpPrivileges.hasShowCreateRoutine(version) && DumpPrivileges.grantsShowCreateRoutine(grants))) {
            throw DbBackupException.permanent(s.flavor().type() + " " + s.address() + ": " + DumpPrivileges.denied(me, dbs), null);
        }
        if (triggers && !DumpPrivileges.grantsTrigger(grants)) {
            throw DbBackupException.permanent(s.flavor().type() + " " + s.address() + ": "
                    + DumpPrivileges.triggerDenied(me, dbs), null);
        }
    }

    /** Whether the account may read {@code mysql.proc}: {@link DumpPrivileges#PROBE} is not denied. */
    private boolean readsProc(DefaultsFile defaults, OperationContext ctx) throws IOException {
        try {
            client.query(DumpPrivileges.PROBE, null, defaults, ctx);
            return true;
        } catch (IOException | DbBackupException e) {
            ToolFailedException tf = toolFailure(e);
            if (tf == null || !MySqlErrors.privilegeDenied(tf)) {
                throw e;
            }
            return false;
        }
    }

    /**
     * A one-database dump names no database; it starts with the source's default character set and
     * collation applied to whatever database it is loaded into ({@code ALTER DATABASE} without a name),
     * so tables created later and stored routines get the same defaults as at the source.
     */
    private String header(Preflight pre) {
        StringBuilder b = new StringBuilder(HEADER_START).append(s.flavor().type()).append(" dump of ")
                .append(s.scope().describe().replace('\n', ' ')).append(" from server ").append(pre.version()).append('\n');
        if (s.scope().kind() == Scope.Kind.ONE) {
            b.append(ONE_DATABASE_MARK).append(": it loads into any database (mariadb <database> < file.sql)\n");
            if (pre.charset() != null && pre.collation() != null && pre.charset().matches("\\w+") && pre.collation().matches("\\w+")) {
                b.append(DATABASE_DEFAULTS).append("CHARACTER SET ").append(pre.charset()).append(" COLLATE ")
                        .append(pre.collation()).append(" */;\n");
            }
        }
        return b.toString();
    }

    /** A WHERE condition selecting the scope's schemas (user schemas for all databases). */
    private String schemaFilter(String column) {
        return s.scope().kind() == Scope.Kind.ALL
                ? column + " NOT IN (" + Sql.literalList(SYSTEM_SCHEMAS) + ")"
                : column + " IN (" + Sql.literalList(s.scope().databases()) + ")";
    }

    private String grants(MySqlSettings.Account account, String database, DefaultsFile defaults, OperationContext ctx)
            throws IOException {
        List<String> create = client.query("SHOW CREATE USER " + account.sql(), null, defaults, ctx).stream()
                .map(r -> r.get(0)).toList();
        List<String> grants = client.query("SHOW GRANTS FOR " + account.sql(), null, defaults, ctx).stream()
                .map(r -> r.get(0)).toList();
        return Grants.sql(account, create, grants, database);
    }

    @Override
    public TargetState inspectTarget(OperationContext ctx) throws IOException {
        try (DefaultsFile defaults = DefaultsFile.create(ctx.scratchDir(), s.password())) {
            String sql = "SELECT 'db', SCHEMA_NAME FROM information_schema.SCHEMATA WHERE " + schemaFilter("SCHEMA_NAME") + ";\n"
                    + "SELECT 'n', (SELECT COUNT(*) FROM information_schema.TABLES WHERE " + schemaFilter("TABLE_SCHEMA") + ")"
                    + " + (SELECT COUNT(*) FROM information_schema.ROUTINES WHERE " + schemaFilter("ROUTINE_SCHEMA") + ")"
                    + " + (SELECT COUNT(*) FROM information_schema.EVENTS WHERE " + schemaFilter("EVENT_SCHEMA") + ");\n";
            List<String> present = new ArrayList<>();
            int objects = 0;
            for (List<String> row : client.query(sql, null, defaults, ctx)) {
                if (row.get(0).equals("db")) {
                    present.add(row.get(1));
                } else {
                    objects = Integer.parseInt(row.get(1));
                }
            }
            if (present.isEmpty()) {
                return new TargetState(false, 0, describe() + " does not exist");
            }
            return new TargetState(true, objects, holding(describe(), objects));
        }
    }

    /**
     * A database that is not there is created by the restore (one database: {@code CREATE DATABASE IF NOT EXISTS} before
     * the load; several: the dump's own {@code CREATE DATABASE}), and its dry run says so. Not by a {@code --data-only}
     * restore, whose rows need their tables: it creates the database, fails at the first row and drops it again, and its
     * dry run says that it fails.
     */
    @Override
    public TargetState inspectTarget(OperationContext ctx, RestoreOptions options) throws IOException {
        TargetState state = inspectTarget(ctx);
        boolean one = s.scope().kind() == Scope.Kind.ONE;
        if (state.exists()) {
            return state;
        }
        return state.saying(options.dataOnly()
                ? "a --data-only restore fails: its rows need " + (one ? "it" : "them") + " and the tables to exist; restore "
                        + "without --data-only first"
                : one ? "the restore creates it" : "the restore creates them");
    }

    /** {@code ... holds 1 object (tables, views, routines and events)}: the objects information_schema counts, together. */
    static String holding(String where, int objects) {
        return where + " holds " + Human.count(objects, "object") + " (tables, views, routines and events)";
    }

    /**
     * The dump tool exited 0; its dump must also be there and end as the tool ends one (with {@code -- Dump completed},
     * written only after the last table), or a wrapper in {@code bin_dir} that lost its exit status, or a tool that
     * stopped early, would store a cut dump (or dbbackup's header alone) as a backup for retention to count. A dump
     * made without comments ({@code --skip-comments}, {@code --compact}) has no such end and is not checked.
     */
    private void checkDumpEnd(String tool, DumpTail dumped) throws IOException {
        if (dumped.count() == 0) {
            throw DbBackupException.system(tool + " exited 0 but wrote nothing: not recorded as a backup");
        }
        if (!commentsOff() && dumped.lastLines().stream().noneMatch(l -> l.startsWith("-- Dump completed"))) {
            throw DbBackupException.system(tool + " exited 0, but its dump does not end with '-- Dump completed', which it "
                    + "writes after the last table: cut short, not recorded as a backup");
        }
    }

    /** Whether extra_args make the dump tool leave out its comments, and with them the line that ends a dump. */
    private boolean commentsOff() {
        return s.extraArgs().stream().map(a -> a.toLowerCase(java.util.Locale.ROOT)).anyMatch(a -> a.equals("--skip-comments")
                || a.equals("--compact") || a.equals("--comments=0") || a.equals("--comments=false") || a.equals("--comments=off"));
    }

    /**
     * Scans the whole dump, without a server: it must hold the dump tool's opening comment and its
     * closing {@code -- Dump completed} comment, which mysqldump and mariadb-dump write only after the last
     * table (after it come only the account sections dbbackup adds). A dump made without comments
     * ({@code --skip-comments}, {@code --compact} in extra_args) cannot be checked this way.
     */
    @Override
    public String verifyDeep(InputStream in, DumpFormat format, OperationContext ctx) throws IOException {
        if (format != DumpFormat.SQL) {
            throw DbBackupException.user("verify --deep: a ." + format.extension() + " file is not a MySQL/MariaDB dump");
        }
        ScriptLines script = new ScriptLines("-- MySQL dump ", "-- MariaDB dump ", "-- Dump completed",
                "-- Table structure for table ", "-- Dumping data for table ", Grants.SECTION_START,
                "-- Final view structure for view ", "/*!50003 DROP FUNCTION IF EXISTS ", "/*!50003 DROP PROCEDURE IF EXISTS ",
                "/*!50106 DROP EVENT IF EXISTS ").readAll(in);
        if (script.count(0) + script.count(1) == 0) {
            throw DbBackupException.user("verify --deep: this dump holds no '-- MySQL dump' or '-- MariaDB dump' comment, so its "
                    + "end cannot be told from a cut: it was made without comments (--skip-comments or --compact in extra_args?)");
        }
        if (script.count(2) == 0) {
            throw DbBackupException.integrity("the dump is cut short: it holds no '-- Dump completed' comment, which the dump "
                    + "tool writes after the last table");
        }
        // what it holds besides tables is counted too: "2 tables" of a dump that also holds a view, routines and an
        // event said less than was checked
        return "dump complete ('-- Dump completed' after the last table): " + Human.count(script.count(3), "table") + ", "
                + script.count(4) + " with data" + also(script.count(6), "view") + also(script.count(7) + script.count(8), "routine")
                + also(script.count(9), "event") + also(script.count(5), "account");
    }

    /** ", N things" for a count above 0, else "". */
    private static String also(long count, String what) {
        return count == 0 ? "" : ", " + Human.count(count, what);
    }

    @Override
    public void requireRestorable(DumpFormat format) {
        if (format != DumpFormat.SQL) {
            throw DbBackupException.user("cannot restore a ." + format.extension() + " dump into " + describe()
                    + ": MySQL/MariaDB dumps are plain SQL");
        }
        // the client that will load it (bin_dir or PATH): missing, the restore stops before the backup's long read
        try {
            client.clientTool();
        } catch (IOException e) {
            throw DbBackupException.permanent(e.getMessage(), e);
        }
    }

    @Override
    public void restore(InputStream in, DumpFormat format, RestoreOptions options, OperationContext ctx) throws IOException {
        requireRestorable(format);
        if (options.clean() && s.scope().kind() == Scope.Kind.ALL) {
            throw DbBackupException.user("--clean is not supported for all_databases datasources (" + describe()
                    + "): it would drop every database on the server; drop the ones you mean yourself");
        }
        if (options.allOrNothing()) {
            new StagedRestore(s, client, describe()).run(in, options.clean(), ctx);
            try (DefaultsFile defaults = DefaultsFile.create(ctx.scratchDir(), s.password())) {
                warnOfMissingDefiners(defaults, ctx);
            }
            return;
        }
        // tables with a sequence default load without LOCK TABLES; under another name, the default follows it
        String target = s.scope().kind() == Scope.Kind.ONE ? s.scope().single() : null;
        if (target != null) { // a dump that switches databases would write into them, not the target
            in = DatabaseSwitches.into(target, in);
        }
        // ViewNames first: SequenceDefaults drops lines, and an error of either names the dump's line
        in = ViewNames.into(target, in);
        in = SequenceDefaults.into(target, in);
        Definers[] definers = new Definers[1];
        in = new io.dbbackup.spi.FilteredInputStream(in, kept -> definers[0] = new Definers(s.definersToCurrentUser(), kept));
        TableSelection rule = null;
        if (options.partial()) {
            TableSelection chosen = new TableSelection(new java.util.HashSet<>(options.tables()),
                    new java.util.HashSet<>(options.schemas()), options.dataOnly());
            rule = chosen;
            in = DumpSections.into(chosen, in);
            if (options.dataOnly()) { // rows only: one transaction, rolled back when the client stops at an error
                in = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(
                        "SET autocommit=0;\n".getBytes(StandardCharsets.UTF_8)), new java.io.SequenceInputStream(in,
                        new java.io.ByteArrayInputStream("\nCOMMIT;\n".getBytes(StandardCharsets.UTF_8))));
            }
        }
        // an ENABLEd event restored under another name would run the source's scheduled job a second time
        Events[] events = new Events[1];
        in = new io.dbbackup.spi.FilteredInputStream(in, kept -> events[0] = new Events(target, kept));
        // last: the line numbers the client's errors give are of what it is given
        StatementLines[] lines = new StatementLines[1];
        in = new io.dbbackup.spi.FilteredInputStream(in, kept -> lines[0] = new StatementLines(kept));
        Path tool = client.clientTool();
        ClientLoad load = new ClientLoad(client);
        try (DefaultsFile defaults = DefaultsFile.create(ctx.scratchDir(), s.password())) {
            if (options.dataOnly()) {
                warnOfTriggers(options, defaults, ctx);
            }
            List<String> named = s.scope().kind() == Scope.Kind.ALL ? List.of() : s.scope().databases();
            List<String> before = named.isEmpty() ? List.of() : load.present(named, defaults, ctx);
            prepare(options.clean(), before, defaults, ctx);
            List<String> cmd = client.base(tool, defaults, client.probe(tool, ctx).family());
            cmd.addAll(ClientLoad.OPTIONS);
            if (s.scope().kind() == Scope.Kind.ONE) {
                cmd.add("--database=" + s.scope().single());
            }
            ctx.log().debug("restore started", "datasource", describe(), "tool", tool);
            try {
                load.run(cmd, in, defaults, ctx);
            } catch (IOException | RuntimeException e) {
                Exception failure = loadDenied(superDeniedUnderBinlog(definerDenied(e, definers[0].seen())), lines[0], target);
                // rows only load in one transaction, rolled back: a database that was there holds what it held
                failure = named.isEmpty() ? load.onWholeServer(failure) // all databases: named only as the dump is read
                        : load.droppingCreated(failure, named.stream().filter(d -> !before.contains(d)).toList(),
                        options.dataOnly() ? List.of() : before, options.clean(), !options.partial(), defaults, ctx);
                if (options.dataOnly()) {
                    failure = ClientLoad.rolledBack(failure);
                } else if (options.partial()) {
                    failure = ClientLoad.objectInPlace(failure);
                }
                if (failure instanceof IOException io) {
                    throw io;
                }
                throw (RuntimeException) failure;
            }
            if (options.dataOnly() && rule != null) {
                raiseCounters(rule.counters(), defaults, ctx);
            }
            if (target != null) {
                events[0].warn(target, "restored", ctx.log());
            }
            if (definers[0].rewritten() > 0) {
                ctx.log().info("DEFINER clauses of views, triggers, routines and events replaced by the restoring account "
                        + "(restore_definer: current_user)", "clauses", definers[0].rewritten(), "account", s.user());
            } else if (!definers[0].seen().isEmpty() && !options.dataOnly()) { // rows only: no object was created
                warnOfMissingDefiners(defaults, ctx);
            }
        }
    }

    /**
     * A load that stopped at {@code ERROR 1227 … you need (at least one of) the SUPER, SET USER privilege(s)} (MySQL:
     * {@code SUPER or SET_USER_ID}, 8.2+ {@code SET_ANY_DEFINER}): the dump's objects name another account as their
     * {@code DEFINER}, which the restoring account may not. The failure names those definers and both ways out.
     */
    private Exception definerDenied(Exception failure, List<String> seen) {
        String m = String.valueOf(failure.getMessage());
        if (seen.isEmpty() || !m.contains("1227") || !(m.contains("SET USER") || m.contains("SET_USER_ID")
                || m.contains("SET_ANY_DEFINER") || m.contains("the SUPER privilege(s)"))) { // 5.7: SUPER alone
            return failure;
        }
        String hint = " — the backup's views, triggers, routines or events are defined by " + String.join(", ", seen)
                + ", and only an account with the SET USER privilege (MariaDB; MySQL: SET_USER_ID or SET_ANY_DEFINER) or SUPER "
                + "may create an object for another account: restore as such an account, or set restore_definer: "
                + "current_user on the target datasource to make the restoring account" + (s.user() == null ? "" : " (" + s.user() + ")")
                + " their definer";
        return withHint(failure, hint);
    }

    /**
     * A load that stopped at {@code ERROR 1419 You do not have the SUPER privilege and binary logging is enabled}: with
     * {@code log_bin_trust_function_creators} off, only an account with SUPER may create triggers and stored functions
     * on a server that writes a binary log. The failure says both ways out.
     */
    private Exception superDeniedUnderBinlog(Exception failure) {
        String m = String.valueOf(failure.getMessage());
        if (!m.contains("ERROR 1419 (")) {
            return failure;
        }
        String hint = " — the target server writes a binary log and has log_bin_trust_function_creators off, so only an "
                + "account with SUPER may create the backup's triggers and stored functions: restore as an account with SUPER"
                + ", or run SET GLOBAL log_bin_trust_function_creators = 1 on the target server (as such an account) and "
                + "restore again";
        return withHint(failure, hint);
    }

    /**
     * A load that stopped at a privilege error (1044, 1142, 1370) for one of the backup's objects: which objects, the
     * GRANT and the other ways out ({@link PrivilegeHints#load}); a plain {@code ERROR 1044 Access denied … to database}
     * said none of it.
     */
    private static Exception loadDenied(Exception failure, StatementLines lines, String target) {
        String hint = PrivilegeHints.load(failure.getMessage(), lines, target);
        return hint == null ? failure : withHint(failure, hint);
    }

    /**
     * {@code failure} with {@code hint} appended to its message, not retryable (a privilege or setting does not come by
     * waiting): a {@link DbBackupException} keeps its exit status, anything else (the client's failure) is exit 2.
     */
    private static DbBackupException withHint(Exception failure, String hint) {
        if (failure instanceof DbBackupException d) {
            return new DbBackupException(d.status(), d.getMessage() + hint, d, false);
        }
        return new DbBackupException(io.dbbackup.core.ExitStatus.SYSTEM_ERROR, failure.getMessage() + hint, failure, false);
    }

    /**
     * After a restore that loaded objects with {@code DEFINER} clauses: a definer account the target server does not
     * have leaves its objects in place but failing at first use ({@code ERROR 1449 The user specified as a definer
     * ('app'@'%') does not exist}) — a view or routine when called (unless {@code SQL SECURITY INVOKER}: those run as
     * their caller and work), and a trigger on every write to its table, an event when it runs. Each such
     * definer is named in a warning with its objects and the fix. Needs {@code SELECT} on {@code mysql.user}; an account
     * without it could only have restored objects it defines itself, and the check is skipped.
     */
    private void warnOfMissingDefiners(DefaultsFile defaults, OperationContext ctx) {
        String sql = "SELECT DEFINER, CONCAT(kind, ' ', db, '.', name) FROM ("
                + "SELECT 'view' kind, TABLE_SCHEMA db, TABLE_NAME name, DEFINER FROM information_schema.VIEWS WHERE "
                + schemaFilter("TABLE_SCHEMA") + " AND SECURITY_TYPE <> 'INVOKER'"
                + " UNION ALL SELECT LOWER(ROUTINE_TYPE), ROUTINE_SCHEMA, ROUTINE_NAME, DEFINER FROM information_schema.ROUTINES"
                + " WHERE " + schemaFilter("ROUTINE_SCHEMA") + " AND SECURITY_TYPE <> 'INVOKER'"
                + " UNION ALL SELECT 'trigger', TRIGGER_SCHEMA, TRIGGER_NAME, DEFINER FROM information_schema.TRIGGERS WHERE "
                + schemaFilter("TRIGGER_SCHEMA")
                + " UNION ALL SELECT 'event', EVENT_SCHEMA, EVENT_NAME, DEFINER FROM information_schema.EVENTS WHERE "
                + schemaFilter("EVENT_SCHEMA")
                + ") o WHERE DEFINER NOT IN (SELECT CONCAT(User, '@', Host) FROM mysql.user)"
                + " AND DEFINER NOT IN (SELECT User FROM mysql.user) ORDER BY 1, 2;\n";
        Map<String, List<String>> missing = new LinkedHashMap<>();
        try {
            for (List<String> row : client.query(sql, null, defaults, ctx)) {
                if (row.size() == 2) {
                    missing.computeIfAbsent(row.get(0), k -> new ArrayList<>()).add(row.get(1));
                }
            }
        } catch (IOException | RuntimeException e) {
            ctx.log().debug("could not check the restored objects' definers", "reason", e.getMessage());
            return;
        }
        missing.forEach((definer, objects) -> ctx.log().warn("restored objects are defined by an account this server does "
                + "not have: each fails at first use (ERROR 1449 The user specified as a definer does not exist), a trigger "
                + "on every write to its table; create the account (CREATE USER, with its grants) or restore again with "
                + "restore_definer: current_user on the target datasource", "definer", definer,
                "objects", String.join(", ", objects)));
    }

    /**
     * Rows only: the table's {@code CREATE TABLE} was not loaded, and with it its {@code AUTO_INCREMENT} counter. A
     * counter the backup had moved past its highest row (rows deleted at the top before the backup) would otherwise be
     * the target's, and new rows would take ids the backup's rows had handed out. Each restored table's counter is raised
     * to the backup's when the live one is lower — never lowered: {@code ALTER TABLE … AUTO_INCREMENT} sets a counter
     * down as far as the highest row, so the live value is read first and a table already past the backup's is not
     * touched. After the rows' transaction (an {@code ALTER TABLE} commits): a failure here leaves the rows restored and
     * says which counters were not raised.
     */
    private void raiseCounters(Map<DumpSections.Section, Long> counters, DefaultsFile defaults, OperationContext ctx)
            throws IOException {
        if (counters.isEmpty()) {
            return;
        }
        Map<List<String>, Long> wanted = new LinkedHashMap<>();
        counters.forEach((section, value) -> wanted.put(List.of(section.database() != null ? section.database()
                : s.scope().single(), section.name()), value));
        StringBuilder sql = new StringBuilder();
        if (!isMariaDb(defaults, ctx)) { // MySQL 8 caches information_schema's AUTO_INCREMENT for a day by default
            sql.append("/*!80000 SET SESSION information_schema_stats_expiry = 0 */;\n");
        }
        sql.append("SELECT TABLE_SCHEMA, TABLE_NAME, IFNULL(AUTO_INCREMENT, 0) FROM information_schema.TABLES WHERE ")
                .append(wanted.keySet().stream().map(k -> "(TABLE_SCHEMA = " + Sql.literal(k.get(0)) + " AND TABLE_NAME = "
                        + Sql.literal(k.get(1)) + ")").collect(Collectors.joining(" OR "))).append(";\n");
        Map<List<String>, Long> live = new LinkedHashMap<>();
        for (List<String> row : client.query(sql.toString(), null, defaults, ctx)) {
            if (row.size() == 3) {
                live.put(List.of(row.get(0), row.get(1)), Long.parseLong(row.get(2)));
            }
        }
        StringBuilder alter = new StringBuilder();
        List<String> raised = new ArrayList<>();
        wanted.forEach((table, value) -> {
            Long now = live.get(table);
            if (now != null && now < value) {
                alter.append("ALTER TABLE ").append(Sql.ident(table.get(0))).append('.').append(Sql.ident(table.get(1)))
                        .append(" AUTO_INCREMENT = ").append(value).append(";\n");
                raised.add(table.get(0) + "." + table.get(1) + " " + now + " -> " + value);
            }
        });
        if (raised.isEmpty()) {
            return;
        }
        try {
            client.query(alter.toString(), null, defaults, ctx);
        } catch (IOException | RuntimeException e) {
            throw DbBackupException.system("the rows are restored, but the AUTO_INCREMENT counters were not raised to the "
                    + "backup's (" + String.join(", ", raised) + "): new rows may take ids the backup's rows had; raise them "
                    + "with ALTER TABLE … AUTO_INCREMENT = N: " + e.getMessage(), e);
        }
        ctx.log().info("AUTO_INCREMENT counters raised to the backup's", "tables", String.join(", ", raised));
    }

    private boolean isMariaDb(DefaultsFile defaults, OperationContext ctx) throws IOException {
        List<List<String>> rows = client.query("SELECT VERSION();\n", null, defaults, ctx);
        return !rows.isEmpty() && rows.get(0).get(0).contains("MariaDB");
    }

    /**
     * Rows that were in the backup went through the target's triggers once already, and MySQL/MariaDB cannot turn
     * triggers off for a session (PostgreSQL and SQLite restores do): each trigger of a table being filled is named in a
     * warning before the load, so that what it writes (an audit table's second copy of every row) is looked at.
     * Not refused: a trigger that only normalizes a row (NEW.total = ABS(NEW.total)) is harmless, and refusing would
     * leave a truncated table without its way back.
     */
    private void warnOfTriggers(RestoreOptions options, DefaultsFile defaults, OperationContext ctx) throws IOException {
        List<String> databases = !options.schemas().isEmpty() ? options.schemas() : s.scope().databases();
        for (List<String> row : client.query("SELECT event_object_schema, event_object_table, trigger_name FROM "
                + "information_schema.triggers WHERE event_object_schema IN (" + Sql.literalList(databases) + ") ORDER BY 1, 2, 3",
                null, defaults, ctx)) {
            String db = row.get(0);
            String table = row.get(1);
            if (options.tables().isEmpty() || options.tables().contains(table) || options.tables().contains(db + "." + table)) {
                ctx.log().warn("a trigger fires for every restored row (MySQL/MariaDB cannot turn triggers off for a restore): "
                        + "check what it wrote", "table", db + "." + table, "trigger", row.get(2));
            }
        }
    }

    /**
     * A dump restores in part — some tables ({@code --table}), rows only ({@code --data-only}); of several databases, also
     * some databases ({@code --schema}, a schema being a database in MySQL) — taken apart by the dump tool's section
     * comments ({@link DumpSections}). Not a dump of every database (the server's own among them).
     */
    @Override
    public boolean restoresInPart(DumpFormat format) {
        return format == DumpFormat.SQL && s.scope().kind() != Scope.Kind.ALL;
    }

    /** The tables and views the dump's section comments name (the whole dump is read). */
    @Override
    public List<String> contents(InputStream in, DumpFormat format, OperationContext ctx) throws IOException {
        if (format != DumpFormat.SQL) {
            return Engine.super.contents(in, format, ctx);
        }
        DumpContents contents = new DumpContents(null);
        try (contents) {
            in.transferTo(contents);
        }
        List<String> lines = contents.lines();
        if (lines.isEmpty()) {
            throw DbBackupException.user("the backup holds no '-- Table structure for table' comments, so its tables cannot be "
                    + "told apart (was it made with --skip-comments or --compact in extra_args?)");
        }
        return lines;
    }

    /**
     * The dump's tables are learnt in the pass that checks it ({@link DumpContents}); {@code --schema} of a dump of one
     * database is refused at once.
     */
    @Override
    public OutputStream partChecker(DumpFormat format, RestoreOptions selection, OperationContext ctx) {
        if (!selection.schemas().isEmpty() && s.scope().kind() == Scope.Kind.ONE) {
            throw DbBackupException.user("--schema: in MySQL/MariaDB a schema is a database, and a backup of " + describe()
                    + " holds one; name its tables with --table (or restore it whole)");
        }
        return new DumpContents(selection);
    }

    /**
     * A one-database dump is written without {@code CREATE DATABASE}/{@code USE} and restored with
     * {@code --database}: into the target only. A dump of several databases (or all) names them and {@code USE}s
     * them, so its restore writes into those names on the target's server, whatever the target datasource says.
     */
    @Override
    public boolean restoresIntoTargetOnly() {
        return s.scope().kind() == Scope.Kind.ONE;
    }

    /**
     * A sync loads one database into a scratch database and swaps it in ({@link StagedRestore}): a target of several
     * databases, or a source whose dump names its databases and {@code USE}s them (several, or all), cannot be staged.
     */
    @Override
    public void checkSyncFrom(Engine source) {
        StagedRestore.requireOneDatabaseEachSide(s.scope(), describe(), source.restoresIntoTargetOnly() ? null : source.describe());
    }

    /** Several databases or all: a dump of them {@code USE}s these names. */
    @Override
    public String namesItRestoresInto() {
        return switch (s.scope().kind()) {
            case ONE -> null;
            case SOME -> "databases " + String.join(", ", s.scope().databases().stream().sorted().toList());
            case ALL -> "all databases";
        };
    }

    /** One named database: a drill can drop it again; several or all: a drill does not restore into them. */
    @Override
    public boolean canDropTarget() {
        return s.scope().kind() == Scope.Kind.ONE;
    }

    /** The first value of the first row, in the one database the datasource names (a drill check on the restored copy). */
    @Override
    public String queryValue(String sql, OperationContext ctx) throws IOException {
        if (s.scope().kind() != Scope.Kind.ONE) {
            throw DbBackupException.user("drill checks need a datasource naming one database: " + describe());
        }
        try (DefaultsFile defaults = DefaultsFile.create(ctx.scratchDir(), s.password())) {
            List<List<String>> rows = client.query(sql, s.scope().single(), defaults, ctx);
            return rows.isEmpty() || rows.get(0).isEmpty() ? "" : rows.get(0).get(0);
        } catch (IOException | DbBackupException e) {
            ToolFailedException tf = toolFailure(e);
            if (tf != null) {
                throw queryFailed(tf);
            }
            throw e;
        }
    }

    /**
     * The client's failure behind {@code e}, or null: thrown as it is (retryable) or as the cause of the
     * {@link DbBackupException} that explains a permanent one.
     */
    private static ToolFailedException toolFailure(Exception e) {
        return e instanceof ToolFailedException t ? t : e.getCause() instanceof ToolFailedException t ? t : null;
    }

    /**
     * A failed check query: the connection (or the time) ran out, the account may not (a privilege), or the server ran the
     * query and refused it.
     */
    private io.dbbackup.spi.QueryFailedException queryFailed(ToolFailedException e) {
        if (e.timedOut()) {
            return io.dbbackup.spi.QueryFailedException.timedOut(s.timeout(), e);
        }
        if (MySqlErrors.privilegeDenied(e)) {
            return io.dbbackup.spi.QueryFailedException.denied(MySqlErrors.reason(e), e);
        }
        return io.dbbackup.spi.QueryFailedException.of(MySqlErrors.reason(e), MySqlErrors.notTheQuery(e), e);
    }

    /** How long the drop of a drill's scratch database waits for the locks of its tables: well within a signal's grace. */
    static final int DROP_LOCK_WAIT_SECONDS = 8;

    /**
     * {@code DROP DATABASE IF EXISTS} of the one database the datasource names (a drill's scratch database), on a
     * cancellation of its own: a signal that stopped the drill has cancelled {@code ctx}, and the scratch must still go.
     * MySQL/MariaDB have no {@code FORCE}: the server session of a check whose client was killed (a signal, the
     * datasource's timeout) may still run its query and hold the metadata locks of the copy's tables, so the sessions
     * in the database are ended first ({@code KILL CONNECTION}; an account may end its own, others need PROCESS and
     * CONNECTION ADMIN), and the drop waits at most {@link #DROP_LOCK_WAIT_SECONDS} for the locks ({@code
     * lock_wait_timeout} is a year by default) and then fails with one line saying what holds it.
     */
    @Override
    public void dropTarget(OperationContext ctx) throws IOException {
        if (!canDropTarget()) {
            throw DbBackupException.user(describe() + " names more than one database: a drill needs a scratch datasource "
                    + "naming one database");
        }
        OperationContext cleanup = new OperationContext(new io.dbbackup.spi.Cancellation(), ctx.log(), ctx.scratchDir(), ctx.commands());
        String db = s.scope().single();
        int lockWait = dropLockWaitSeconds();
        try (DefaultsFile defaults = DefaultsFile.create(ctx.scratchDir(), s.password())) {
            List<String> notEnded = endSessionsIn(db, defaults, cleanup);
            try {
                client.query("SET SESSION lock_wait_timeout = " + lockWait + ";\nDROP DATABASE IF EXISTS " + Sql.ident(db)
                        + ";\n", null, defaults, cleanup);
            } catch (IOException | DbBackupException e) {
                ToolFailedException tf = toolFailure(e);
                if (tf != null) {
                    throw dropFailed(db, tf, lockWait, notEnded);
                }
                throw e;
            }
        }
    }

    /** Below the datasource's timeout, which would otherwise kill the waiting client first and say only "timed out". */
    private int dropLockWaitSeconds() {
        if (s.timeout() == null) {
            return DROP_LOCK_WAIT_SECONDS;
        }
        return (int) Math.max(1, Math.min(DROP_LOCK_WAIT_SECONDS, s.timeout().toSeconds() - 1));
    }

    /**
     * Ends the sessions (but this one) whose current database is {@code db}; returns those it could not end, each with
     * the server's reason. A session gone meanwhile is not one of them. Sessions of other accounts are seen only with
     * the PROCESS privilege.
     */
    private List<String> endSessionsIn(String db, DefaultsFile defaults, OperationContext ctx) {
        List<String> notEnded = new ArrayList<>();
        List<List<String>> sessions;
        try {
            sessions = client.query("SELECT ID, USER FROM information_schema.PROCESSLIST WHERE DB = " + Sql.literal(db)
                    + " AND ID <> CONNECTION_ID();\n", null, defaults, ctx);
        } catch (IOException | RuntimeException e) {
            ctx.log().warn("cannot list the sessions in the database to drop", "datasource", describe(), "error",
                    String.valueOf(e.getMessage()));
            return notEnded;
        }
        for (List<String> row : sessions) {
            long id = Long.parseLong(row.get(0));
            String who = "session " + id + " of " + (row.size() > 1 ? row.get(1) : "?");
            try {
                client.query("KILL CONNECTION " + id + ";\n", null, defaults, ctx);
                ctx.log().info("ended a session still in the database to drop", "datasource", describe(), "session", id,
                        "user", row.size() > 1 ? row.get(1) : "?");
            } catch (IOException | RuntimeException e) {
                ToolFailedException tf = toolFailure(e);
                if (tf != null && tf.stderrTail().contains("1094")) { // unknown thread id: it ended meanwhile
                    continue;
                }
                notEnded.add(who + ": " + (tf != null ? MySqlErrors.reason(tf) : e.getMessage()));
            }
        }
        return notEnded;
    }

    private DbBackupException dropFailed(String db, ToolFailedException e, int lockWait, List<String> notEnded) {
        String where = "cannot drop database " + db + " on " + s.address() + ": ";
        if (e.stderrTail().contains("1205") || e.stderrTail().toLowerCase(java.util.Locale.ROOT).contains("lock wait timeout")) {
            return new DbBackupException(io.dbbackup.core.ExitStatus.SYSTEM_ERROR, where + "still in use by a session this "
                    + "account cannot end (" + (notEnded.isEmpty() ? "of another account, which it cannot see"
                    : String.join("; ", notEnded)) + "); gave up after waiting " + lockWait + " s for its locks. End it (KILL), "
                    + "or give " + (s.user() == null ? "the account" : s.user()) + " PROCESS and CONNECTION ADMIN (SUPER on older "
                    + "servers), and drop the database before the next drill", e, false);
        }
        return new DbBackupException(io.dbbackup.core.ExitStatus.SYSTEM_ERROR, where + MySqlErrors.reason(e), e, false);
    }

    /**
     * One database: creates it when it is not there ({@code before}: the named databases that are) — an account without
     * CREATE restores rows into one that is — and for {@code --clean} drops it and creates it again, after a {@code CREATE
     * DATABASE IF NOT EXISTS} of it that changes nothing but fails, before anything is dropped, for an account that could
     * not create it again. Many databases: {@code --clean} drops them. A refusal names the GRANT ({@link PrivilegeHints}).
     */
    private void prepare(boolean clean, List<String> before, DefaultsFile defaults, OperationContext ctx) throws IOException {
        if (s.scope().kind() != Scope.Kind.ONE) {
            if (clean) {
                StringBuilder b = new StringBuilder();
                for (String d : s.scope().databases()) {
                    b.append("DROP DATABASE IF EXISTS ").append(Sql.ident(d)).append(";\n");
                }
                client.query(b.toString(), null, defaults, ctx);
            }
            return;
        }
        String name = s.scope().single();
        String db = Sql.ident(name);
        boolean present = before.contains(name);
        if (present && clean) {
            prepareStep("CREATE DATABASE IF NOT EXISTS " + db, m -> PrivilegeHints.cleanCreate(m, name), defaults, ctx);
            prepareStep("DROP DATABASE IF EXISTS " + db, m -> PrivilegeHints.cleanDrop(m, name), defaults, ctx);
        }
        if (!present || clean) {
            prepareStep("CREATE DATABASE IF NOT EXISTS " + db, m -> PrivilegeHints.missing(m, name), defaults, ctx);
        }
    }

    private void prepareStep(String sql, java.util.function.UnaryOperator<String> hint, DefaultsFile defaults,
                             OperationContext ctx) throws IOException {
        try {
            client.query(sql + ";\n", null, defaults, ctx);
        } catch (IOException | RuntimeException e) {
            String h = hint.apply(e.getMessage());
            if (h == null) {
                throw e;
            }
            throw withHint(e, h);
        }
    }

    /**
     * What the datasource holds, for {@code dbbackup inspect}: server version and, per database, its
     * tables and views with engine, row estimate and sizes (from information_schema; estimates for InnoDB).
     */
    @Override
    public Map<String, Object> inspect(OperationContext ctx) throws IOException {
        try (DefaultsFile defaults = DefaultsFile.create(ctx.scratchDir(), s.password())) {
            String sql = "SELECT 'version', VERSION();\n"
                    + "SELECT 'db', SCHEMA_NAME, DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA"
                    + " WHERE " + schemaFilter("SCHEMA_NAME") + " ORDER BY SCHEMA_NAME;\n"
                    + "SELECT 't', TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, IFNULL(ENGINE, ''), IFNULL(TABLE_ROWS, 0),"
                    + " IFNULL(DATA_LENGTH, 0), IFNULL(INDEX_LENGTH, 0) FROM information_schema.TABLES WHERE "
                    + schemaFilter("TABLE_SCHEMA") + " ORDER BY TABLE_SCHEMA, TABLE_NAME;\n";
            String version = null;
            Map<String, Map<String, Object>> dbs = new TreeMap<>();
            for (List<String> row : client.query(sql, null, defaults, ctx)) {
                switch (row.get(0)) {
                    case "version" -> version = row.get(1);
                    case "db" -> {
                        Map<String, Object> d = new LinkedHashMap<>();
                        d.put("name", row.get(1));
                        d.put("charset", row.get(2));
                        d.put("collation", row.get(3));
                        d.put("tables", new ArrayList<Map<String, Object>>());
                        d.put("table_count", 0);
                        d.put("rows_estimate", 0L);
                        d.put("size_bytes", 0L);
                        dbs.put(row.get(1), d);
                    }
                    case "t" -> addTable(dbs.get(row.get(1)), row);
                    default -> { }
                }
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("engine", s.flavor().type());
            result.put("address", s.address());
            result.put("server_version", version);
            result.put("databases", new ArrayList<>(dbs.values()));
            if (s.scope().kind() != Scope.Kind.ALL) {
                List<String> missing = s.scope().databases().stream().filter(d -> !dbs.containsKey(d)).toList();
                if (!missing.isEmpty()) {
                    result.put("missing_databases", missing);
                }
            }
            return result;
        }
    }

    @SuppressWarnings("unchecked")
    private static void addTable(Map<String, Object> db, List<String> row) {
        if (db == null) {
            return;
        }
        long rows = Long.parseLong(row.get(5));
        long data = Long.parseLong(row.get(6));
        long index = Long.parseLong(row.get(7));
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("name", row.get(2));
        t.put("type", row.get(3).equals("BASE TABLE") ? "table" : row.get(3).toLowerCase(java.util.Locale.ROOT));
        t.put("engine", row.get(4));
        t.put("rows_estimate", rows);
        t.put("data_bytes", data);
        t.put("index_bytes", index);
        ((List<Map<String, Object>>) db.get("tables")).add(t);
        db.put("table_count", (int) db.get("table_count") + 1);
        db.put("rows_estimate", (long) db.get("rows_estimate") + rows);
        db.put("size_bytes", (long) db.get("size_bytes") + data + index);
    }
}
