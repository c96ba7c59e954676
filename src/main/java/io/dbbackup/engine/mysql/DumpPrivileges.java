package io.dbbackup.engine.mysql;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a MariaDB dump can hold every stored routine and trigger. The server shows an account only the triggers of
 * tables it has TRIGGER on, and mariadb-dump writes those it sees, silently: an account without TRIGGER backed up a
 * database without its triggers. Whether the account has TRIGGER is read from its {@code SHOW GRANTS} (which, unlike
 * information_schema, holds its default role's grants), leniently: TRIGGER or ALL PRIVILEGES on anything will do.
 * The server lists to an account only the routines it may run or
 * defines, and mariadb-dump writes those it lists, silently: an account with the least privileges of mysqldump's manual
 * (SELECT, SHOW VIEW, TRIGGER, LOCK TABLES, EVENT) backed up a database without its procedures and functions. MariaDB
 * shows them all to an account that may read {@code mysql.proc} (11.3+: or that has {@code SHOW CREATE ROUTINE}).
 * MySQL (global SELECT or SHOW_ROUTINE) is not checked.
 */
final class DumpPrivileges {
    /** A query that fails with ERROR 1142 for an account that may not read {@code mysql.proc}. */
    static final String PROBE = "SELECT 1 FROM mysql.proc LIMIT 0;\n";
    private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)");

    private DumpPrivileges() {
    }

    /** Whether the dump holds routines: {@code --routines}, unless {@code extra_args} turn it off. */
    static boolean dumped(List<String> extraArgs) {
        return dumped("routines", extraArgs);
    }

    /**
     * Whether the dump holds what {@code --option} (always given: routines, triggers) adds, unless {@code extra_args}
     * turn it off last ({@code --skip-option}, {@code --disable-option}, {@code --option=0}).
     */
    static boolean dumped(String option, List<String> extraArgs) {
        boolean on = true;
        for (String arg : extraArgs) {
            String a = arg.toLowerCase(Locale.ROOT).replace('_', '-');
            if (a.equals("--skip-" + option) || a.equals("--disable-" + option) || a.equals("--" + option + "=0")
                    || a.equals("--" + option + "=false") || a.equals("--" + option + "=off")) {
                on = false;
            } else if (a.equals("--" + option) || a.equals("--enable-" + option) || a.startsWith("--" + option + "=")) {
                on = true;
            }
        }
        return on;
    }

    /** Whether one of the account's grants ({@code SHOW GRANTS} lines) gives TRIGGER or all privileges, on anything. */
    static boolean grantsTrigger(List<String> grants) {
        return grantsAny(grants, "TRIGGER");
    }

    /**
     * Whether one of the account's grants ({@code SHOW GRANTS} lines) gives {@code privilege} (upper case) or all
     * privileges, on anything.
     */
    static boolean grantsAny(List<String> grants, String privilege) {
        return grants.stream().map(DumpPrivileges::privileges)
                .anyMatch(p -> p.contains(privilege) || p.contains("ALL PRIVILEGES") || p.contains("ALL"));
    }

    /**
     * The privileges a {@code SHOW GRANTS} line gives, upper case ({@code GRANT SELECT (`a`), TRIGGER ON `shop`.* TO …}:
     * SELECT, TRIGGER): the list between {@code GRANT} and the first {@code ON} outside backquotes and column lists, a
     * column list left off. None for a role's grant ({@code GRANT `r` TO …}, no {@code ON}) or any other line, so a
     * quoted name ({@code `show create routine`.*}) never counts as a privilege.
     */
    static java.util.Set<String> privileges(String grantLine) {
        String g = grantLine.strip();
        if (!g.regionMatches(true, 0, "GRANT ", 0, 6)) {
            return java.util.Set.of();
        }
        java.util.Set<String> found = new java.util.LinkedHashSet<>();
        StringBuilder name = new StringBuilder();
        boolean quoted = false;
        int depth = 0;
        for (int i = 6; i < g.length(); i++) {
            char c = g.charAt(i);
            if (c == '`') {
                quoted = !quoted; // a doubled `` inside a name toggles twice
            } else if (quoted) {
                continue;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth = Math.max(0, depth - 1);
            } else if (depth > 0) {
                continue;
            } else if (c == ',') {
                add(found, name);
            } else if (c == ' ' && g.regionMatches(true, i, " ON ", 0, 4)) {
                add(found, name);
                return found;
            } else {
                name.append(c);
            }
        }
        return java.util.Set.of(); // no ON: a role's grant
    }

    private static void add(java.util.Set<String> found, StringBuilder name) {
        String n = name.toString().strip().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
        if (!n.isEmpty()) {
            found.add(n);
        }
        name.setLength(0);
    }

    /** The one line that says the account lacks TRIGGER and the ways out. */
    static String triggerDenied(String account, List<String> databases) {
        String quoted = quote(account);
        return "the account " + quoted + " may not read the triggers (it has no TRIGGER privilege), so the dump would "
                + "silently lack every trigger: GRANT TRIGGER ON " + on(databases) + " TO " + quoted
                + ", or add --skip-triggers to extra_args to back up without triggers";
    }

    private static String on(List<String> databases) {
        return databases.size() == 1 ? "`" + databases.get(0).replace("`", "``") + "`.*" : "*.*";
    }

    /** Whether the server is MariaDB 11.3 or later, where {@code SHOW CREATE ROUTINE} also shows every routine. */
    static boolean hasShowCreateRoutine(String version) {
        Matcher m = VERSION.matcher(version);
        return m.find() && (Integer.parseInt(m.group(1)) > 11
                || (Integer.parseInt(m.group(1)) == 11 && Integer.parseInt(m.group(2)) >= 3));
    }

    /** Whether one of the account's grants ({@code SHOW GRANTS} lines) gives {@code SHOW CREATE ROUTINE} or all privileges. */
    static boolean grantsShowCreateRoutine(List<String> grants) {
        return grantsAny(grants, "SHOW CREATE ROUTINE");
    }

    /** The one line that says what is missing and the ways out, for the account {@code account} ({@code lp@127.0.0.1}). */
    static String denied(String account, List<String> databases) {
        String quoted = quote(account);
        return "the account " + quoted + " may not read the stored routines (SELECT on mysql.proc is denied), so the dump "
                + "would silently lack every procedure and function it may not run: GRANT SELECT ON mysql.proc TO " + quoted
                + " (MariaDB 11.3+: or GRANT SHOW CREATE ROUTINE ON " + on(databases) + " TO " + quoted
                + "), or add --skip-routines to extra_args to back up without routines";
    }

    /** {@code lp@127.0.0.1} as {@code 'lp'@'127.0.0.1'}. */
    private static String quote(String account) {
        int at = account.lastIndexOf('@');
        if (at < 0) {
            return "'" + account.replace("'", "''") + "'";
        }
        return "'" + account.substring(0, at).replace("'", "''") + "'@'" + account.substring(at + 1).replace("'", "''") + "'";
    }
}
