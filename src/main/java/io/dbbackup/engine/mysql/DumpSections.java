package io.dbbackup.engine.mysql;

import io.dbbackup.spi.FilteredInputStream;
import io.dbbackup.spi.LineFilter;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * A mysqldump/mariadb-dump script of any size taken apart line by line as it streams by, by the section comments the
 * dump tool writes ({@code --} / {@code -- Table structure for table `t`} / {@code --}): each line is shown to a
 * {@link Rule} with the section it is in and its first bytes, and passed on to {@code out} whole or not at all. A line
 * of rows may be any length: only its first {@value LineFilter#HEAD} bytes are held ({@link LineFilter}). A title counts
 * only on the line after a bare {@code --}; rows cannot begin a line with one (the dump tool escapes newlines inside
 * values). In a dump of several databases, each section knows the database the dump had switched to.
 */
final class DumpSections extends LineFilter {

    enum Kind {
        /** The dump's opening {@code SET} statements, before the first section. */
        PREAMBLE,
        /**
         * MariaDB's {@code Sequence structure for `s`}, written before every table: {@code DROP SEQUENCE}, {@code CREATE
         * SEQUENCE} and {@code DO SETVAL} to its value at backup time.
         */
        SEQUENCE,
        /** {@code Table structure for table}: {@code DROP TABLE}, {@code CREATE TABLE} (and, without rows, its triggers). */
        TABLE,
        /** {@code Dumping data for table}: the rows, then the table's triggers. */
        DATA,
        /** A view's placeholder: a stand-in with its columns, so that what refers to the view can be created before it. */
        VIEW,
        /** {@code Final view structure for view}: the view's {@code CREATE VIEW}, after every table of its database. */
        VIEW_DEFINITION,
        /** {@code Current Database: `shop`} in a dump of several databases: its {@code CREATE DATABASE} and {@code USE}. */
        DATABASE,
        /** Routines, events, replication state, the accounts dbbackup appends. */
        OTHER
    }

    /**
     * A section: {@code name} the table, view or database it is about (null for the others), {@code database} the one the
     * dump was in at its heading (null in a dump of one database, which names none). Compared by identity: each heading
     * opens a new one.
     */
    record Section(Kind kind, String name, String database) {
        /** {@code database.name} in a dump of several databases, else the name. */
        String qualified() {
            return database == null || name == null ? name : database + "." + name;
        }
    }

    /** Decides each line: {@code head} is its first bytes (up to {@value LineFilter#HEAD}), decoded, without the line end. */
    interface Rule {
        boolean keeps(Section section, String head);
    }

    private static final String[][] TITLES = {
            {"Table structure for table ", "TABLE"},
            {"Sequence structure for ", "SEQUENCE"},
            {"Dumping data for table ", "DATA"},
            {"Temporary table structure for view ", "VIEW"},
            {"Temporary view structure for view ", "VIEW"},
            {"Final view structure for view ", "VIEW_DEFINITION"},
            {"Dumping events for database ", "OTHER"},
            {"Dumping routines for database ", "OTHER"},
            {"Current Database: ", "DATABASE"},
            {"GTID state at the ", "OTHER"},
            {"Position to start replication", "OTHER"},
    };

    private final Rule rule;
    private boolean afterDashes;
    private Section section = new Section(Kind.PREAMBLE, null, null);
    private String database;

    DumpSections(Rule rule, OutputStream out) {
        super(out);
        this.rule = rule;
    }

    /** {@code in} with only the lines {@code rule} keeps: what a partial restore loads. */
    static InputStream into(Rule rule, InputStream in) {
        return new FilteredInputStream(in, kept -> new DumpSections(rule, kept));
    }

    @Override
    protected boolean keep(String text, boolean whole) {
        if (text.startsWith(Grants.SECTION_START)) {
            section = new Section(Kind.OTHER, null, null);
        } else if (afterDashes && text.startsWith("-- ")) {
            Section titled = titled(text.substring(3), database);
            if (titled != null) {
                section = titled;
                if (titled.kind() == Kind.DATABASE) {
                    database = titled.name();
                    section = new Section(Kind.DATABASE, titled.name(), titled.name());
                }
            }
        }
        afterDashes = whole && text.equals("--");
        return rule.keeps(section, text);
    }

    private static Section titled(String title, String database) {
        for (String[] t : TITLES) {
            if (title.startsWith(t[0])) {
                Kind kind = Kind.valueOf(t[1]);
                return new Section(kind, kind == Kind.OTHER ? null : unquote(title.substring(t[0].length()).strip()), database);
            }
        }
        return null;
    }

    /** {@code `a``b`} → {@code a`b}; a name the dump tool did not quote stays as it is. */
    static String unquote(String name) {
        if (name.length() >= 2 && name.startsWith("`") && name.endsWith("`")) {
            return name.substring(1, name.length() - 1).replace("``", "`");
        }
        return name;
    }
}
