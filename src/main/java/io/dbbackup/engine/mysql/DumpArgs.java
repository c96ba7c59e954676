package io.dbbackup.engine.mysql;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;

/**
 * The dump options after the connection options: a consistent, complete, portable dump.
 * <ul>
 * <li>{@code --single-transaction}: one consistent snapshot of InnoDB tables, no table locks;</li>
 * <li>{@code --routines --triggers --events}: every object, not just tables;</li>
 * <li>{@code --hex-blob}: binary data survives any transfer;</li>
 * <li>{@code --complete-insert}: each INSERT names its columns, so rows loaded alone ({@code --data-only}) go into their
 *     columns by name in a table whose columns were reordered since, not by position;</li>
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

    /** mariadb-dump's (10.11+) option that dumps system-versioned tables with their history rows ({@code dump_history}). */
    static final String DUMP_HISTORY = "--dump-history";

    /**
     * Whether the dump holds system-versioned tables' history: {@code --dump-history} or {@code -H} (alone or in a bundle of
     * short options) in {@code extraArgs}, as {@code dump_history: true} puts it first, unless turned off after it
     * ({@code --skip-dump-history}, {@code --disable-…}, {@code =0}/{@code =false}/{@code =off}). Spellings are read as
     * the tool reads them: any case, {@code _} for {@code -}, a unique prefix of at least {@code --dump-h}.
     */
    static boolean dumpsHistory(List<String> extraArgs) {
        boolean on = false;
        for (String arg : extraArgs) {
            String a = arg.strip();
            if (!a.startsWith("--")) {
                for (int i = 1; a.startsWith("-") && i < a.length(); i++) {
                    char c = a.charAt(i);
                    if (c == 'H') {
                        on = true;
                    }
                    if (SHORT_WITH_VALUE.indexOf(c) >= 0) {
                        break;
                    }
                }
                continue;
            }
            Optional<LongOption> o = LongOption.parse(a).filter(x -> x.names("dump-h".length(), "dump-history"));
            if (o.isPresent()) {
                on = o.get().on("0", "false", "off");
            }
        }
        return on;
    }

    static List<String> of(Scope scope, ClientFamily.Probe client, String serverVersion, List<String> extraArgs) {
        List<String> a = new ArrayList<>(List.of("--single-transaction", "--routines", "--triggers", "--events",
                "--hex-blob", "--complete-insert", "--default-character-set=utf8mb4"));
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

    /**
     * Refused options that are harmless with {@code =2} (the binary log position written as a comment) or {@code =0} (off):
     * MariaDB's names and MySQL's (8.0.26+) for them.
     */
    private static final List<String> COMMENT_ONLY = List.of("master-data", "source-data", "dump-slave", "dump-replica");
    private static final List<String> COMMENT_ONLY_VALUES = List.of("0", "2");
    /** Long options a dump option may not turn on, each with why; a spelling is read as the dump tool reads it. */
    private static final Map<String, String> REFUSED = refused();
    /** Short options that are refused ones. */
    private static final Map<Character, String> SHORT = Map.of('A', "all-databases", 'B', "databases", 'p', "password",
            'r', "result-file", 'T', "tab", 'X', "xml");
    /** Short options taking a value: in a bundle ({@code -qrFILE}) the rest of the entry is it. */
    private static final String SHORT_WITH_VALUE = "#hPprSTuw";
    /** What my_getopt strips before it looks a long option up: {@code --loose-}, and the ones saying on or off. */
    private static final List<String> ON = List.of("loose-", "enable-", "maximum-");
    private static final List<String> OFF = List.of("skip-", "disable-");

    private static Map<String, String> refused() {
        String switches = "is not allowed: it makes the dump name databases and switch to them (CREATE DATABASE, USE), so a "
                + "restore under another name (restore --to, drill, sync) would write into them: use database, databases or "
                + "all_databases";
        Map<String, String> m = new LinkedHashMap<>();
        m.put("password", "is not allowed: use password_env or password_file");
        for (String o : List.of("defaults-file", "defaults-extra-file", "no-defaults", "defaults-group-suffix")) {
            m.put(o, "is not allowed: the tool writes its own option file for the password");
        }
        for (String o : List.of("result-file", "tab", "xml")) {
            m.put(o, "is not allowed: the dump must go to standard output as SQL");
        }
        m.put("databases", switches);
        m.put("all-databases", switches);
        m.put("add-drop-database", "is not allowed: it makes the dump drop whole databases by name (DROP DATABASE) when it "
                + "is loaded: a restore drops what it replaces with restore --clean");
        m.put("system", "is not allowed: it makes the dump write into the server's own mysql database and accounts (USE mysql), "
                + "not the restored database; accounts are backed up with include_grants and grants_for");
        for (String o : List.of("delete-master-logs", "delete-source-logs")) {
            m.put(o, "is not allowed: it purges the source server's binary logs after the dump, which ends point-in-time recovery "
                    + "and can break its replicas");
        }
        for (String o : COMMENT_ONLY) {
            m.put(o, "is not allowed without =2: it writes an active CHANGE MASTER TO (with --dump-slave also STOP/START SLAVE) "
                    + "that a restore executes on the target server, re-pointing or stopping its replication; =2 writes the "
                    + "binary log position as a comment");
        }
        for (String o : List.of("apply-slave-statements", "apply-replica-statements")) {
            m.put(o, "is not allowed: it writes STOP SLAVE and START SLAVE that a restore executes on the target server");
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * Why an {@code extra_args} entry is refused, if it is: it would leak a secret, redirect or break the dump, or make it
     * switch databases, or make it purge the source's binary logs or carry replication statements a restore would execute
     * on the target ({@code --master-data}/{@code --dump-slave} and MySQL's names for them are accepted with {@code =2}, a
     * comment, or {@code =0}). Read as mysqldump and mariadb-dump read it: short options alone or bundled ({@code -qB}; after
     * one taking a value the rest is that value), long ones in any case, {@code _} for {@code -}, with {@code =value},
     * behind {@code --loose-}/{@code --enable-}/{@code --maximum-}, and abbreviated: a prefix of a refused option is
     * refused (the tools take a unique prefix for the option; an ambiguous one they refuse themselves). Turned off
     * ({@code --skip-databases}, {@code --disable-…}) an option is harmless. An entry that is not an option, or
     * {@code --} (which would make the next entries databases), is refused: a value goes after {@code =}. The value of
     * a refused entry (a password) is never repeated.
     */
    static Optional<String> reject(String arg) {
        String a = arg.strip();
        if (!a.startsWith("-") || a.length() == 1 || a.equals("--")) {
            return Optional.of("an entry that is not an option is not allowed: give each option as one entry, its value after "
                    + "'=' (--where=id>5); '--' or a name would be read as a database or table to dump");
        }
        if (!a.startsWith("--")) {
            for (int i = 1; i < a.length(); i++) {
                char c = a.charAt(i);
                String name = SHORT.get(c);
                if (name != null) {
                    return Optional.of("'-" + c + "' (--" + name + ") " + REFUSED.get(name));
                }
                if (SHORT_WITH_VALUE.indexOf(c) >= 0) {
                    break;
                }
            }
            return Optional.empty();
        }
        String spelled = a.split("=", 2)[0];
        String name = spelled.substring(2).toLowerCase(Locale.ROOT).replace('_', '-');
        boolean on = false;
        boolean off = false;
        for (boolean stripped = true; stripped; ) {
            stripped = false;
            for (String prefix : ON) {
                if (name.startsWith(prefix)) {
                    name = name.substring(prefix.length());
                    on = on || !prefix.equals("loose-");
                    stripped = true;
                }
            }
            for (String prefix : OFF) {
                if (name.startsWith(prefix)) {
                    name = name.substring(prefix.length());
                    off = true;
                    stripped = true;
                }
            }
        }
        if (off && !on && spelled.length() == a.length() || name.isEmpty()) {
            return Optional.empty();
        }
        String value = spelled.length() == a.length() ? null : a.substring(spelled.length() + 1);
        for (Map.Entry<String, String> r : REFUSED.entrySet()) {
            if (value != null && COMMENT_ONLY.contains(r.getKey()) && COMMENT_ONLY_VALUES.contains(value)) {
                continue;
            }
            if (r.getKey().startsWith(name)) {
                return Optional.of("'" + spelled + "'" + (name.equals(r.getKey()) && spelled.substring(2).equals(name) ? " "
                        : " (--" + r.getKey() + ") ") + r.getValue());
            }
        }
        return Optional.empty();
    }
}
