package io.dbbackup.engine.postgres;

import io.dbbackup.testkit.PostgresServer;
import io.dbbackup.testkit.Shell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A throwaway cluster archiving its WAL through the real dbbackup CLI (the shaded jar, run by the server as
 * the {@code postgres} user), with a work folder that user can read: the config, the password file (owned by
 * postgres, 0600) and a local store whose {@code wal/} folder it may write.
 */
final class PhysicalCluster implements AutoCloseable {
    static final String JOB = "phys";
    static final String CLUSTER = "main";

    final Path work;
    final Path config;
    final PostgresServer pg;

    private PhysicalCluster(Path work, Path config, PostgresServer pg) {
        this.work = work;
        this.config = config;
        this.pg = pg;
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("dbbackup.jar", "target/dbbackup.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the shaded jar " + jar + " is missing (mvn package)");
        }
        return jar;
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** How the server and restore_command run dbbackup: this JVM and the shaded jar. */
    static String dbbackupCommand() {
        return "'" + java() + "' -jar '" + jar() + "'";
    }

    /** A work folder the postgres user can traverse and read. */
    static Path workDir() throws IOException {
        Path base = Path.of(System.getProperty("java.io.tmpdir"));
        Path work = Files.createTempDirectory(base, "physical-");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        return work;
    }

    /**
     * Starts a cluster whose archive_command is {@code archiveCommand} (given the config path) and writes the
     * config {@code configText} (given the server) to {@code work/config.yaml}.
     */
    static PhysicalCluster start(Path work, String archiveCommand, Map<String, String> serverEnv,
                                 java.util.function.Function<PostgresServer, String> configText) throws IOException {
        return start(work, archiveCommand, Map.of(), serverEnv, configText);
    }

    /** As above, with more server {@code settings} (e.g. {@code full_page_writes}). */
    static PhysicalCluster start(Path work, String archiveCommand, Map<String, String> settings, Map<String, String> serverEnv,
                                 java.util.function.Function<PostgresServer, String> configText) throws IOException {
        Path config = work.resolve("config.yaml");
        Files.writeString(config, "# written below once the server's port is known\n");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
        Map<String, String> all = new java.util.HashMap<>(settings);
        all.putAll(Map.of("archive_mode", "on", "archive_command", archiveCommand, "wal_level", "replica"));
        all.putIfAbsent("listen_addresses", "127.0.0.1,::1"); // ::1 too: PhysicalBackupIT#aBaseBackupOverIpv6Loopback...
        PostgresServer pg = PostgresServer.start(PostgresServer.DEFAULT_VERSION, all, serverEnv);
        try {
            Path pw = pg.writePasswordFile(work.resolve("pg.password"));
            Shell.ok(work, "chown", "postgres:postgres", pw.toString());
            Files.writeString(config, configText.apply(pg));
            return new PhysicalCluster(work, config, pg);
        } catch (IOException | RuntimeException e) {
            pg.close();
            throw e;
        }
    }

    /**
     * A cluster archiving its WAL with {@code wal-push} into a local store ({@code work/store}) whose job
     * {@value #JOB} keeps zstd base backups under {@code prefix}.
     */
    static PhysicalCluster archivingToLocalStore(String prefix) throws IOException {
        Path work = workDir();
        Path wal = Files.createDirectories(work.resolve("store/" + prefix + "/" + CLUSTER + "/wal"));
        Shell.ok(work, "chown", "postgres:postgres", wal.toString());
        String archive = dbbackupCommand() + " -c '" + work.resolve("config.yaml") + "' wal-push --job " + JOB + " %p %f";
        return start(work, archive, Map.of(), pg -> "datasources:\n" + datasource(pg) + """
                stores:
                  local: {type: local, path: store}
                jobs:
                  %s:
                    datasource: pg
                    store: local
                    prefix: %s
                    compression: zstd
                """.formatted(JOB, prefix));
    }

    /** The datasource section of the cluster, for a config. */
    static String datasource(PostgresServer pg) {
        return """
                  pg:
                    engine: postgres
                    method: physical
                    cluster: %s
                    host: 127.0.0.1
                    port: %d
                    user: postgres
                    password_file: pg.password
                """.formatted(CLUSTER, pg.port());
    }

    /** {@code select pg_walfile_name(pg_switch_wal())} after writing something; returns the segment that was closed. */
    String switchWal() {
        return pg.queryOne("postgres", "select pg_walfile_name(pg_switch_wal())");
    }

    /** Waits until PostgreSQL reports {@code segment} (or a later one) archived; fails on archive errors past the timeout. */
    void awaitArchived(String segment, Duration timeout) throws InterruptedException {
        awaitArchived(pg, segment, timeout);
    }

    /** As {@link #awaitArchived(String, Duration)}, for {@code server} (e.g. a restored copy that archives too). */
    static void awaitArchived(PostgresServer server, String segment, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            last = server.queryOne("postgres", "select coalesce(last_archived_wal, '') || '|' || archived_count || '|' || failed_count"
                    + " || '|' || coalesce(last_failed_wal, '') from pg_stat_archiver");
            String lastArchived = last.split("\\|", -1)[0];
            if (!lastArchived.isEmpty() && lastArchived.length() == 24 && lastArchived.compareTo(segment) >= 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("segment " + segment + " not archived within " + timeout + " (pg_stat_archiver: " + last
                + ")\n" + server.serverLog());
    }

    /** Starts a restored data directory ({@code dir/data}) without archiving and without hot standby: returns once promoted. */
    PostgresServer startRestored(Path dir) {
        return PostgresServer.startRestored(dir, PostgresServer.DEFAULT_VERSION, pg.password(),
                Map.of("archive_mode", "off", "hot_standby", "off"));
    }

    /** A fresh folder for a restore: {@code <work>/<name>/} (the data directory will be its {@code data/}). */
    Path restoreDir(String name) throws IOException {
        Path d = work.resolve(name);
        Files.createDirectories(d);
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
        return d;
    }

    List<String> rows(PostgresServer server) {
        return server.query("postgres", "select batch || ':' || count(*) from t group by batch order by batch");
    }

    @Override
    public void close() {
        pg.close();
        try (var s = Files.walk(work)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp folder
        }
    }
}
