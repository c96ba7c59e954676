package io.dbbackup.spi;

/**
 * What a restore in part ({@code --table}, {@code --schema}) that met an object the target holds already says the user
 * can do, in the same words for every engine: it replaces nothing in place (no engine's restore in part drops first),
 * and the user wanted that object's rows or definition back.
 */
public final class InPlace {
    /** For a table in place: its rows loaded into it, it dropped first, or another target. */
    public static final String TABLE = "a restore in part (--table, --schema) does not replace what is in place: add "
            + "--data-only to load the backup's rows into the table that is there (one transaction: a row whose key is "
            + "there already rolls it all back), drop it first to bring back the backup's own, or restore into "
            + "another datasource with --to";

    /** For a view, an index or a trigger in place, which holds no rows of its own: dropped first, or another target. */
    public static final String NOT_A_TABLE = "a restore in part (--table, --schema) does not replace what is in place: "
            + "drop it first to bring back the backup's own, or restore into another datasource with --to";

    private InPlace() {
    }
}
