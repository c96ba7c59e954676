package io.dbbackup.engine.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** What to dump beyond "the whole database": object filters, ownership and privileges, extra pg_dump flags. */
record DumpOptions(List<String> schemas, List<String> excludeSchemas, List<String> tables, List<String> excludeTables,
                   List<String> excludeTableData, boolean noOwner, boolean noPrivileges, List<String> extraArgs) {

    /** Flags that belong to keys of their own (connection, format, output) or that would break the stream. */
    private static final List<String> RESERVED = List.of(
            "-h", "--host", "-p", "--port", "-U", "--username", "-d", "--dbname", "-W", "--password",
            "-w", "--no-password", "-f", "--file", "-F", "--format", "-Z", "--compress", "-j", "--jobs",
            "-C", "--create");

    static final DumpOptions NONE = new DumpOptions(List.of(), List.of(), List.of(), List.of(), List.of(), false, false,
            List.of());

    DumpOptions {
        schemas = List.copyOf(schemas);
        excludeSchemas = List.copyOf(excludeSchemas);
        tables = List.copyOf(tables);
        excludeTables = List.copyOf(excludeTables);
        excludeTableData = List.copyOf(excludeTableData);
        extraArgs = List.copyOf(extraArgs);
    }

    /** The pg_dump arguments these options stand for. */
    List<String> pgDumpArgs() {
        List<String> args = new ArrayList<>();
        schemas.forEach(s -> args.add("--schema=" + s));
        excludeSchemas.forEach(s -> args.add("--exclude-schema=" + s));
        tables.forEach(s -> args.add("--table=" + s));
        excludeTables.forEach(s -> args.add("--exclude-table=" + s));
        excludeTableData.forEach(s -> args.add("--exclude-table-data=" + s));
        if (noOwner) {
            args.add("--no-owner");
        }
        if (noPrivileges) {
            args.add("--no-privileges");
        }
        args.addAll(extraArgs);
        return args;
    }

    /**
     * Whether pg_dump leaves the database's large objects out: it does with {@code --schema} or {@code --table} (and with
     * {@code -B}/{@code --no-blobs}/{@code --no-large-objects}), unless {@code -b}/{@code --blobs}/{@code --large-objects}
     * (PostgreSQL 16) is given, which wins whatever the order.
     */
    boolean leavesOutLargeObjects() {
        boolean on = false;
        boolean off = !schemas.isEmpty() || !tables.isEmpty();
        for (String arg : extraArgs) {
            String a = arg.strip();
            if (a.equals("-b") || a.equals("--blobs") || a.equals("--large-objects")) {
                on = true;
            } else if (a.equals("-B") || a.equals("--no-blobs") || a.equals("--no-large-objects")) {
                off = true;
            }
        }
        return off && !on;
    }

    /**
     * Whether pg_dump reads under row-level security ({@code --enable-row-security}): a table's rows that the role's
     * policies hide are then left out, and pg_dump exits 0.
     */
    boolean readsUnderRowSecurity() {
        return extraArgs.stream().anyMatch(a -> a.strip().equals("--enable-row-security"));
    }

    /** Why {@code arg} may not be given as an extra pg_dump argument, or empty when it may. */
    static Optional<String> rejectExtraArg(String arg) {
        String lower = arg.toLowerCase(Locale.ROOT);
        if (lower.contains("password") || lower.contains("://") || lower.matches(".*\\b(host|user|dbname|sslkey)\\s*=.*")) {
            return Optional.of("'" + safe(arg) + "' looks like a password or a connection string: use the keys host, port, "
                    + "user, password_env/password_file and database (secrets never go on a command line)");
        }
        if (!arg.startsWith("-")) {
            return Optional.of("'" + safe(arg) + "' is not an option (extra_args are pg_dump options such as --lock-wait-timeout=30s)");
        }
        String flag = arg.startsWith("--") ? arg.split("=", 2)[0] : arg.substring(0, Math.min(2, arg.length()));
        if (RESERVED.contains(flag)) {
            return Optional.of("'" + flag + "' is set by dbbackup itself (connection keys, format, compression and output are "
                    + "configured elsewhere)");
        }
        return Optional.empty();
    }

    private static String safe(String arg) {
        return arg.toLowerCase(Locale.ROOT).contains("password") ? arg.replaceAll("(?i)(password\\s*=?\\s*).*", "$1***") : arg;
    }
}
