package io.dbbackup.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster from Debian's binaries: initdb in a temp folder as the
 * unprivileged {@code postgres} OS user (initdb and pg_ctl refuse root), on a free loopback port,
 * fsync off. TCP connections need a password (scram-sha-256): the superuser {@code postgres} gets a
 * random one holding ':' and '\' so pass-file escaping is exercised and wrong-password tests are
 * real. Close stops it with {@code pg_ctl -m immediate} and deletes the folder.
 *
 * <pre>{@code
 * try (PostgresServer pg = PostgresServer.start()) {
 *     pg.createDatabase("app");
 *     pg.execute("app", "create table t(i int)");
 * }
 * }</pre>
 */
public final class PostgresServer implements AutoCloseable {
    public static final String DEFAULT_VERSION = "15";
    public static final String SUPERUSER = "postgres";

    private final Path dir;
    private final Path binDir;
    private final int port;
    private final String password;
    /** The address it listens on and clients connect to: 127.0.0.1, or what {@code listen_addresses} set ({@code ::1}). */
    private final String host;
    /** The copy of the server's programs it runs from ({@link #startWithExtension}), deleted with it; or null. */
    private Path install;

    private PostgresServer(Path dir, Path binDir, int port, String password) {
        this(dir, binDir, port, password, "127.0.0.1");
    }

    private PostgresServer(Path dir, Path binDir, int port, String password, String host) {
        this.host = host;
        this.dir = dir;
        this.binDir = binDir;
        this.port = port;
        this.password = password;
    }

    public static PostgresServer start() {
        return start(DEFAULT_VERSION);
    }

    /** Starts a cluster of {@code /usr/lib/postgresql/<version>}. */
    public static PostgresServer start(String version) {
        return start(version, Map.of(), Map.of());
    }

