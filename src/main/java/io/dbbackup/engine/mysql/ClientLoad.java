package io.dbbackup.engine.mysql;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.spi.Cancellation;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.ToolFailedException;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Feeding a dump to the client ({@code mysql}/{@code mariadb}), for a restore and a sync's load alike: the options it
 * loads with, and what a failure says — the server's packet limit named with its fix ({@link PacketLimit}) — and, for
 * a restore, that a database the restore itself created is dropped again, so a failure leaves no half-restored
 * database where there was none.
 */
final class ClientLoad {
    /** After the connection options: bytes as they are, utf8mb4 ({@link MySqlClient#UTF8MB4}), and the client's largest packet. */
    static final List<String> OPTIONS = List.of("--binary-mode", MySqlClient.UTF8MB4.get(0), MySqlClient.UTF8MB4.get(1),
            PacketLimit.CLIENT_ARG);

    private final MySqlClient client;

    ClientLoad(MySqlClient client) {
        this.client = client;
    }

    /** Runs {@code cmd} on {@code in}; a failure that is the server's packet limit says so. */
    void run(List<String> cmd, InputStream in, DefaultsFile defaults, OperationContext ctx) throws IOException {
        PacketLimit measured = new PacketLimit(in);
        try {
            client.run(cmd, measured, null, ctx);
        } catch (IOException | RuntimeException e) {
            DbBackupException explained = PacketLimit.mayBe(e.getMessage())
                    ? measured.explain(e, serverLimit(defaults, ctx)) : null;
            if (explained != null) {
                throw explained;
            }
            throw e;
        }
    }

    /** The server's {@code max_allowed_packet} (bytes), 0 when it cannot be asked (it may have gone away for good). */
    private long serverLimit(DefaultsFile defaults, OperationContext ctx) {
        try {
            List<List<String>> rows = client.query("SELECT @@GLOBAL.max_allowed_packet", null, defaults, fresh(ctx));
            return Long.parseLong(rows.get(0).get(0));
        } catch (IOException | RuntimeException e) {
            ctx.log().debug("could not ask the server its max_allowed_packet", "reason", e.getMessage());
            return 0;
        }
    }

    /** Which of {@code databases} are on the server now. */
    List<String> present(List<String> databases, DefaultsFile defaults, OperationContext ctx) throws IOException {
        List<String> present = new ArrayList<>();
        for (List<String> row : client.query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN ("
                + Sql.literalList(databases) + ")", null, defaults, ctx)) {
            present.add(row.get(0));
        }
        return present;
    }

    /**
     * After a failed restore: drops {@code created} (databases that were not there before it) and returns the failure
     * saying so. A database that was there keeps what loaded before the error; that is said too, and after a whole
     * restore ({@code whole}: the dump's {@code DROP … IF EXISTS} kept) that it is partly restored (on a read-only server,
     * which refused the first write, that it is unchanged) — with {@code cleaned}
     * (it was dropped and created again by {@code --clean}), that it holds only that: what it held before is gone.
     */
    Exception droppingCreated(Exception failure, List<String> created, List<String> existed, boolean cleaned, boolean whole,
                              DefaultsFile defaults, OperationContext ctx) {
        created = visibleNow(created, defaults, ctx);
        StringBuilder sql = new StringBuilder("SET SESSION foreign_key_checks = 0;\n");
        created.forEach(d -> sql.append("DROP DATABASE IF EXISTS ").append(Sql.ident(d)).append(";\n"));
        String note;
        if (created.isEmpty()) {
            note = "";
        } else {
            try {
                client.query(sql.toString(), null, defaults, fresh(ctx));
                note = "; " + names(created) + ", which this restore created, " + (created.size() == 1 ? "was" : "were")
                        + " dropped again";
            } catch (IOException | RuntimeException e) {
                note = "; " + names(created) + ", which this restore created, could not be dropped again (" + e.getMessage()
                        + "): drop " + (created.size() == 1 ? "it" : "them") + " yourself";
            }
        }
        if (!existed.isEmpty()) {
            note += SettingHints.readOnly(stderr(failure)) // the server refused the first write: nothing loaded
                    ? "; " + names(existed) + (existed.size() == 1 ? " is" : " are") + " unchanged (the read-only server "
                    + "refused the restore's first write)"
                    : cleaned
                    ? "; " + names(existed) + ", emptied by --clean, " + (existed.size() == 1 ? "holds" : "hold")
                    + " only what loaded before the error (what " + (existed.size() == 1 ? "it" : "they")
                    + " held before is gone): restore again once the cause is fixed"
                    : "; " + names(existed) + " keep" + (existed.size() == 1 ? "s" : "") + " what loaded before the error"
                    + (!whole ? "" : " and " + (existed.size() == 1 ? "is" : "are") + " partly restored: the backup's tables the load "
                    + "reached were dropped and created again (the last one may hold only part of its rows), the others "
                    + "are as they were; restore again once the cause is fixed (with --clean for exactly the backup)");
        }
        return withNote(failure, note);
    }

