package io.dbbackup.engine.mysql;

/** Which client tools an engine type runs: MySQL's names or MariaDB's. Everything else is shared. */
public enum MySqlFlavor {
    MYSQL("mysql", "mysqldump", "mysql"),
    MARIADB("mariadb", "mariadb-dump", "mariadb");

    private final String type;
    private final String dumpTool;
    private final String clientTool;

    MySqlFlavor(String type, String dumpTool, String clientTool) {
        this.type = type;
        this.dumpTool = dumpTool;
        this.clientTool = clientTool;
    }

    /** The {@code engine:} value. */
    public String type() {
        return type;
    }

    public String dumpTool() {
        return dumpTool;
    }

    public String clientTool() {
        return clientTool;
    }
}