    /**
     * A cluster of {@link #DEFAULT_VERSION} that has one more extension than Debian's: {@code name}, whose install script
     * is {@code sql}, as on a source server with a package the restore's target lacks. PostgreSQL finds its share folder
     * relative to its own executable: the server runs from a copy of its {@code bin} folder whose {@code share} beside it
     * links Debian's files and adds the extension's (the copy goes with the cluster).
     */
    public static PostgresServer startWithExtension(String name, String sql) {
        Path lib = Path.of("/usr/lib/postgresql", DEFAULT_VERSION);
        Path share = Path.of("/usr/share/postgresql", DEFAULT_VERSION);
        Path root = null;
        try {
            root = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "pg-install-");
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path bin = Files.createDirectories(root.resolve("lib/postgresql/" + DEFAULT_VERSION + "/bin"));
            Files.createSymbolicLink(bin.getParent().resolve("lib"), lib.resolve("lib"));
            try (Stream<Path> tools = Files.list(lib.resolve("bin"))) {
                for (Path tool : tools.toList()) { // the server and what starts it are copies: a link is followed to Debian's
                    boolean server = List.of("postgres", "pg_ctl", "initdb").contains(tool.getFileName().toString());
                    if (server) {
                        Files.copy(tool, bin.resolve(tool.getFileName()), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                    } else {
                        Files.createSymbolicLink(bin.resolve(tool.getFileName()), tool);
                    }
                }
            }
            Path extensions = Files.createDirectories(root.resolve("share/postgresql/" + DEFAULT_VERSION + "/extension"));
            for (Path dir : List.of(share, share.resolve("extension"))) {
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path f : files.filter(f -> !f.equals(share.resolve("extension"))).toList()) {
                        Files.createSymbolicLink(root.resolve("share/postgresql/" + DEFAULT_VERSION).resolve(
                                share.relativize(f)), f);
                    }
                }
            }
            Files.writeString(extensions.resolve(name + ".control"), "default_version = '1.0'\nrelocatable = true\n");
            Files.writeString(extensions.resolve(name + "--1.0.sql"), sql);
            PostgresServer server = start(bin, Map.of(), Map.of());
            server.install = root;
            return server;
        } catch (IOException e) {
            deleteTree(root);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            deleteTree(root);
            throw e;
        }
    }

    /**
     * Starts a cluster with {@code settings} appended to its postgresql.conf (so a base backup carries them,
     * e.g. {@code archive_mode}, {@code archive_command}) and {@code serverEnv} in the server's environment
     * (what an {@code archive_command} sees). {@code listen_addresses} (default 127.0.0.1; e.g. {@code ::1} for a server
     * on IPv6 alone) is the address {@link #host()} gives, its first one.
     */
    public static PostgresServer start(String version, Map<String, String> settings, Map<String, String> serverEnv) {
        Path bin = Path.of("/usr/lib/postgresql", version, "bin");
        if (!Files.isExecutable(bin.resolve("initdb"))) {
            throw new IllegalStateException(bin + "/initdb is missing: apt-get install postgresql-" + version);
        }
        return start(bin, settings, serverEnv);
    }

    private static PostgresServer start(Path bin, Map<String, String> settings, Map<String, String> serverEnv) {
        Path dir = null;
        try {
            Path base = Path.of(System.getProperty("java.io.tmpdir"));
            Files.createDirectories(base);
            dir = Files.createTempDirectory(base, "pg-");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            if (isRoot()) {
                run(List.of("chown", "postgres:postgres", dir.toString()), dir, false);
            }
            String password = "pw:" + HexFormat.of().formatHex(new SecureRandom().generateSeed(12)) + "\\x";
            Path pwfile = dir.resolve("pwfile");
            Files.writeString(pwfile, password + "\n");
            if (isRoot()) {
                run(List.of("chown", "postgres:postgres", pwfile.toString()), dir, false);
            }
            run(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", SUPERUSER,
                    "--pwfile=" + pwfile, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-locale",
                    "--no-sync", "--no-instructions"), dir, true);
            Files.delete(pwfile);
            if (!settings.isEmpty()) {
                StringBuilder conf = new StringBuilder("\n# test settings\n");
                settings.forEach((k, v) -> conf.append(k).append(" = '").append(v.replace("'", "''")).append("'\n"));
                Files.writeString(dir.resolve("data/postgresql.conf"), conf, java.nio.file.StandardOpenOption.APPEND);
            }
            IOException last = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                int port = freePort();
                try {
                    StringBuilder opts = new StringBuilder("-p " + port + " -k " + dir);
                    // fast throwaway defaults, unless the caller set them (command-line settings win over the files)
                    Map.of("fsync", "off", "synchronous_commit", "off", "full_page_writes", "off", "max_connections", "50",
                                    "listen_addresses", "127.0.0.1")
                            .forEach((k, v) -> {
                                if (!settings.containsKey(k)) {
                                    opts.append(" -c ").append(k).append('=').append(v);
                                }
                            });
                    run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l",
                            dir.resolve("server.log").toString(), "-w", "-t", "60", "-o", opts.toString(),
                            "start"), dir, true, serverEnv);
                    return new PostgresServer(dir, bin, port, password,
                            settings.getOrDefault("listen_addresses", "127.0.0.1").split(",")[0].strip());
                } catch (IOException e) {
                    last = e; // most likely the port was taken meanwhile
                }
            }
            throw last;
        } catch (IOException e) {
            String log = "";
            try {
                if (dir != null && Files.exists(dir.resolve("server.log"))) {
                    log = "\n" + Files.readString(dir.resolve("server.log"));
                }
            } catch (IOException ignored) {
                // best effort
            }
            deleteTree(dir);
            throw new UncheckedIOException("cannot start PostgreSQL: " + e.getMessage() + log, e);
        }
    }

    /**
     * Starts a server on {@code dir/data} (a data directory restored from a base backup of a server whose
     * superuser password was {@code password}) on a free port; {@code settings} go on the command line, where
     * they win over the restored configuration. Throws with the server log when it does not start (e.g.
     * when recovery stops). Files are handed to the {@code postgres} user first.
     */
    public static PostgresServer startRestored(Path dir, String version, String password, Map<String, String> settings) {
        Path bin = Path.of("/usr/lib/postgresql", version, "bin");
        try {
            if (isRoot()) {
                run(List.of("chown", "-R", "postgres:postgres", dir.toString()), dir, false);
            }
            int port = freePort();
            StringBuilder opts = new StringBuilder("-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off");
            settings.forEach((k, v) -> opts.append(" -c ").append(k).append('=').append(v));
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l",
                    dir.resolve("server.log").toString(), "-w", "-t", "180", "-o", opts.toString(), "start"), dir, true);
            PostgresServer server = new PostgresServer(dir, bin, port, password);
            awaitRecoveryEnd(server, dir);
            return server;
        } catch (IOException e) {
            String log = "";
            try {
                log = Files.exists(dir.resolve("server.log")) ? Files.readString(dir.resolve("server.log")) : "";
            } catch (IOException ignored) {
                // best effort
            }
            try {
                run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate",
                        "-w", "stop"), dir, true);
            } catch (IOException ignored) {
                // it did not start
            }
            throw new IllegalStateException("PostgreSQL did not start on " + dir.resolve("data") + ": " + e.getMessage()
                    + "\n--- server log\n" + log, e);
        }
    }

    /**
     * A hot standby of {@code primary} (whose wal_level is replica, the default): {@code pg_basebackup -R} of it, started
     * with {@code settings} on its command line and {@code serverEnv} in its environment. Returns once it accepts
     * connections, in recovery.
     */
    public static PostgresServer startStandby(PostgresServer primary, Map<String, String> settings, Map<String, String> serverEnv) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory(primary.dir.getParent(), "pg-standby-");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            if (isRoot()) {
                run(List.of("chown", "postgres:postgres", dir.toString()), dir, false);
            }
            run(List.of(primary.binDir.resolve("pg_basebackup").toString(), "-h", primary.host(), "-p",
                    String.valueOf(primary.port), "-U", SUPERUSER, "-D", dir.resolve("data").toString(), "-R", "-X", "stream",
                    "--no-sync"), dir, true, Map.of("PGPASSWORD", primary.password));
            int port = freePort();
            StringBuilder opts = new StringBuilder("-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                    + " -c hot_standby=on");
            settings.forEach((k, v) -> opts.append(" -c ").append(k).append('=').append(v));
            run(List.of(primary.binDir.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l",
                    dir.resolve("server.log").toString(), "-w", "-t", "120", "-o", opts.toString(), "start"), dir, true, serverEnv);
            return new PostgresServer(dir, primary.binDir, port, primary.password);
        } catch (IOException e) {
            deleteTree(dir);
            throw new UncheckedIOException("cannot start a standby: " + e.getMessage(), e);
        }
    }

    /** pg_ctl -w may return while the server still recovers: waits until it is promoted or has stopped. */
    private static void awaitRecoveryEnd(PostgresServer server, Path dir) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            if (!Files.exists(dir.resolve("data/postmaster.pid"))) {
                throw new IOException("the server stopped during recovery");
            }
            try (Connection c = server.connect("postgres"); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("select pg_is_in_recovery()")) {
                if (rs.next() && !rs.getBoolean(1)) {
                    return;
                }
            } catch (SQLException e) {
                // still starting or recovering
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        throw new IOException("recovery did not end within 180 s");
    }

    /** The server's log file so far. */
    public String serverLog() {
        try {
            return Files.readString(dir.resolve("server.log"));
        } catch (IOException e) {
            return "";
        }
    }

    /** Runs {@code pg_ctl stop -m fast} (a clean shutdown, archiving what is left). */
    public void stop() {
        try {
            run(List.of(binDir.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "fast", "-w", "stop"),
                    dir, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String user() {
        return SUPERUSER;
    }

    /** The superuser's password (holds ':' and '\'). */
    public String password() {
        return password;
    }

    public Path binDir() {
        return binDir;
    }

    public Path dir() {
        return dir;
    }

    /** Writes the password to a 0600 file, for {@code password_file:} in a config. */
    public Path writePasswordFile(Path file) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, password + "\n");
        return file;
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/" + database, SUPERUSER, password);
    }

    public void createDatabase(String name) {
        execute("postgres", "create database \"" + name.replace("\"", "\"\"") + "\"");
    }

    public void dropDatabase(String name) {
        execute("postgres", "drop database if exists \"" + name.replace("\"", "\"\"") + "\" with (force)");
    }

    public boolean databaseExists(String name) {
        return !query("postgres", "select 1 from pg_database where datname = '" + name.replace("'", "''") + "'").isEmpty();
    }

    /** Runs statements (separated by ';' as JDBC allows in one simple query). */
    public void execute(String database, String sql) {
        try (Connection c = connect(database); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on " + database + ": " + e.getMessage(), e);
        }
    }

    /** Rows of a query, each as its columns' text joined with '|'. */
    public List<String> query(String database, String sql) {
        try (Connection c = connect(database); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<String> rows = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    sb.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                rows.add(sb.toString());
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("query failed on " + database + ": " + e.getMessage(), e);
        }
    }

    public String queryOne(String database, String sql) {
        List<String> rows = query(database, sql);
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** Environment for running a client program of this cluster against {@code database} (tests only: PGPASSWORD). */
    public Map<String, String> clientEnv(String database) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PGHOST", host());
        env.put("PGPORT", String.valueOf(port));
        env.put("PGUSER", SUPERUSER);
        env.put("PGPASSWORD", password);
        env.put("PGDATABASE", database);
        return env;
    }

    /** A ProcessBuilder for {@code <binDir>/<tool> args...} connected to {@code database}. */
    public ProcessBuilder tool(String database, String tool, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binDir.resolve(tool).toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(clientEnv(database));
        pb.environment().put("LC_ALL", "C.UTF-8");
        return pb;
    }

    /** Runs a client program to the end; returns stdout; throws with stderr on a non-zero exit. */
    public String runTool(String database, String tool, String... args) {
        try {
            Path err = Files.createTempFile(dir.getParent(), "tool", ".err");
            try {
                Process p = tool(database, tool, args).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(
                        new java.io.File("/dev/null"))).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                    throw new IllegalStateException(tool + " " + String.join(" ", args) + " failed: " + Files.readString(err));
                }
                return out;
            } finally {
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code pg_dump --schema-only} of a database, without the per-run {@code \restrict} keys. */
    public String schemaDump(String database) {
        String dump = runTool(database, "pg_dump", "--schema-only", "--no-password");
        return dump.lines().filter(l -> !l.startsWith("\\restrict") && !l.startsWith("\\unrestrict"))
                .reduce(new StringBuilder(), (sb, l) -> sb.append(l).append('\n'), StringBuilder::append).toString();
    }

    /**
     * Every user table's content as a hash ({@code md5(string_agg(t::text, ',' order by t::text))}), every
     * sequence's {@code last_value,is_called}, and every large object's md5: equal maps = equal data.
     */
    public Map<String, String> contentHashes(String database) {
        Map<String, String> hashes = new java.util.TreeMap<>();
        for (String rel : query(database, """
                select format('%I.%I', n.nspname, c.relname) || '|' || c.relkind::text from pg_class c
                join pg_namespace n on n.oid = c.relnamespace
                where c.relkind in ('r','p','m','S') and n.nspname not in ('pg_catalog','information_schema')
                  and n.nspname not like 'pg\\_toast%' order by 1""")) {
            int bar = rel.lastIndexOf('|');
            String name = rel.substring(0, bar);
            String kind = rel.substring(bar + 1);
            String sql = kind.equals("S")
                    ? "select last_value::text || ',' || is_called::text from " + name
                    : "select count(*)::text || ':' || coalesce(md5(string_agg(t::text, ',' order by t::text)), '-') from " + name + " t";
            hashes.put(name, queryOne(database, sql));
        }
        hashes.put("<large objects>", String.join(",", query(database,
                "select oid::text || ':' || md5(lo_get(oid)) from pg_largeobject_metadata order by oid")));
        return hashes;
    }

    @Override
    public void close() {
        try {
            run(List.of(binDir.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate",
                    "-w", "stop"), dir, true);
        } catch (IOException e) {
            // the folder goes anyway
        } finally {
            deleteTree(dir);
            deleteTree(install);
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void run(List<String> command, Path cwd, boolean asPostgres) throws IOException {
        run(command, cwd, asPostgres, Map.of());
    }

    private static void run(List<String> command, Path cwd, boolean asPostgres, Map<String, String> env) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (asPostgres && isRoot()) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.addAll(command);
        Path log = Files.createTempFile(cwd.getParent(), "pgkit", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " timed out");
            }
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " exited " + p.exitValue() + ": " + Files.readString(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
