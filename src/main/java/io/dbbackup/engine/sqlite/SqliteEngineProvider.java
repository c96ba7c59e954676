package io.dbbackup.engine.sqlite;

import io.dbbackup.spi.ConfigSection;
import io.dbbackup.spi.Engine;
import io.dbbackup.spi.EngineProvider;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/** {@code engine: sqlite}: a database file on this machine. */
public final class SqliteEngineProvider implements EngineProvider {
    @Override
    public String type() {
        return "sqlite";
    }

    /**
     * Off: a SQLite backup writes nothing while it takes its snapshot (the online copy or VACUUM INTO, then its integrity
     * check) and only then streams it, which for a large file takes longer than any stall limit; nor is there a server to
     * stop answering. A {@code stall_timeout} given is kept.
     */
    @Override
    public java.time.Duration defaultStallTimeout() {
        return null;
    }

    @Override
    public Engine create(ConfigSection s) {
        Path path = s.path("path").orElse(null);
        if (path == null && !s.has("path")) {
            s.error("path", "missing required key 'path' (the SQLite database file)");
        }
        String strategy = s.choice("strategy", Set.of("online", "vacuum")).orElse("online");
        int pages = s.integer("pages_per_step", 1, Integer.MAX_VALUE).orElse(100);
        Duration sleep = s.duration("sleep_interval").orElse(Duration.ofMillis(10));
        Duration lockTimeout = s.duration("lock_timeout").orElse(SqliteEngine.DEFAULT_LOCK_TIMEOUT);
        if (lockTimeout.isZero()) {
            // 0 is "no limit" for every other duration here, and SQLite's "do not wait": neither is meant by a backup
            s.error("lock_timeout", "must be at least 1ms (how long a backup waits for each lock an application holds; "
                    + "default 30s)");
        }
        String database = s.string("database").orElse(null);
        if (path == null) {
            return null;
        }
        if (path.getFileName() == null) { // "/": no file, and no name to back it up as
            s.error("path", "names no file (got '" + path + "'): give the SQLite database file, e.g. /data/app.db");
            return null;
        }
        if (database == null) {
            database = defaultName(path);
        } else if (!database.matches("[A-Za-z0-9._-]+") || database.equals(".") || database.equals("..")) {
            s.error("database", "must be a plain name (letters, digits, '.', '_', '-'; not '.' or '..'): it becomes a folder "
                    + "in object keys");
            return null;
        }
        return new SqliteEngine(path, database, strategy.equals("vacuum") ? SqliteEngine.Strategy.VACUUM
                : SqliteEngine.Strategy.ONLINE, pages, sleep, lockTimeout);
    }

    /** {@code /data/shop.db} is backed up as database {@code shop}. */
    static String defaultName(Path path) {
        String file = path.getFileName().toString();
        int dot = file.indexOf('.');
        String base = dot > 0 ? file.substring(0, dot) : file;
        return base.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
