package io.dbbackup.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway MariaDB server from Debian's binaries: {@code mariadb-install-db} into a temp folder,
 * {@code mariadbd --user=mysql} on a private socket and a free loopback port. {@code root} logs in
 * through the socket only (unix_socket auth, as the OS root user the tests run as); the account
 * {@value #USER} (at 127.0.0.1, ::1 and localhost) has all privileges and a random password holding
 * {@code " ' # \ ;} and a space, so option-file quoting is exercised and wrong-password tests are
 * real. Close kills the server and deletes the folder.
 */
public final class MariaDbServer implements AutoCloseable {
    public static final String USER = "backup";

    private final Path dir;
    private final Path socket;
    private final int port;
    private final String password;
    private final Process process;

    private MariaDbServer(Path dir, Path socket, int port, String password, Process process) {
        this.dir = dir;
        this.socket = socket;
        this.port = port;
        this.password = password;
        this.process = process;
    }

    public static MariaDbServer start() {
        return start(new String[0]);
    }

    /** {@link #start()} with more {@code mariadbd} options, e.g. {@code --log-bin} (a binary log in the server's folder). */
    public static MariaDbServer start(String... serverOptions) {
        Path dir = null;
        Process p = null;
        try {
            Path base = Path.of(System.getProperty("java.io.tmpdir"));
            Files.createDirectories(base);
            dir = Files.createTempDirectory(base, "maria-");
            Path tmp = Files.createDirectories(dir.resolve("tmp"));
            run(dir, "chmod", "755", dir.toString());
            run(dir, "chown", "mysql:mysql", dir.toString(), tmp.toString());
            ProcessBuilder install = new ProcessBuilder("mariadb-install-db", "--no-defaults", "--user=mysql",
                    "--datadir=" + dir.resolve("data"), "--skip-test-db", "--auth-root-authentication-method=socket")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("install.log").toFile());
            install.environment().put("TMPDIR", tmp.toString());
            Process i = install.start();
            if (!i.waitFor(120, TimeUnit.SECONDS) || i.exitValue() != 0) {
                throw new IllegalStateException("mariadb-install-db failed:\n" + Files.readString(dir.resolve("install.log")));
            }
            int port = freePort();
            Path socket = dir.resolve("mysqld.sock");
            ProcessBuilder server = new ProcessBuilder("mariadbd", "--no-defaults", "--user=mysql",
                    "--datadir=" + dir.resolve("data"), "--tmpdir=" + tmp, "--socket=" + socket, "--port=" + port,
                    "--bind-address=127.0.0.1", "--pid-file=" + dir.resolve("mariadbd.pid"),
                    "--log-error=" + dir.resolve("error.log"), "--innodb-buffer-pool-size=64M",
                    "--innodb-log-file-size=16M", "--skip-name-resolve", "--character-set-server=utf8mb4",
                    "--collation-server=utf8mb4_general_ci")
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
            server.command().addAll(List.of(serverOptions));
            server.environment().put("TMPDIR", tmp.toString());
            p = server.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("mariadbd died:\n" + Files.readString(dir.resolve("error.log")));
                }
                Process ping = new ProcessBuilder("mariadb-admin", "--no-defaults", "--socket=" + socket, "-uroot", "ping")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (ping.waitFor(10, TimeUnit.SECONDS) && ping.exitValue() == 0) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("mariadbd not ready after 60 s");
                }
                Thread.sleep(50);
            }
            String password = "pw \"#'\\;" + HexFormat.of().formatHex(new SecureRandom().generateSeed(8));
            MariaDbServer m = new MariaDbServer(dir, socket, port, password, p);
            for (String host : List.of("127.0.0.1", "::1", "localhost")) { // ::1: a server started with --bind-address=...,::1
                m.rootSql("CREATE USER '" + USER + "'@'" + host + "' IDENTIFIED BY " + literal(password) + ";\n"
                        + "GRANT ALL ON *.* TO '" + USER + "'@'" + host + "' WITH GRANT OPTION;");
            }
            return m;
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (p != null) {
                p.destroyForcibly();
            }
            if (dir != null) {
                deleteTree(dir);
            }
            throw new IllegalStateException("cannot start a throwaway MariaDB: " + e.getMessage(), e);
        }
    }

    public int port() {
        return port;
    }

    public Path socket() {
        return socket;
    }

    public String user() {
        return USER;
    }

    /** The password of {@link #USER}: hand it to the tool through a file or variable, never argv. */
    public String password() {
        return password;
    }

    public long pid() {
        return process.pid();
    }

    /** Runs SQL as root through the socket with the real {@code mariadb} client; returns {@code -N -B} output. */
    public String rootSql(String sql) {
        return rootSql(null, sql);
    }

    public String rootSql(String database, String sql) {
        try {
            ProcessBuilder pb = new ProcessBuilder("mariadb", "--no-defaults", "--socket=" + socket, "-uroot", "-N", "-B",
                    "--default-character-set=utf8mb4");
            if (database != null) {
                pb.command().add(database);
            }
            Process c = pb.redirectErrorStream(true).start();
            try (var in = c.getOutputStream()) {
                in.write(sql.getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!c.waitFor(120, TimeUnit.SECONDS) || c.exitValue() != 0) {
                throw new IllegalStateException("mariadb failed: " + out + "\nSQL: " + sql);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A JDBC connection as {@link #USER} over TCP to {@code database} (null: none). */
    public Connection connect(String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", USER);
        p.setProperty("password", password);
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/" + (database == null ? "" : database), p);
    }

    public void createDatabase(String name) {
        rootSql("CREATE DATABASE `" + name + "`");
    }

    /** Loads a SQL script (a test resource) into {@code database} with the real client. */
    public void load(String database, String script) {
        rootSql(database, script);
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteTree(dir);
    }

    static String literal(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + ": " + out);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
