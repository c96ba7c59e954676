package io.dbbackup.spi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where a datasource keeps its data, to tell two datasources that are one database under two names apart from two
 * databases, without connecting to anything. {@code text} is for messages ({@code postgresql://db:5432/app});
 * {@code host} a name, an address or a socket path ({@code /var/run/postgresql}); {@code port} 0 when the
 * configuration does not say (a MySQL socket); {@code databases} which ones on that server (a MySQL datasource may name
 * several), compared exactly, or {@code everyDatabase} for all of the server's. Without a host (a file, an engine that
 * does not say) only equal texts are one database, or two {@code file}s that both exist and are one file.
 */
public record Location(String text, String kind, String host, int port, Set<String> databases, boolean everyDatabase,
                       Path file) {

    public Location {
        databases = databases == null ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(databases));
    }

    /** A location known only by its text. */
    public static Location of(String text) {
        return new Location(text, null, null, 0, Set.of(), false, null);
    }

    /**
     * A file known by its text (a SQLite file with its symlinks resolved) and its path: where both files exist, another
     * path to the same file (a hard link) is the same database too.
     */
    public static Location file(String text, Path file) {
        return new Location(text, null, null, 0, Set.of(), false, file);
    }

    /** A database on a server: {@code kind} tells servers that never share databases apart ({@code mysql}, ...). */
    public static Location server(String text, String kind, String host, int port, String database) {
        return server(text, kind, host, port, List.of(database));
    }

    /** Some databases on a server: the same database as any location naming one of them there. */
    public static Location server(String text, String kind, String host, int port, Collection<String> databases) {
        return new Location(text, kind, host, port, new LinkedHashSet<>(databases), false, null);
    }

    /** Every database of a server (MySQL's {@code all_databases}): the same database as any location on it. */
    public static Location everyDatabase(String text, String kind, String host, int port) {
        return new Location(text, kind, host, port, Set.of(), true, null);
    }

    /**
     * The databases {@code names} names (its list, or every database) on this location's server: where a dump that
     * names its databases and switches to them ({@link Engine#namesItRestoresInto}) writes when loaded here.
     */
    public Location holding(Location names) {
        return new Location(text, kind, host, port, names.databases, names.everyDatabase, file);
    }

    /**
     * Whether the two may be (or share) one database: same kind, a database in common (every database of a server has
     * one in common with any location on it), same port (or one unknown), and host names that resolve to at least one
     * common address — every loopback address, a socket path and this machine's own addresses count as one host; a name
     * that does not resolve (quickly) stands for itself, lower-cased and without a trailing dot. Two sockets of unknown
     * port are one server only when they are one file.
     */
    public boolean overlaps(Location other) {
        if (host == null || other.host == null) {
            return host == null && other.host == null && (text.equals(other.text) || sameFile(file, other.file));
        }
        if (!kind.equals(other.kind) || !shareADatabase(other)) {
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

    private boolean shareADatabase(Location other) {
        return everyDatabase || other.everyDatabase || !Collections.disjoint(databases, other.databases);
    }

    /** Two paths of one existing file (device and inode): a hard link, or any other name of it. */
    private static boolean sameFile(Path a, Path b) {
        if (a == null || b == null || !Files.exists(a) || !Files.exists(b)) {
            return false;
        }
        try {
            return Files.isSameFile(a, b);
        } catch (IOException | RuntimeException cannotTell) {
            return false;
        }
    }

    private static Path realPath(String socket) {
        Path p = Path.of(socket).toAbsolutePath().normalize();
        try {
            return p.toRealPath();
        } catch (IOException | RuntimeException notThere) {
            return p;
        }
    }
}
