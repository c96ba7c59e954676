package io.dbbackup.spi;

import java.nio.file.Path;
import java.util.Collections;

/**
 * Where a datasource keeps its data, to tell two datasources that are one database under two names apart from two
 * databases, without connecting to anything. {@code text} is for messages ({@code postgresql://db:5432/app});
 * {@code host} a name, an address or a socket path ({@code /var/run/postgresql}); {@code port} 0 when the
 * configuration does not say (a MySQL socket); {@code database} which one on that server, compared exactly.
 * Without a host (a file, an engine that does not say) only equal texts are one database.
 */
public record Location(String text, String kind, String host, int port, String database) {

    /** A location known only by its text (a SQLite file with its symlinks resolved). */
    public static Location of(String text) {
        return new Location(text, null, null, 0, null);
    }

    /** A database on a server: {@code kind} tells servers that never share databases apart ({@code mysql}, ...). */
    public static Location server(String text, String kind, String host, int port, String database) {
        return new Location(text, kind, host, port, database);
    }

    /**
     * Whether the two may be one database: same kind and database, same port (or one unknown), and host names that
     * resolve to at least one common address — every loopback address, a socket path and this machine's own
     * addresses count as one host; a name that does not resolve (quickly) stands for itself, lower-cased and without
     * a trailing dot. Two sockets of unknown port are one server only when they are one file.
     */
    public boolean overlaps(Location other) {
        if (host == null || other.host == null) {
            return host == null && other.host == null && text.equals(other.text);
        }
        if (!kind.equals(other.kind) || !database.equals(other.database)) {
            return false;
        }
        if (port == 0 && other.port == 0 && HostIdentity.isSocket(host) && HostIdentity.isSocket(other.host)) {
            return realPath(host).equals(realPath(other.host));
        }
        if (port != 0 && other.port != 0 && port != other.port) {
            return false;
        }
        return !Collections.disjoint(HostIdentity.of(host), HostIdentity.of(other.host));
    }

    private static Path realPath(String socket) {
        Path p = Path.of(socket).toAbsolutePath().normalize();
        try {
            return p.toRealPath();
        } catch (java.io.IOException | RuntimeException notThere) {
            return p;
        }
    }
}
