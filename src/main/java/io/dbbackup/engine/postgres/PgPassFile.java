package io.dbbackup.engine.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code ~/.pgpass} read as libpq reads it for the tools we start (their environment holds HOME, not
 * PGPASSFILE): {@code host:port:database:user:password}, {@code *} matching anything, {@code \} escaping
 * {@code :} and {@code \}, the first matching line wins, and a file readable by group or others is ignored.
 */
final class PgPassFile {
    private PgPassFile() {
    }

    static Optional<String> lookup(Path home, String host, int port, String database, String user) {
        if (home == null) {
            return Optional.empty();
        }
        Path file = home.resolve(".pgpass");
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                return Optional.empty();
            }
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                List<String> f = fields(line);
                if (f.size() == 5 && matches(f.get(0), host) && matches(f.get(1), String.valueOf(port))
                        && matches(f.get(2), database) && matches(f.get(3), user)) {
                    return Optional.of(f.get(4));
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * The host a {@code ~/.pgpass} line must name: as in libpq, a connection through the default socket folder
     * matches {@code localhost}; any other folder matches itself.
     */
    static String hostField(String host) {
        return host.equals(DEFAULT_SOCKET_DIR) ? "localhost" : host;
    }

    /** Debian's libpq default socket folder. */
    static final String DEFAULT_SOCKET_DIR = "/var/run/postgresql";

    private static boolean matches(String pattern, String value) {
        return pattern.equals("*") || pattern.equals(value);
    }

    /** The line's fields, unescaped; the last field takes the rest of the line. */
    static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (ch == '\\' && i + 1 < line.length()) {
                cur.append(line.charAt(++i));
            } else if (ch == ':' && out.size() < 4) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