    /**
     * After a failed restore of a dump of all databases, which names its databases only as it is read (none are known
     * before, none dropped after): the server holds the part of the backup the client was given before the failure, the
     * databases it reached partly restored, as {@link #droppingCreated} says of a named one; unchanged when the read-only
     * server refused the first write.
     */
    Exception onWholeServer(Exception failure) {
        return withNote(failure, SettingHints.readOnly(stderr(failure))
                ? "; the server is unchanged (the read-only server refused the restore's first write)"
                : "; the server holds the part of the backup read before the failure: the backup's databases the load "
                + "reached are partly restored (created when missing; their tables it reached dropped and created again, the "
                + "last one perhaps with only part of its rows), the others are as they were; restore again once the cause "
                + "is fixed");
    }

    /**
     * After a failed restore of rows only ({@code --data-only}): they load in one transaction ({@code SET autocommit=0},
     * no {@code LOCK TABLES}), which the client's exit rolled back — but for a table of an engine without transactions.
     */
    static Exception rolledBack(Exception failure) {
        return withNote(failure, "; rows only load in one transaction, rolled back: nothing was applied (a table of an "
                + "engine without transactions, MyISAM, keeps the rows loaded before the error)");
    }

    /**
     * After a failed restore in part ({@code --table}, {@code --schema}) that met an object in place ({@code ERROR 1050},
     * "Table 'orders' already exists": the dump's {@code DROP … IF EXISTS} are left out, so nothing is replaced): the
     * ways on, which the README gives and the error did not — the user wanted that table's rows back.
     */
    static Exception objectInPlace(Exception failure) {
        if (!stderr(failure).contains("ERROR 1050")) {
            return failure;
        }
        return withNote(failure, "; " + io.dbbackup.spi.InPlace.TABLE);
    }

    /** {@code failure} with {@code note} (empty: none) after its message. */
    private static Exception withNote(Exception failure, String note) {
        if (note.isEmpty()) {
            return failure;
        }
        if (failure instanceof DbBackupException d) {
            return new DbBackupException(d.status(), d.getMessage() + note, d, d.retryable());
        }
        boolean retryable = failure instanceof ToolFailedException tf && tf.retryable();
        return new DbBackupException(ExitStatus.SYSTEM_ERROR, failure.getMessage() + note, failure, retryable);
    }

    /**
     * Which of {@code created} the account sees now: a database it saw before the restore as little as now (no privilege
     * on it: information_schema shows it none) was not created by it, only hidden from it, and is none of its business —
     * a restore of several databases that stopped at the dump's {@code CREATE DATABASE IF NOT EXISTS} of one said it
     * had created that one and told the user to drop it. All of them when the server cannot be asked.
     */
    private List<String> visibleNow(List<String> created, DefaultsFile defaults, OperationContext ctx) {
        if (created.isEmpty()) {
            return created;
        }
        try {
            return present(created, defaults, fresh(ctx));
        } catch (IOException | RuntimeException e) {
            ctx.log().debug("could not ask which databases the restore created", "reason", e.getMessage());
            return created;
        }
    }

    /** What the client wrote to stderr: of the {@link ToolFailedException} among {@code failure}'s causes, else {@code ""}. */
    private static String stderr(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ToolFailedException tf) {
                return tf.stderrTail();
            }
        }
        return "";
    }

    private static String names(List<String> databases) {
        return (databases.size() == 1 ? "database " : "databases ") + String.join(", ", databases.stream().map(Sql::ident).toList());
    }

    private static OperationContext fresh(OperationContext ctx) {
        return new OperationContext(new Cancellation(), ctx.log(), ctx.scratchDir(), ctx.commands());
    }
}
