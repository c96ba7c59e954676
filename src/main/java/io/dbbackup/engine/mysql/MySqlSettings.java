package io.dbbackup.engine.mysql;

import io.dbbackup.core.HostPort;
import io.dbbackup.core.Secret;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One configured MySQL/MariaDB datasource. {@code socket} wins over host/port when set;
 * {@code keyName} names the backups in the store; {@code timeout} (null = none) bounds each tool run; {@code datasource}
 * is its name in the configuration, for messages; {@code addressPlace} where the config gives the address ({@code
 * datasources.shop.host at config.yaml:4:11 and datasources.shop.port at config.yaml:5:11}, or its {@code socket}), for an
 * error that cannot reach it, or null.
 */
public record MySqlSettings(MySqlFlavor flavor, String host, int port, Path socket, String user, Secret password,
                            Scope scope, String keyName, Duration timeout, Path binDir, Tls tls,
                            List<Account> grantsFor, List<String> extraArgs, boolean definersToCurrentUser,
                            String datasource, String addressPlace) {

    /**
     * Without {@code restore_definer: current_user}: a restore keeps the dump's DEFINER clauses; the datasource is named
     * after {@code keyName}.
     */
    public MySqlSettings(MySqlFlavor flavor, String host, int port, Path socket, String user, Secret password, Scope scope,
                         String keyName, Duration timeout, Path binDir, Tls tls, List<Account> grantsFor, List<String> extraArgs) {
        this(flavor, host, port, socket, user, password, scope, keyName, timeout, binDir, tls, grantsFor, extraArgs, false,
                keyName, null);
    }

    /** A MySQL account, {@code user@host}. */
    public record Account(String user, String host) {
        /**
         * Parses {@code user@host} (split at the last '@'; quotes around either part, as in
         * {@code 'app'@'%'}, are dropped); a missing host means {@code %}.
         */
        public static Account parse(String text) {
            int at = text.lastIndexOf('@');
            if (at < 0) {
                return new Account(unquote(text), "%");
            }
            return new Account(unquote(text.substring(0, at)), unquote(text.substring(at + 1)));
        }

        private static String unquote(String s) {
            String t = s.strip();
            if (t.length() >= 2 && "'\"`".indexOf(t.charAt(0)) >= 0 && t.charAt(t.length() - 1) == t.charAt(0)) {
                return t.substring(1, t.length() - 1);
            }
            return t;
        }

        public String sql() {
            return Sql.literal(user) + "@" + Sql.literal(host);
        }

        @Override
        public String toString() {
            return user + "@" + host;
        }
    }

    public MySqlSettings {
        grantsFor = List.copyOf(grantsFor);
        extraArgs = List.copyOf(extraArgs);
    }

    /** Where the server is, for messages: {@code 127.0.0.1:3306} or the socket path. */
    public String address() {
        return socket != null ? socket.toString() : HostPort.of(host, port);
    }
}
