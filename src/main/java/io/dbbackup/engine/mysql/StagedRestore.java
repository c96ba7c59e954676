package io.dbbackup.engine.mysql;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.core.Human;
import io.dbbackup.spi.Cancellation;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.ToolFailedException;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An all-or-nothing restore of a live dump (a sync) into one MySQL/MariaDB database. Every DDL
 * statement commits on its own, so no transaction can hold a restore; instead:
 * <ol>
 * <li>the stream loads into a fresh scratch database {@code dbbackup_stage_<tag>} on the target
 * server. If the stream fails (the source dump died) or the load fails, the scratch database is
 * dropped and the target was never touched;</li>
 * <li>only after the whole stream loaded, the objects are swapped in: the stage's triggers, routines
 * and events and its views are captured with the dump tool (in memory), then one client session drops
 * the stage's triggers and views (they cannot move between databases), drops what the target loses
 * ({@code --clean}: everything; otherwise the objects the dump replaces), moves the target's replaced
 * tables into {@code dbbackup_old_<tag>} and the stage's tables into the target in ONE atomic
 * {@code RENAME TABLE}, sets the target's default character set, and recreates triggers, routines,
 * events and views in the target, and runs the dump's account grants (kept aside while loading, see
 * {@link GrantsTail}) for the target; then both scratch databases are dropped. Without {@code --clean}
 * a replaced table that a table staying refers to with a foreign key is dropped just before the rename instead
 * of moved, so that the key binds to the new one, as with a plain load.</li>
 * </ol>
 * The swap is a handful of DDL statements and is not interrupted by a cancellation. If it fails in the middle, it is
 * undone where nothing was dropped for good (no replaced table that a table staying refers to): the target's own
 * objects, captured before, are recreated and the tables renamed back ({@link #undo}). Otherwise, or if the undo fails,
 * the error names the scratch databases that still hold the copy and the replaced tables.
 * <p>The swap's SQL is bytes, as the dump tool wrote them: the captured objects are kept byte for byte (ISO-8859-1
 * strings, our own SQL joined as its UTF-8 bytes with {@link Sql#bytewise}), so a view's {@code _latin1'<E9>'} or
 * {@code _binary'<FF>'} literal, no UTF-8, is recreated as it was.
 */
final class StagedRestore {
    static final String STAGE_PREFIX = "dbbackup_stage_";
    static final String OLD_PREFIX = "dbbackup_old_";
    private static final int HEADER_PEEK = 4096;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MySqlSettings s;
    private final MySqlClient client;
    private final String describe;

    StagedRestore(MySqlSettings settings, MySqlClient client, String describe) {
        this.s = settings;
        this.client = client;
        this.describe = describe;
    }

    /**
     * Refuses a sync that cannot be staged, before anything runs ({@link MySqlEngine#checkSyncFrom}) and again before the
     * load: a target of several databases, or a source of several ({@code severalSource}: what it is, for the message;
     * null when the source is one database), whose dump switches to the source's own names ({@code USE}).
     */
    static void requireOneDatabaseEachSide(Scope target, String describe, String severalSource) {
        if (target.kind() != Scope.Kind.ONE) {
            throw DbBackupException.user("sync into " + describe + " needs a one-database target (database: ...): "
                    + "only one database can be loaded into a scratch database and swapped in");
        }
        if (severalSource != null) {
            throw DbBackupException.user("sync into " + describe + " needs a one-database source (database: ...): "
                    + severalSource + " is several databases, whose dump switches to their own names (USE) and cannot be "
                    + "loaded into a scratch database and swapped in; sync each database through a datasource naming it");
        }
    }

    void run(InputStream in, boolean clean, OperationContext ctx) throws IOException {
        requireOneDatabaseEachSide(s.scope(), describe, null);
        BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
        requireOneDatabaseDump(buffered);
        String target = s.scope().single();
        byte[] tagBytes = new byte[6];
        RANDOM.nextBytes(tagBytes);
        String tag = HexFormat.of().formatHex(tagBytes);
        String stage = STAGE_PREFIX + tag;
        String old = OLD_PREFIX + tag;
        Path tool = client.clientTool();
        try (DefaultsFile defaults = DefaultsFile.create(ctx.scratchDir(), s.password())) {
            ClientFamily family = client.probe(tool, ctx).family();
            warnOfEarlierScratchDatabases(defaults, ctx);
            client.query("CREATE DATABASE " + Sql.ident(stage), null, defaults, ctx);
            ctx.log().info("loading into a scratch database; the target is swapped only after the whole dump loaded",
                    "target", describe, "scratch", stage);
            Swap swap;
            Events[] events = new Events[1];
            try {
                List<String> load = client.base(tool, defaults, family);
                load.addAll(ClientLoad.OPTIONS);
                load.add("--database=" + stage);
                // USE of another database: not the stage
                InputStream dump = DatabaseSwitches.into(stage, new MarkingSourceFailures(buffered));
                // views that name the source database read the stage, so the captured views read the target after the
                // swap; ViewNames first, as in a restore: SequenceDefaults drops lines, and an error names the dump's line
                dump = ViewNames.into(stage, dump);
                // rows of a table with a sequence default load without LOCK TABLES (its name is the dump's: see README)
                dump = SequenceDefaults.into(null, dump);
                GrantsTail grants = new GrantsTail(new io.dbbackup.spi.FilteredInputStream(dump,
                        kept -> events[0] = new Events(stage, kept))); // not run in the stage: created DISABLED
                new ClientLoad(client).run(load, grants, defaults, ctx);
                swap = swapScript(stage, old, target, clean, defaults, ctx).enabling(events[0], target)
                        .then(Sql.bytewise(grants.section()));
            } catch (IOException | RuntimeException e) {
                dropQuietly(List.of(stage), defaults, ctx);
                throw untouched(e, target, stage);
            }
            OperationContext uninterrupted = new OperationContext(new Cancellation(), ctx.log(), ctx.scratchDir(), ctx.commands());
            try {
                List<String> cmd = cmd(tool, defaults, family);
                client.run(cmd, new ByteArrayInputStream(swap.sql().getBytes(StandardCharsets.ISO_8859_1)), null, uninterrupted);
            } catch (IOException | RuntimeException e) {
                if (undo(swap, stage, old, target, cmd(tool, defaults, family), defaults, uninterrupted)) {
                    dropQuietly(List.of(stage, old), defaults, uninterrupted);
                    throw new DbBackupException(ExitStatus.SYSTEM_ERROR, "swapping the loaded copy into " + Sql.ident(target)
                            + " failed and was undone: " + Sql.ident(target) + " is as it was (scratch databases dropped): "
                            + e.getMessage(), e, false);
                }
                throw new DbBackupException(ExitStatus.SYSTEM_ERROR, "the dump loaded completely into scratch database " + stage
                        + " but swapping it into " + Sql.ident(target) + " failed: " + e.getMessage() + "; " + Sql.ident(target)
                        + " may be partly swapped: the complete copy is kept in " + stage
                        + (clean ? ", the target's previous tables in " + old : ""), e, false);
            }
            dropQuietly(List.of(stage, old), defaults, uninterrupted);
            ctx.log().info("scratch database swapped in", "target", describe);
            if (target.equals(events[0].source())) {
                events[0].warnUnread(target, ctx.log());
            } else {
                events[0].warn(target, "synced", ctx.log());
            }
        }
    }

    /**
     * Scratch databases already on the server are a sync in progress or the copy an interrupted one could not
     * drop (killed with SIGKILL, or a failed swap, whose error named them): a whole copy of a database each,
     * taking the server's disk. They are said, with their size, never dropped: which is which only the user
     * knows. Best effort: a server that cannot say goes on without the warning.
     */
    private void warnOfEarlierScratchDatabases(DefaultsFile defaults, OperationContext ctx) {
        String sql = "SELECT s.SCHEMA_NAME, COALESCE(SUM(t.DATA_LENGTH + t.INDEX_LENGTH), 0)"
                + " FROM information_schema.SCHEMATA s LEFT JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = s.SCHEMA_NAME"
                + " WHERE s.SCHEMA_NAME LIKE " + Sql.literal(STAGE_PREFIX.replace("_", "\\_") + "%")
                + " OR s.SCHEMA_NAME LIKE " + Sql.literal(OLD_PREFIX.replace("_", "\\_") + "%")
                + " GROUP BY s.SCHEMA_NAME ORDER BY s.SCHEMA_NAME";
        List<List<String>> rows;
        try {
            rows = client.query(sql, null, defaults, ctx);
        } catch (IOException | RuntimeException e) {
            ctx.log().debug("could not look for scratch databases of earlier syncs", "target", describe, "reason", e.getMessage());
            return;
        }
        if (rows.isEmpty()) {
            return;
        }
        List<String> named = new ArrayList<>();
        for (List<String> r : rows) {
            named.add(r.get(0) + " (" + Human.size(Long.parseLong(r.get(1))) + ")");
        }
        ctx.log().warn("scratch databases of earlier syncs are on the server: a sync running now, or copies an interrupted "
                + "one could not drop; when no sync runs, drop them (DROP DATABASE) to free their space: " + String.join(", ", named),
                "target", describe);
    }

    /**
     * The stream must be this engine's one-database dump (its header says so): a dump of several
     * databases carries {@code USE} statements and would load into the real databases, not the stage.
     * A sync checks the source before it starts ({@link #requireOneDatabaseEachSide}); this is the stream's own word.
     */
    private void requireOneDatabaseDump(BufferedInputStream in) throws IOException {
        in.mark(HEADER_PEEK);
        byte[] head = in.readNBytes(HEADER_PEEK);
        in.reset();
        String text = new String(head, StandardCharsets.UTF_8);
        if (!text.startsWith(MySqlEngine.HEADER_START) || !text.contains("\n" + MySqlEngine.ONE_DATABASE_MARK)) {
            requireOneDatabaseEachSide(s.scope(), describe, "the dump's source");
        }
    }

    /** What the two databases hold, from information_schema. */
    private record Catalog(String version, String charset, String collation, boolean targetExists, String targetCharset,
                           String targetCollation, List<String[]> foreignKeys, List<String[]> tables, List<String[]> triggers, List<String[]> routines, List<String[]> events) {
        List<String> tables(String db, boolean views) {
            return tables.stream().filter(t -> t[0].equals(db) && t[2].equals("VIEW") == views).map(t -> t[1]).toList();
        }

        List<String[]> of(List<String[]> objects, String db) {
            return objects.stream().filter(o -> o[0].equals(db)).toList();
        }
    }

    private Catalog catalog(String stage, String target, DefaultsFile defaults, OperationContext ctx) throws IOException {
        String both = "(" + Sql.literal(stage) + "," + Sql.literal(target) + ")";
        String sql = "SELECT 'v', VERSION();\n"
                + "SELECT 'db', SCHEMA_NAME, DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA"
                + " WHERE SCHEMA_NAME IN " + both + ";\n"
                + "SELECT 't', TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA IN " + both
                + " ORDER BY TABLE_NAME;\n"
                + "SELECT 'tr', TRIGGER_SCHEMA, TRIGGER_NAME, EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS"
                + " WHERE TRIGGER_SCHEMA IN " + both + ";\n"
                + "SELECT 'r', ROUTINE_SCHEMA, ROUTINE_TYPE, ROUTINE_NAME FROM information_schema.ROUTINES"
                + " WHERE ROUTINE_SCHEMA IN " + both + ";\n"
                + "SELECT 'e', EVENT_SCHEMA, EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA IN " + both + ";\n"
                + "SELECT 'fk', TABLE_NAME, REFERENCED_TABLE_NAME FROM information_schema.REFERENTIAL_CONSTRAINTS"
                + " WHERE CONSTRAINT_SCHEMA = " + Sql.literal(target) + " AND UNIQUE_CONSTRAINT_SCHEMA = " + Sql.literal(target) + ";\n";
        String version = null;
        String charset = null;
        String collation = null;
        boolean targetExists = false;
        String targetCharset = null;
        String targetCollation = null;
        List<String[]> foreignKeys = new ArrayList<>();
        List<String[]> tables = new ArrayList<>();
        List<String[]> triggers = new ArrayList<>();
        List<String[]> routines = new ArrayList<>();
        List<String[]> events = new ArrayList<>();
        for (List<String> row : client.query(sql, null, defaults, ctx)) {
            String[] rest = row.subList(1, row.size()).toArray(String[]::new);
            switch (row.get(0)) {
                case "v" -> version = rest[0];
                case "db" -> {
                    if (rest[0].equals(stage)) {
                        charset = rest[1];
                        collation = rest[2];
                    } else {
                        targetExists = true;
                        targetCharset = rest[1];
                        targetCollation = rest[2];
                    }
                }
                case "t" -> tables.add(rest);
                case "tr" -> triggers.add(rest);
                case "r" -> routines.add(rest);
                case "e" -> events.add(rest);
                case "fk" -> foreignKeys.add(rest);
                default -> { }
            }
        }
        return new Catalog(version, charset, collation, targetExists, targetCharset, targetCollation, foreignKeys, tables, triggers,
                routines, events);
    }

    /**
     * The swap's SQL (byte for byte: {@link Sql#bytewise}) and, where the target can be put back, the SQL that does after a failed swap ({@link #undo}): the
     * target's own triggers, routines, events and views as captured before the swap, with its character set. Not when
     * the swap drops tables of the target (without {@code --clean}, a replaced table that a table that stays refers to
     * with a foreign key): they cannot come back.
     */
    private record Swap(String sql, String undo, List<String> stageTables, List<String> moveOut) {
        /** The same swap with {@code more} SQL run at its end. */
        Swap then(String more) {
            return new Swap(sql + more, undo, stageTables, moveOut);
        }

        /**
         * The same swap creating ENABLEd the events the stage got DISABLED ({@link Events}), when {@code target} is the
         * source's name; the names as the swap's byte-for-byte SQL spells them ({@link Sql#bytewise}).
         */
        Swap enabling(Events events, String target) {
            return target.equals(events.source()) ? new Swap(Events.enable(sql, events.disabled().stream().map(Sql::bytewise)
                    .collect(java.util.stream.Collectors.toUnmodifiableSet())), undo, stageTables, moveOut) : this;
        }
    }

    /** The SQL of the swap, built (and the stage's objects captured) before anything in the target changes. */
    private Swap swapScript(String stage, String old, String target, boolean clean, DefaultsFile defaults,
                              OperationContext ctx) throws IOException {
        Catalog c = catalog(stage, target, defaults, ctx);
        String t = Sql.ident(target);
        String st = Sql.ident(stage);
        List<String> stageTables = c.tables(stage, false);
        List<String> stageViews = c.tables(stage, true);
        Set<String> incoming = new LinkedHashSet<>(stageTables);
        incoming.addAll(stageViews);
        Set<String> incomingTriggers = new LinkedHashSet<>();
        c.of(c.triggers(), stage).forEach(tr -> incomingTriggers.add(tr[1]));
        // clean: every table of the target moves out in the same atomic RENAME that moves the new ones in; otherwise
        // the ones the dump replaces do (so that a failed swap can move them back), except those a table that stays
        // refers to with a foreign key: those are dropped right before it, so that the key binds to the new table by
        // name (as with a plain load) instead of following the old one away
        List<String> replaced = clean ? List.of() : c.tables(target, false).stream().filter(incoming::contains).toList();
        List<String> dropped = replaced.stream().filter(n -> c.foreignKeys().stream()
                .anyMatch(fk -> fk[1].equals(n) && !replaced.contains(fk[0]))).toList();
        List<String> moveOut = clean ? c.tables(target, false) : replaced.stream().filter(n -> !dropped.contains(n)).toList();

        StringBuilder b = new StringBuilder("SET SESSION lock_wait_timeout = 300;\n");
        if (!c.targetExists()) {
            b.append("CREATE DATABASE ").append(t).append(";\n");
        }
        if (!moveOut.isEmpty()) {
            b.append("CREATE DATABASE ").append(Sql.ident(old)).append(";\n");
        }
        // triggers and views cannot move to another database: they are recreated from the captured SQL
        for (String[] tr : c.of(c.triggers(), stage)) {
            b.append("DROP TRIGGER ").append(st).append('.').append(Sql.ident(tr[1])).append(";\n");
        }
        for (String v : stageViews) {
            b.append("DROP VIEW ").append(st).append('.').append(Sql.ident(v)).append(";\n");
        }
        for (String[] tr : c.of(c.triggers(), target)) {
            if (clean || replaced.contains(tr[2]) || incomingTriggers.contains(tr[1])) {
                b.append("DROP TRIGGER ").append(t).append('.').append(Sql.ident(tr[1])).append(";\n");
            }
        }
        for (String v : c.tables(target, true)) {
            if (clean || incoming.contains(v)) {
                b.append("DROP VIEW ").append(t).append('.').append(Sql.ident(v)).append(";\n");
            }
        }
        if (clean) {
            for (String[] r : c.of(c.routines(), target)) {
                b.append("DROP ").append(r[1]).append(' ').append(t).append('.').append(Sql.ident(r[2])).append(";\n");
            }
            for (String[] e : c.of(c.events(), target)) {
                b.append("DROP EVENT ").append(t).append('.').append(Sql.ident(e[1])).append(";\n");
            }
        }
        if (!dropped.isEmpty()) {
            b.append("SET SESSION foreign_key_checks = 0;\nDROP TABLE ").append(String.join(", ",
                    dropped.stream().map(n -> t + "." + Sql.ident(n)).toList())).append(";\n");
        }
        List<String> renames = new ArrayList<>();
        moveOut.forEach(n -> renames.add(t + "." + Sql.ident(n) + " TO " + Sql.ident(old) + "." + Sql.ident(n)));
        stageTables.forEach(n -> renames.add(st + "." + Sql.ident(n) + " TO " + t + "." + Sql.ident(n)));
        if (!renames.isEmpty()) {
            b.append("RENAME TABLE ").append(String.join(", ", renames)).append(";\n");
        }
        if (c.charset() != null && c.charset().matches("\\w+") && c.collation() != null && c.collation().matches("\\w+")) {
            b.append("ALTER DATABASE ").append(t).append(" CHARACTER SET ").append(c.charset()).append(" COLLATE ")
                    .append(c.collation()).append(";\n");
        }
        b.append("USE ").append(t).append(";\n");
        b = new StringBuilder(Sql.bytewise(b.toString())); // the captured SQL follows byte for byte
        boolean hasCode = !c.of(c.triggers(), stage).isEmpty() || !c.of(c.routines(), stage).isEmpty()
                || !c.of(c.events(), stage).isEmpty();
        if (hasCode) {
            b.append(capture(stage, c.version(), List.of("--no-create-info", "--no-data", "--add-drop-trigger", "--skip-comments"),
                    List.of(), defaults, ctx));
        }
        if (!stageViews.isEmpty()) {
            b.append(capture(stage, c.version(), List.of("--no-data", "--skip-triggers", "--skip-routines", "--skip-events",
                    "--skip-comments"), stageViews, defaults, ctx));
        }
        String undo = null;
        if (!c.targetExists()) {
            undo = Sql.bytewise("DROP DATABASE IF EXISTS " + t + ";\n");
        } else if (dropped.isEmpty()) {
            StringBuilder u = new StringBuilder();
            if (c.targetCharset() != null && c.targetCharset().matches("\\w+") && c.targetCollation() != null
                    && c.targetCollation().matches("\\w+")) {
                u.append("ALTER DATABASE ").append(t).append(" CHARACTER SET ").append(c.targetCharset()).append(" COLLATE ")
                        .append(c.targetCollation()).append(";\n");
            }
            u.append("USE ").append(t).append(";\n");
            u = new StringBuilder(Sql.bytewise(u.toString())); // the captured SQL follows byte for byte
            if (!c.of(c.triggers(), target).isEmpty() || !c.of(c.routines(), target).isEmpty() || !c.of(c.events(), target).isEmpty()) {
                u.append(capture(target, c.version(), List.of("--no-create-info", "--no-data", "--add-drop-trigger", "--skip-comments"),
                        List.of(), defaults, ctx));
            }
            List<String> targetViews = c.tables(target, true);
            if (!targetViews.isEmpty()) {
                u.append(capture(target, c.version(), List.of("--no-data", "--skip-triggers", "--skip-routines", "--skip-events",
                        "--skip-comments"), targetViews, defaults, ctx));
            }
            undo = u.toString();
        }
        return new Swap(b.append('\n').toString(), undo, stageTables, moveOut);
    }

    /**
     * After a failed swap: puts the target back as it was when that can be done ({@link Swap#undo} not null): drops every
     * trigger, view, routine and event the target holds now, moves the tables back where they were if the one
     * {@code RENAME TABLE} had happened (it is atomic: the stage still holding its tables says it had not), and recreates
     * the target's own objects from what was captured before. False when it cannot be done or fails itself.
     */
    private boolean undo(Swap swap, String stage, String old, String target, List<String> cmd, DefaultsFile defaults,
                         OperationContext ctx) {
        if (swap.undo() == null) {
            return false;
        }
        try {
            Catalog now = catalog(stage, target, defaults, ctx);
            String t = Sql.ident(target);
            StringBuilder b = new StringBuilder("SET SESSION lock_wait_timeout = 300;\nSET SESSION foreign_key_checks = 0;\n");
            if (now.targetExists() && !swap.undo().startsWith("DROP DATABASE")) {
                for (String[] tr : now.of(now.triggers(), target)) {
                    b.append("DROP TRIGGER ").append(t).append('.').append(Sql.ident(tr[1])).append(";\n");
                }
                for (String v : now.tables(target, true)) {
                    b.append("DROP VIEW ").append(t).append('.').append(Sql.ident(v)).append(";\n");
                }
                for (String[] r : now.of(now.routines(), target)) {
                    b.append("DROP ").append(r[1]).append(' ').append(t).append('.').append(Sql.ident(r[2])).append(";\n");
                }
                for (String[] e : now.of(now.events(), target)) {
                    b.append("DROP EVENT ").append(t).append('.').append(Sql.ident(e[1])).append(";\n");
                }
                boolean renamed = !swap.stageTables().isEmpty() && now.tables(stage, false).isEmpty();
                if (renamed) {
                    List<String> back = new ArrayList<>();
                    swap.stageTables().forEach(n -> back.add(t + "." + Sql.ident(n) + " TO " + Sql.ident(stage) + "." + Sql.ident(n)));
                    swap.moveOut().forEach(n -> back.add(Sql.ident(old) + "." + Sql.ident(n) + " TO " + t + "." + Sql.ident(n)));
                    b.append("RENAME TABLE ").append(String.join(", ", back)).append(";\n");
                }
            }
            String sql = Sql.bytewise(b.toString()) + swap.undo();
            client.run(cmd, new ByteArrayInputStream(sql.getBytes(StandardCharsets.ISO_8859_1)), null, ctx);
            return true;
        } catch (IOException | RuntimeException e) {
            ctx.log().warn("could not undo the failed swap", "target", describe, "error", e.getMessage());
            return false;
        }
    }

    private List<String> cmd(Path tool, DefaultsFile defaults, ClientFamily family) {
        List<String> cmd = client.base(tool, defaults, family);
        cmd.addAll(ClientLoad.OPTIONS);
        return cmd;
    }

    /**
     * Runs the dump tool on {@code db} with {@code options} (schema only) and returns its SQL byte for byte (ISO-8859-1,
     * see {@link Sql#bytewise}), without {@code `db`.}
     * qualifiers: the server writes a view whose definer may not use it (an account with rights on the source
     * database only) with its columns qualified by the database it is in, and the SQL is run in another one
     * (audit F7: {@code Unknown column 'dbbackup_stage_….t.id'}). The SQL runs after {@code USE} of the database it is
     * meant for, where the names resolve as they did.
     */
    private String capture(String db, String version, List<String> options, List<String> objects, DefaultsFile defaults,
                           OperationContext ctx) throws IOException {
        Path tool = client.dumpTool();
        ClientFamily.Probe probe = client.probe(tool, ctx);
        List<String> cmd = client.base(tool, defaults, probe.family());
        cmd.addAll(DumpArgs.of(Scope.one(db), probe, version, options));
        cmd.addAll(objects);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        client.run(cmd, null, out, ctx);
        return out.toString(StandardCharsets.ISO_8859_1).replace(Sql.bytewise(Sql.ident(db) + "."), "");
    }

    private void dropQuietly(List<String> databases, DefaultsFile defaults, OperationContext ctx) {
        OperationContext fresh = new OperationContext(new Cancellation(), ctx.log(), ctx.scratchDir(), ctx.commands());
        StringBuilder sql = new StringBuilder("SET SESSION foreign_key_checks = 0;\n");
        databases.forEach(d -> sql.append("DROP DATABASE IF EXISTS ").append(Sql.ident(d)).append(";\n"));
        try {
            client.query(sql.toString(), null, defaults, fresh);
        } catch (IOException | RuntimeException e) {
            ctx.log().warn("could not drop the scratch database; drop it yourself", "databases", String.join(",", databases),
                    "error", e.getMessage());
        }
    }

    /** The failure of the load, saying that the target was left alone. */
    private IOException untouched(Exception e, String target, String stage) {
        Throwable cause = e instanceof SourceFailed sf ? sf.getCause() : e;
        String what = "nothing was changed in " + Sql.ident(target) + " (the dump was loading into scratch database " + stage
                + ", which was dropped)";
        if (cause instanceof DbBackupException d) {
            throw new DbBackupException(d.status(), what + ": " + d.getMessage(), d, d.retryable());
        }
        if (cause instanceof ToolFailedException tf) {
            throw new DbBackupException(ExitStatus.SYSTEM_ERROR, what + ": " + tf.getMessage(), tf, tf.retryable());
        }
        IOException wrapped = cause instanceof InterruptedIOException ? new InterruptedIOException(what + ": " + cause.getMessage())
                : new IOException(what + ": " + cause.getMessage());
        wrapped.initCause(cause);
        return wrapped;
    }

    /** A read failure of the incoming stream (the source died), kept apart from the client's own failures. */
    private static final class SourceFailed extends IOException {
        SourceFailed(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static final class MarkingSourceFailures extends FilterInputStream {
        MarkingSourceFailures(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (IOException e) {
                throw new SourceFailed(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (IOException e) {
                throw new SourceFailed(e);
            }
        }
    }
}
