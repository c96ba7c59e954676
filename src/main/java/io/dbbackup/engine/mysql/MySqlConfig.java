package io.dbbackup.engine.mysql;

import io.dbbackup.core.Secret;
import io.dbbackup.spi.ConfigSection;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads a {@code engine: mysql|mariadb} datasource section; both engine types share every key. */
final class MySqlConfig {
    private MySqlConfig() {
    }

    static MySqlEngine read(ConfigSection s, MySqlFlavor flavor) {
        String host = s.optionalString("host", "127.0.0.1").orElse("127.0.0.1");
        int port = s.integer("port", 1, 65535).orElse(3306);
        Path socket = s.path("socket").orElse(null);
        if (socket != null && (s.has("host") || s.has("port"))) {
            s.error("socket", "give either socket or host/port, not both");
        }
        String user = s.optionalString("user", "the OS user's name").orElse(null);
        Secret password = s.secret("password").orElse(null);
        Scope scope = scope(s);
        s.choice("format", Set.of("plain"));
        Duration timeout = s.duration("timeout").filter(d -> !d.isZero()).orElse(null);
        Path binDir = s.path("bin_dir").orElse(null);
        if (binDir != null && !Files.isDirectory(binDir)) {
            s.error("bin_dir", binDir + " is not a folder (it should hold " + flavor.dumpTool() + " and " + flavor.clientTool() + ")");
        }
        Tls tls = new Tls(s.choice("ssl_mode", Tls.MODES).orElse(null), s.readableFile("ssl_ca").orElse(null),
                s.readableFile("ssl_cert").orElse(null), s.readableFile("ssl_key").orElse(null));
        boolean includeGrants = s.bool("include_grants").orElse(false);
        List<MySqlSettings.Account> accounts = new ArrayList<>();
        for (String a : s.argumentList("grants_for")) {
            MySqlSettings.Account account = MySqlSettings.Account.parse(a.strip());
            if (account.user().isEmpty() || account.host().isEmpty()) {
                s.error("grants_for", "'" + a + "' is not an account: write user@host (e.g. reporter@'%' as reporter@%)");
            }
            accounts.add(account);
        }
        // either key already refused (include_grants: maybe, grants_for: [[a]]): that one error, not also their pairing's
        boolean judged = !s.refused("include_grants") && !s.refused("grants_for");
        if (judged && includeGrants && accounts.isEmpty()) {
            s.error(s.has("grants_for") ? "grants_for" : "include_grants",
                    "include_grants: true needs grants_for: [user@host, ...] naming the accounts to dump");
        }
        if (judged && !includeGrants && !accounts.isEmpty()) {
            s.error("grants_for", "grants_for is only used with include_grants: true");
        }
        List<String> extraArgs = s.argumentList("extra_args");
        for (String arg : extraArgs) {
            DumpArgs.reject(arg).ifPresent(why -> s.error("extra_args", why));
        }
        if (s.bool("dump_history").orElse(false)) {
            // first, so that an extra_args --skip-dump-history after it still turns it off, as the tool reads them in order
            List<String> withHistory = new ArrayList<>(List.of(DumpArgs.DUMP_HISTORY));
            withHistory.addAll(extraArgs);
            extraArgs = withHistory;
        }
        boolean definersToCurrentUser = s.choice("restore_definer", Set.of("keep", "current_user")).orElse("keep")
                .equals("current_user");
        if (scope == null) {
            return null;
        }
        String keyName = switch (scope.kind()) {
            case ONE -> scope.single();
            case SOME -> s.name();
            case ALL -> "all";
        };
        return new MySqlEngine(new MySqlSettings(flavor, host, port, socket, user, password, scope, keyName, timeout,
                binDir, tls, includeGrants ? accounts : List.of(), extraArgs, definersToCurrentUser, s.name(),
                addressPlace(s, host, port, socket)));
    }

    /**
     * Where the config gives the address, for an error that cannot reach it: the {@code socket} key's place, or {@code
     * datasources.shop.host at config.yaml:4:11 and datasources.shop.port at config.yaml:5:11}, a key not set named with the
     * default it took ({@code datasources.shop.port (not set: 3306)}).
     */
    private static String addressPlace(ConfigSection s, String host, int port, Path socket) {
        if (socket != null) {
            return s.place("socket");
        }
        return s.placeOr("host", host) + " and " + s.placeOr("port", port);
    }

    private static Scope scope(ConfigSection s) {
        Optional<String> database = s.string("database");
        List<String> databases = s.argumentList("databases");
        boolean all = s.bool("all_databases").orElse(false);
        int given = (database.isPresent() ? 1 : 0) + (databases.isEmpty() ? 0 : 1) + (all ? 1 : 0);
        if (given == 0 && (s.refused("database") || s.refused("databases") || s.refused("all_databases"))) {
            return null; // said at that key
        }
        if (given == 0) {
            s.error("database", "missing required key 'database' (or 'databases: [...]', or 'all_databases: true')");
            return null;
        }
        if (given > 1) {
            s.error(database.isPresent() ? "database" : "databases",
                    "give exactly one of database, databases and all_databases");
            return null;
        }
        if (all) {
            return Scope.all();
        }
        List<String> names = database.map(List::of).orElse(databases);
        boolean ok = true;
        for (String d : names) {
            if (d.isBlank() || d.contains("/") || d.contains("\\") || d.startsWith(".") || d.chars().anyMatch(Character::isISOControl)) {
                s.error(database.isPresent() ? "database" : "databases", "'" + d + "' cannot name a backup folder "
                        + "(no '/', '\\', control characters or leading '.'): it becomes part of object keys");
                ok = false;
            }
        }
        if (!ok) {
            return null;
        }
        return database.isPresent() ? Scope.one(database.get()) : Scope.some(names);
    }

}
