package io.dbbackup.cli;

import io.dbbackup.testkit.PrivateFile;
import io.dbbackup.codec.age.AgeKeys;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.Leftovers;
import io.dbbackup.testkit.OpenSshServer;
import io.dbbackup.testkit.PostgresServer;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The read side of {@link LeftoversAfterFailuresIT}: one JVM running restores and verifies that fail mid-read (a store
 * read cut mid-stream, a truncated object), of compressed and age-encrypted backups, into SQLite, PostgreSQL (its
 * pg_restore and psql children) and MariaDB (its mariadb child), from S3 and Azure stores cut mid-download, and
 * backups, restores and verifies over SFTP (a real OpenSSH server) whose connection is cut mid-upload and mid-download: after each round it holds what it held after the first (threads, native threads,
 * open files, child processes, files in the scratch folder, the store and the restore target's folder). Only growth
 * counts, after a warm-up run: the failsafe JVM is shared with other test classes whose idle threads come and go.
 */
class LeftoversAfterReadFailuresIT {
    private static final int ROUNDS = Integer.getInteger("leftovers.rounds", 5);

    @TempDir
    Path dir;

    private Cli cli() {
        return new Cli().workingDir(dir).env("DBBACKUP_TMPDIR", dir.resolve("scratch").toString());
    }

    private Path[] watched() {
        return new Path[] {dir.resolve("scratch"), dir.resolve("store"), dir.resolve("restored")};
    }

    /**
     * A warm-up run of each of {@code runs} (loading classes, starting the JVM's own pools), then {@link #ROUNDS} rounds
     * of them all, each run ending with {@code exit}; after each round, what {@code view} shows of this JVM is what it
     * showed after the warm-up.
     */
    private void failWithoutLeftovers(Cli cli, UnaryOperator<Leftovers> view, int exit, List<String[]> runs) throws Exception {
        failWithoutLeftovers(cli, view, exit, "", runs);
    }

    /** {@link #failWithoutLeftovers}, each warm-up run's stderr saying {@code says} (the failure is the one meant). */
    private void failWithoutLeftovers(Cli cli, UnaryOperator<Leftovers> view, int exit, String says, List<String[]> runs)
            throws Exception {
        for (String[] args : runs) {
            Cli.Result first = cli.run(args);
            assertThat(first.exit()).as(String.join(" ", args) + ": " + first).isEqualTo(exit);
            assertThat(first.err()).as(String.join(" ", args) + ": " + first).contains(says);
        }
        Leftovers baseline = view.apply(Leftovers.steady(10, watched()));
        System.out.println("baseline: " + baseline.figures());
        for (int round = 1; round <= ROUNDS; round++) {
            List<String> errs = new ArrayList<>();
            for (String[] args : runs) {
                Cli.Result r = cli.run(args);
                assertThat(r.exit()).as(String.join(" ", args) + ": " + r).isEqualTo(exit);
                errs.add(r.err());
            }
            Leftovers after = settledTo(baseline, view);
            System.out.println("round " + round + ": " + after.figures());
            assertThat(after.diff(baseline)).as("what round %d left behind (%s)", round, errs).isEmpty();
        }
    }

    /** {@link Leftovers#settledTo}, comparing what {@code view} shows. */
    private Leftovers settledTo(Leftovers baseline, UnaryOperator<Leftovers> view) throws InterruptedException {
        // 8 s: the JDK's keep-alive cache closes an idle connection to a remote store after 5 s; a leaked one stays
        long end = System.nanoTime() + 8_000_000_000L;
        Leftovers now = view.apply(Leftovers.now(watched()));
        while (!now.diff(baseline).isEmpty() && System.nanoTime() < end) {
            Thread.sleep(50);
            now = view.apply(Leftovers.now(watched()));
        }
        return now;
    }

    private Path identity(AgeKeys.GeneratedKey key) throws IOException {
        return PrivateFile.write(dir.resolve("identity.txt"), key.identity() + "\n");
    }

    /** The one backup object under {@code store/}. */
    private Path backupObject(String suffix) throws IOException {
        try (Stream<Path> s = Files.walk(dir.resolve("store"))) {
            List<Path> objects = s.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(suffix)).toList();
            assertThat(objects).as("one backup object ending " + suffix).hasSize(1);
            return objects.get(0);
        }
    }

    private static String[] args(String... a) {
        return a;
    }

    /** SQLite backups (zstd, gzip, lz4; age-encrypted) read through a store that cuts every read after 300 kB. */
    @Test
    void restoresAndVerifiesCutMidReadLeaveNothingBehind() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 40000);
        AgeKeys.GeneratedKey key = AgeKeys.generate();
        StringBuilder y = new StringBuilder("datasources:\n");
        y.append("  restored: {engine: sqlite, path: restored/app.db}\n");
        for (String c : new String[] {"zstd", "gzip", "lz4"}) {
            y.append("  ").append(c).append(": {engine: sqlite, path: app.db, compression: ").append(c).append("}\n");
        }
        y.append("stores:\n  s: {type: faulty, path: store, fail_read_after: 300000}\njobs:\n");
        for (String c : new String[] {"zstd", "gzip", "lz4"}) {
            y.append("  ").append(c).append(": {datasource: ").append(c).append(", store: s, prefix: ").append(c).append(", encryption: {recipients: [")
                    .append(key.recipient()).append("]}}\n");
        }
        Files.writeString(dir.resolve("config.yaml"), y);
        Cli cli = cli();
        Cli.Result backup = cli.run("-c", "config.yaml", "backup", "--all", "--no-progress");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        String id = identity(key).toString();
        List<String[]> runs = new ArrayList<>();
        for (String c : new String[] {"zstd", "gzip", "lz4"}) {
            runs.add(args("-c", "config.yaml", "restore", c, "--to", "restored", "--auto-confirm", "--no-progress", "--identity", id));
            runs.add(args("-c", "config.yaml", "verify", c, "--no-progress", "--identity", id));
        }
        failWithoutLeftovers(cli, v -> v, 2, "connection reset while downloading", runs);
    }

    /** A backup object cut to half its size in the store: restore and verify fail as corrupt, and leave nothing. */
    @Test
    void restoresAndVerifiesOfATruncatedBackupLeaveNothingBehind() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 40000);
        AgeKeys.GeneratedKey key = AgeKeys.generate();
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db, compression: zstd}
                  restored: {engine: sqlite, path: restored/app.db}
                stores:
                  s: {type: local, path: store}
                jobs:
                  app: {datasource: app, store: s, encryption: {recipients: [%s]}}
                """.formatted(key.recipient()));
        Cli cli = cli();
        Cli.Result backup = cli.run("-c", "config.yaml", "backup", "app", "--no-progress");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        Path object = backupObject(".age");
        try (var ch = java.nio.channels.FileChannel.open(object, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() / 2);
        }
        String id = identity(key).toString();
        failWithoutLeftovers(cli, v -> v, 3, List.of(
                args("-c", "config.yaml", "restore", "app", "--to", "restored", "--auto-confirm", "--no-progress", "--identity", id),
                args("-c", "config.yaml", "verify", "app", "--no-progress", "--identity", id),
                args("-c", "config.yaml", "verify", "app", "--all-backups", "--no-progress", "--identity", id)));
    }

    /**
     * PostgreSQL backups (custom: pg_restore; plain: psql; zstd, age) restored through a store that cuts every second
     * read, the load (a cut of the first, the restore's check, fails before any child starts): the children end with
     * each restore. The server's own processes (backends, autovacuum) come and go: not compared.
     */
    @Test
    void postgresRestoresCutMidReadLeaveNoClientRunning() throws Exception {
        try (PostgresServer pg = PostgresServer.start()) {
            pg.createDatabase("shop");
            pg.createDatabase("scratch");
            pg.execute("shop", "create table t as select g as id, md5(g::text) as v from generate_series(1, 200000) g");
            pg.writePasswordFile(dir.resolve("pg.password"));
            AgeKeys.GeneratedKey key = AgeKeys.generate();
            Files.writeString(dir.resolve("config.yaml"), """
                    datasources:
                      shop: &pg
                        engine: postgres
                        host: 127.0.0.1
                        port: %d
                        user: postgres
                        password_file: pg.password
                        database: shop
                        format: custom
                        compression: zstd
                      plain:
                        <<: *pg
                        format: plain
                      scratch:
                        <<: *pg
                        database: scratch
                    stores:
                      s: {type: faulty, path: store, fail_read_after: 1000000, fail_read_from: 2}
                    jobs:
                      shop: {datasource: shop, store: s, encryption: {recipients: [%s]}}
                      plain: {datasource: plain, store: s, prefix: plain, encryption: {recipients: [%s]}}
                    """.formatted(pg.port(), key.recipient(), key.recipient()));
            Cli cli = cli();
            Cli.Result backup = cli.run("-c", "config.yaml", "backup", "shop", "plain", "--no-progress");
            assertThat(backup.exit()).as(backup.toString()).isZero();
            String id = identity(key).toString();
            long postmaster = Long.parseLong(Files.readAllLines(pg.dir().resolve("data/postmaster.pid")).get(0).trim());
            UnaryOperator<Leftovers> apart = v -> v.withoutProcessesUnder(postmaster);
            failWithoutLeftovers(cli, apart, 2, "connection reset while downloading", List.of(
                    args("-c", "config.yaml", "restore", "shop", "--to", "scratch", "--auto-confirm", "--clean", "--no-progress", "--identity", id),
                    args("-c", "config.yaml", "restore", "plain", "--to", "scratch", "--auto-confirm", "--clean", "--no-progress", "--identity", id)));
        }
    }

    /** Cuts each connection once {@code toServer} bytes went to the server on it, or {@code toClient} came back. */
    private static final class SftpCuttingRelay extends io.dbbackup.testkit.TcpRelay {
        private final long toServer;
        private final long toClient;

        SftpCuttingRelay(int port, long toServer, long toClient) throws IOException {
            super(java.net.URI.create("tcp://127.0.0.1:" + port));
            this.toServer = toServer;
            this.toClient = toClient;
        }

        @Override
        protected int pass(boolean server, byte[] buf, int n, long seen) {
            long limit = server ? toServer : toClient;
            return seen + n > limit ? (int) Math.max(0, limit - seen) : n;
        }
    }

    /** known_hosts for the server reached through {@code relay}. */
    private static Path knownHostsThrough(OpenSshServer ssh, SftpCuttingRelay relay, Path to) throws IOException {
        String line = Files.readString(ssh.knownHosts()).strip();
        return Files.writeString(to, line.replace("]:" + ssh.port() + " ", "]:" + relay.port() + " ") + "\n");
    }

    private String sftpConfig(OpenSshServer ssh, SftpCuttingRelay relay, String root, String recipient) throws IOException {
        Path kh = knownHostsThrough(ssh, relay, dir.resolve("known_hosts"));
        return """
                datasources:
                  app: {engine: sqlite, path: app.db, compression: zstd}
                  restored: {engine: sqlite, path: restored/app.db}
                stores:
                  s: {type: sftp, host: 127.0.0.1, port: %d, user: %s, path: %s, key_file: %s, known_hosts: %s, timeout: 5s}
                jobs:
                  app: {datasource: app, store: s, retry: {max_attempts: 2, delay: 1ms}, encryption: {recipients: [%s]}}
                """.formatted(relay.port(), ssh.user(), root, ssh.clientKey(), kh, recipient);
    }

    /** A database whose backup is about 4 MiB that does not compress. */
    private void incompressibleDatabase() throws Exception {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.db"));
             java.sql.Statement s = c.createStatement()) {
            s.execute("CREATE TABLE blobs (id INTEGER PRIMARY KEY, b BLOB)");
            s.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 64) "
                    + "INSERT INTO blobs SELECT i, randomblob(65536) FROM n");
        }
    }

    /**
     * Every connection to the SFTP server cut once 1 MB went up on it: each backup fails mid-upload. No SSH session,
     * thread, socket or server session process is left, nor a temporary file on the server.
     */
    @Test
    void sftpUploadsCutMidStreamLeaveNoSessionBehind() throws Exception {
        incompressibleDatabase();
        try (OpenSshServer ssh = new OpenSshServer();
             SftpCuttingRelay relay = new SftpCuttingRelay(ssh.port(), 1_000_000, Long.MAX_VALUE)) {
            String root = ssh.dataDir().resolve("up-" + UUID.randomUUID().toString().substring(0, 8)).toString();
            Files.writeString(dir.resolve("config.yaml"), sftpConfig(ssh, relay, root, AgeKeys.generate().recipient()));
            failWithoutLeftovers(cli(), sftp(relay), 2, "sftp", List.<String[]>of(args("-c", "config.yaml", "backup", "app", "--no-progress")));
            assertThat(ssh.files()).as("files left on the server").isEmpty();
        }
    }

    /**
     * Every connection to the SFTP server cut once 1 MB came down on it: each restore and verify fails mid-download
     * (after its resumptions). No SSH session, thread, socket or server session process is left.
     */
    @Test
    void sftpDownloadsCutMidStreamLeaveNoSessionBehind() throws Exception {
        incompressibleDatabase();
        try (OpenSshServer ssh = new OpenSshServer();
             SftpCuttingRelay relay = new SftpCuttingRelay(ssh.port(), Long.MAX_VALUE, 1_000_000)) {
            String root = ssh.dataDir().resolve("down-" + UUID.randomUUID().toString().substring(0, 8)).toString();
            AgeKeys.GeneratedKey key = AgeKeys.generate();
            Files.writeString(dir.resolve("config.yaml"), sftpConfig(ssh, relay, root, key.recipient()));
            // the backup goes up through a relay that cuts nothing
            try (SftpCuttingRelay open = new SftpCuttingRelay(ssh.port(), Long.MAX_VALUE, Long.MAX_VALUE)) {
                Files.writeString(dir.resolve("up.yaml"), sftpConfig(ssh, open, root, key.recipient()));
                Cli.Result backup = cli().run("-c", "up.yaml", "backup", "app", "--no-progress");
                assertThat(backup.exit()).as(backup.toString()).isZero();
                assertThat(Leftovers.connectionsTo(open.port())).as("connections a backup that succeeded left open").isZero();
                Files.writeString(dir.resolve("known_hosts"), Files.readString(ssh.knownHosts()).strip()
                        .replace("]:" + ssh.port() + " ", "]:" + relay.port() + " ") + "\n");
            }
            String id = identity(key).toString();
            failWithoutLeftovers(cli(), sftp(relay), 2, "sftp", List.of(
                    args("-c", "config.yaml", "restore", "app", "--to", "restored", "--auto-confirm", "--no-progress", "--identity", id),
                    args("-c", "config.yaml", "verify", "app", "--no-progress", "--identity", id)));
        }
    }

    /**
     * The relay's own sockets and threads are not compared (they close on their own time); each connection to it that
     * is still open counts as a leftover socket.
     */
    private static UnaryOperator<Leftovers> sftp(SftpCuttingRelay relay) {
        return relayed(relay, "socket: a connection to the SFTP server");
    }

    private static UnaryOperator<Leftovers> relayed(io.dbbackup.testkit.TcpRelay relay, String connection) {
        return v -> {
            Leftovers own = v.withoutSockets();
            List<String> fds = new ArrayList<>(own.fds());
            for (long i = Leftovers.connectionsTo(relay.port()); i > 0; i--) {
                fds.add(connection);
            }
            return new Leftovers(own.threads(), own.tasks(), fds, own.children(), own.files(), own.rssKiB());
        };
    }

    /**
     * S3 (s3proxy) reached through a relay that cuts every answer once 300 kB of it came back: each restore and verify
     * fails mid-download (after its resumptions). No connection to the store, thread, fd or scratch file is left; the
     * JDK's keep-alive cache may hold idle connections up to 5 s, which {@link #settledTo} waits out.
     */
    @Test
    void s3DownloadsCutMidStreamLeaveNoConnectionBehind() throws Exception {
        incompressibleDatabase();
        try (io.dbbackup.testkit.S3ProxyServer s3 = new io.dbbackup.testkit.S3ProxyServer();
             software.amazon.awssdk.services.s3.S3Client admin = io.dbbackup.store.s3.S3Fixture.admin(s3);
             io.dbbackup.testkit.CuttingRelay relay = new io.dbbackup.testkit.CuttingRelay(s3.endpoint(), 300_000, Integer.MAX_VALUE)) {
            admin.createBucket(b -> b.bucket("reads"));
            AgeKeys.GeneratedKey key = AgeKeys.generate();
            String yaml = """
                    datasources:
                      app: {engine: sqlite, path: app.db, compression: zstd}
                      restored: {engine: sqlite, path: restored/app.db}
                    stores:
                      s3: {type: s3, endpoint: %s, bucket: reads, path_style: true, access_key_env: S3_ACCESS, secret_key_env: S3_SECRET}
                    jobs:
                      app: {datasource: app, store: s3, encryption: {recipients: [%s]}}
                    """;
            Files.writeString(dir.resolve("up.yaml"), yaml.formatted(s3.endpoint(), key.recipient()));
            Files.writeString(dir.resolve("config.yaml"), yaml.formatted(relay.uri(), key.recipient()));
            Cli cli = cli().env("S3_ACCESS", s3.accessKey()).env("S3_SECRET", s3.secretKey());
            Cli.Result backup = cli.run("-c", "up.yaml", "backup", "app", "--no-progress");
            assertThat(backup.exit()).as(backup.toString()).isZero();
            String id = identity(key).toString();
            failWithoutLeftovers(cli, relayed(relay, "socket: a connection to the S3 store"), 2, "ended at byte", List.of(
                    args("-c", "config.yaml", "restore", "app", "--to", "restored", "--auto-confirm", "--no-progress", "--identity", id),
                    args("-c", "config.yaml", "verify", "app", "--no-progress", "--identity", id)));
        }
    }

    /**
     * Azure Blob Storage (Azurite) reached through a relay that cuts every answer once 300 kB of it came back: each
     * restore and verify of a compressed, age-encrypted backup fails mid-download (after its resumptions). No connection
     * to the store, thread, fd, child process or scratch file is left. Each run used to leave its own HTTP client's
     * selector thread and its fds (the JDK 17 client cannot be closed) until a garbage collection.
     */
    @Test
    void azureDownloadsCutMidStreamLeaveNoConnectionBehind() throws Exception {
        incompressibleDatabase();
        try (io.dbbackup.testkit.AzuriteServer azurite = new io.dbbackup.testkit.AzuriteServer();
             io.dbbackup.testkit.CuttingRelay relay = new io.dbbackup.testkit.CuttingRelay(
                     java.net.URI.create("http://127.0.0.1:" + azurite.endpoint().getPort()), 300_000, Integer.MAX_VALUE)) {
            io.dbbackup.store.azure.AzureFixture.createContainer(azurite, "reads");
            AgeKeys.GeneratedKey key = AgeKeys.generate();
            String yaml = """
                    datasources:
                      app: {engine: sqlite, path: app.db, compression: zstd}
                      restored: {engine: sqlite, path: restored/app.db}
                    stores:
                      az: {type: azure, account: %s, container: reads, endpoint: %s, account_key_env: AZ_KEY}
                    jobs:
                      app: {datasource: app, store: az, encryption: {recipients: [%s]}}
                    """;
            String account = io.dbbackup.testkit.AzuriteServer.ACCOUNT;
            Files.writeString(dir.resolve("up.yaml"), yaml.formatted(account, azurite.endpoint(), key.recipient()));
            Files.writeString(dir.resolve("config.yaml"), yaml.formatted(account, relay.uri() + "/" + account, key.recipient()));
            Cli cli = cli().env("AZ_KEY", azurite.accountKey());
            Cli.Result backup = cli.run("-c", "up.yaml", "backup", "app", "--no-progress");
            assertThat(backup.exit()).as(backup.toString()).isZero();
            String id = identity(key).toString();
            failWithoutLeftovers(cli, azure(relay), 2, "azure", List.of(
                    args("-c", "config.yaml", "restore", "app", "--to", "restored", "--auto-confirm", "--no-progress", "--identity", id),
                    args("-c", "config.yaml", "verify", "app", "--no-progress", "--identity", id)));
        }
    }

    /**
     * {@link #relayed}, and the worker pool of the JDK's HTTP client not compared: one client serves every Azure store
     * of the JVM, and its idle workers end after 60 s, not when a run ends. A client per run (the leak this counts)
     * shows as one more {@code HttpClient-#-SelectorManager} thread and its {@code eventpoll} and {@code eventfd}.
     */
    private static UnaryOperator<Leftovers> azure(io.dbbackup.testkit.TcpRelay relay) {
        return v -> {
            Leftovers r = relayed(relay, "socket: a connection to the Azure store").apply(v);
            java.util.TreeMap<String, Integer> own = new java.util.TreeMap<>(r.threads());
            Integer workers = own.remove("HttpClient-#-Worker-#");
            return new Leftovers(own, r.tasks() - (workers == null ? 0 : workers), r.fds(), r.children(), r.files(), r.rssKiB());
        };
    }

    /**
     * A MariaDB backup (zstd, age) restored through a store that cuts its second read (the load, after the restore's
     * check read it whole: a cut of the first fails before the target is touched): the {@code mariadb} client fed the
     * dump ends with each restore, and the README's promise holds: a target database the restore created is dropped
     * again (none half-restored where there was none), one that was there is said to be partly restored and keeps
     * what the backup does not hold. The server's own process is not compared.
     */
    @Test
    void mariadbRestoresCutMidReadLeaveNoClientRunningNorAHalfRestoredNewDatabase() throws Exception {
        try (io.dbbackup.testkit.MariaDbServer db = io.dbbackup.testkit.MariaDbServer.start()) {
            db.createDatabase("shop");
            db.rootSql("shop", "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(64));"
                    + "INSERT INTO t SELECT seq, MD5(seq) FROM seq_1_to_200000;");
            db.createDatabase("kept");
            db.rootSql("kept", "CREATE TABLE marker (id INT PRIMARY KEY); INSERT INTO marker VALUES (42);");
            Files.writeString(dir.resolve("db.password"), db.password() + "\n");
            Files.setPosixFilePermissions(dir.resolve("db.password"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            AgeKeys.GeneratedKey key = AgeKeys.generate();
            Files.writeString(dir.resolve("config.yaml"), """
                    datasources:
                      shop: &db {engine: mariadb, host: 127.0.0.1, port: %d, user: %s, password_file: db.password, database: shop, compression: zstd}
                      fresh: {<<: *db, database: fresh}
                      kept: {<<: *db, database: kept}
                    stores:
                      s: {type: faulty, path: store, fail_read_after: 1000000, fail_read_from: 2}
                    jobs:
                      shop: {datasource: shop, store: s, encryption: {recipients: [%s]}}
                    """.formatted(db.port(), db.user(), key.recipient()));
            Cli cli = cli();
            Cli.Result backup = cli.run("-c", "config.yaml", "backup", "shop", "--no-progress");
            assertThat(backup.exit()).as(backup.toString()).isZero();
            String id = identity(key).toString();
            String[] fresh = args("-c", "config.yaml", "restore", "shop", "--to", "fresh", "--auto-confirm", "--no-progress", "--identity", id);
            String[] kept = args("-c", "config.yaml", "restore", "shop", "--to", "kept", "--auto-confirm", "--no-progress", "--identity", id);
            Cli.Result intoNew = cli.run(fresh);
            assertThat(intoNew.exit()).as(intoNew.toString()).isEqualTo(2);
            assertThat(intoNew.err()).as(intoNew.toString()).contains("connection reset while downloading")
                    .contains("database `fresh`, which this restore created, was dropped again");
            Cli.Result intoKept = cli.run(kept);
            assertThat(intoKept.exit()).as(intoKept.toString()).isEqualTo(2);
            assertThat(intoKept.err()).as(intoKept.toString()).contains("connection reset while downloading")
                    .contains("database `kept` keeps what loaded before the error and is partly restored");
            failWithoutLeftovers(cli, v -> v.withoutProcessesUnder(db.pid()), 2, "connection reset while downloading",
                    List.of(fresh, kept));
            assertThat(db.rootSql("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'fresh' "
                    + "OR SCHEMA_NAME LIKE 'dbbackup%'").strip()).as("a database the restores created, left").isEqualTo("0");
            assertThat(db.rootSql("kept", "SELECT id FROM marker").strip()).as("what the backup does not hold, kept")
                    .isEqualTo("42");
        }
    }

    /**
     * A backup that fails its verification on a store folder it made (the job's first backup) leaves no empty folder
     * behind; a folder that was there before stays.
     */
    @Test
    void aBackupFailingItsVerificationLeavesNoFolderItMade() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  d: {engine: fake, size: 300000, compression: zstd}
                stores:
                  s: {type: faulty, path: store, corrupt: true}
                jobs:
                  d: {datasource: d, store: s, verify: true}
                  e: {datasource: d, store: s, prefix: team/e, verify: true}
                """);
        Cli cli = cli();
        Files.createDirectories(dir.resolve("store/d"));
        for (String job : new String[] {"d", "e"}) {
            Cli.Result r = cli.run("-c", "config.yaml", "backup", job, "--no-progress");
            assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        }
        try (Stream<Path> s = Files.walk(dir.resolve("store"))) {
            assertThat(s.map(p -> dir.resolve("store").relativize(p).toString()).sorted().toList())
                    .as("the store after two backups that failed their verification: the folder that was there stays")
                    .containsExactly("", "d");
        }
    }
}
