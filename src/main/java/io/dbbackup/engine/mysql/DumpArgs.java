package io.dbbackup.engine.mysql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The dump options after the connection options: a consistent, complete, portable dump.
 * <ul>
 * <li>{@code --single-transaction}: one consistent snapshot of InnoDB tables, no table locks;</li>
 * <li>{@code --routines --triggers --events}: every object, not just tables;</li>
 * <li>{@code --hex-blob}: binary data survives any transfer;</li>
 * <li>{@code --default-character-set=utf8mb4}: emoji survive;</li>
 * <li>MySQL's mysqldump: {@code --set-gtid-purged=OFF} so the dump loads on any server, not only a
 *     replica of the source (MariaDB's dump writes no GTID state unless asked);</li>
 * <li>MySQL 8 client against a MariaDB server: {@code --column-statistics=0} (MariaDB has no
 *     COLUMN_STATISTICS table).</li>
 * </ul>
 * One database is dumped without {@code --databases}: no {@code CREATE DATABASE}/{@code USE} in the
 * SQL, so it restores into whatever database the target names.
 */
final class DumpArgs {
    private DumpArgs() {
    }

    static List<String> of(Scope scope, ClientFamily.Probe client, String serverVersion, List<String> extraArgs) {
        List<String> a = new ArrayList<>(List.of("--single-transaction", "--routines", "--triggers", "--events",
                "--hex-blob", "--default-character-set=utf8mb4"));
        if (client.family() == ClientFamily.MYSQL) {
            a.add("--set-gtid-purged=OFF");
            if (client.major() >= 8 && serverVersion != null && serverVersion.toLowerCase(Locale.ROOT).contains("mariadb")) {
                a.add("--column-statistics=0");
            }
        }
        a.addAll(extraArgs);
        switch (scope.kind()) {
            case ONE -> {
                a.add("--");
                a.add(scope.single());
            }
            case SOME -> {
                a.add("--databases");
                a.add("--");
                a.addAll(scope.databases());
            }
            case ALL -> a.add("--all-databases");
        }
        return a;
    }

    /** Why an {@code extra_args} entry is refused, if it is: it would leak a secret, redirect or break the dump. */
    static Optional<String> reject(String arg) {
        String a = arg.strip();
        String name = a.startsWith("--") ? a.substring(2).split("=", 2)[0].toLowerCase(Locale.ROOT).replace('_', '-') : null;
        if (a.equals("-p") || (a.startsWith("-p") && !a.startsWith("--")) || (name != null && name.startsWith("password"))) {
            return Optional.of("'" + (a.startsWith("-p") ? "-p" : "--password") + "' is not allowed: use password_env or password_file");
        }
        if (name != null && (name.equals("defaults-file") || name.equals("defaults-extra-file") || name.equals("no-defaults")
                || name.equals("defaults-group-suffix"))) {
            return Optional.of("'--" + name + "' is not allowed: the tool writes its own option file for the password");
        }
        if (a.startsWith("-r") && !a.startsWith("--") || a.startsWith("-T") || (name != null
                && (name.startsWith("result-file") || name.equals("tab") || name.equals("xml")))) {
            return Optional.of("'" + a + "' is not allowed: the dump must go to standard output as SQL");
        }
        if (name != null && (name.equals("databases") || name.equals("all-databases"))) {
            return Optional.of("'" + a + "' is not allowed: use database, databases or all_databases");
        }
        return Optional.empty();
    }
}
