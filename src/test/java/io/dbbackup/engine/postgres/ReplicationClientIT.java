package io.dbbackup.engine.postgres;

import io.dbbackup.core.Json;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.PostgresServer;
import io.dbbackup.testkit.Shell;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built-in replication client against a real PostgreSQL with TLS and a pg_hba.conf that asks each role
 * for another method (SCRAM, md5, trust, TLS only), compared with pg_basebackup on the same cluster; the
 * restored-and-started proofs are {@link PhysicalBackupIT}'s, which runs through this client too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicationClientIT {
    private static final String MD5_PASSWORD = "m5:pw\\x";
    private static final String TLS_PASSWORD = "tls-pw";
    Path work;
    PostgresServer pg;
    Cli cli;

    @BeforeAll
    void start() throws Exception {
        work = PhysicalCluster.workDir();
        Path tls = Files.createDirectories(work.resolve("tls"));
        cert(tls, "server", "/CN=localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1");
        cert(tls, "stranger", "/CN=stranger", "subjectAltName=DNS:stranger");
        Shell.ok(work, "chown", "-R", "postgres:postgres", tls.toString());
        pg = PostgresServer.start(PostgresServer.DEFAULT_VERSION, Map.of("ssl", "on",
                "ssl_cert_file", tls.resolve("server.crt").toString(), "ssl_key_file", tls.resolve("server.key").toString(),
                "wal_level", "replica"), Map.of());
        pg.execute("postgres", "set password_encryption = 'md5'; create role md5_user login replication password '"
                + MD5_PASSWORD.replace("'", "''") + "'; reset password_encryption;"
                + " create role tls_user login replication password '" + TLS_PASSWORD + "';"
                + " create role trust_user login replication");
        Path hba = pg.dir().resolve("data/pg_hba.conf");
        Files.writeString(hba, """
                local all all trust
                local replication all trust
                hostnossl replication tls_user 127.0.0.1/32 reject
                hostssl replication tls_user 127.0.0.1/32 scram-sha-256
                host replication md5_user 127.0.0.1/32 md5
                host replication trust_user 127.0.0.1/32 trust
                host replication all 127.0.0.1/32 scram-sha-256
                host all all 127.0.0.1/32 scram-sha-256
                """);
        pg.execute("postgres", "select pg_reload_conf()");
        Shell.ok(work, "chmod", "644", pg.writePasswordFile(work.resolve("pg.password")).toString());
        Files.writeString(work.resolve("md5.password"), MD5_PASSWORD + "\n");
        Files.writeString(work.resolve("tls.password"), TLS_PASSWORD + "\n");
        Files.writeString(work.resolve("wrong.password"), "not-it\n");
        pg.execute("postgres", "create table t as select g as id, md5(g::text) as v from generate_series(1, 20000) g");
        cli = new Cli().workingDir(work);
    }

    @AfterAll
    void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    private static void cert(Path dir, String name, String subject, String san) {
        Shell.ok(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", subject,
                "-addext", san, "-keyout", name + ".key", "-out", name + ".crt");
        Shell.ok(dir, "chmod", "600", name + ".key");
    }

    /** A config with one job {@code j} backing up the cluster as {@code user} with {@code extra} datasource lines. */
    private Path config(String name, String user, String extra) throws IOException {
        return config(name, "127.0.0.1", user, extra);
    }

    private Path config(String name, String host, String user, String extra) throws IOException {
        Path config = work.resolve(name + ".yaml");
        Files.writeString(config, """
                datasources:
                  pg:
                    engine: postgres
                    method: physical
                    cluster: %s
                    host: %s
                    port: %d
                    user: %s
                %s
                stores:
                  local: {type: local, path: store}
                jobs:
                  j:
                    datasource: pg
                    store: local
                    compression: zstd
                    retry: {max_attempts: 3, delay: 1s}
                """.formatted(name, host, pg.port(), user, extra.indent(4)));
        return config;
    }

    private Cli.Result backup(Path config) {
        return cli.run("-c", config.toString(), "backup", "j");
    }

    /** The facts of the job's only backup, and the tar's entry names. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> onlyBackup(Path config) {
        Cli.Result list = cli.run("-c", config.toString(), "list", "j", "--json");
        assertThat(list.exit()).as(list.toString()).isZero();
        List<Map<String, Object>> entries = (List<Map<String, Object>>) Json.parse(list.out());
        assertThat(entries).hasSize(1);
        return entries.get(0);
    }

    @SuppressWarnings("unchecked")
    private String client(Map<String, Object> entry) throws IOException {
        Map<?, ?> manifest = (Map<?, ?>) Json.parse(Files.readString(work.resolve("store").resolve(entry.get("key") + ".manifest.json")));
        return (String) ((Map<String, Object>) manifest.get("facts")).get("client");
    }

    private Set<String> names(Map<String, Object> entry) {
        String names = Shell.sh(work, "zstd -dc 'store/" + entry.get("key") + "' | tar -t");
        // the WAL segments and their .done markers are those of each backup's own moment
        return Arrays.stream(names.split("\n")).map(n -> n.replaceAll("[0-9A-F]{24}", "SEGMENT"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void scramBackupHoldsWhatPgBasebackupsHoldsAndPassesPgVerifybackup() throws Exception {
        Path builtin = config("scram", "postgres", "password_file: pg.password");
        Cli.Result r = backup(builtin);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).contains("client=built-in replication client").doesNotContain("pg_basebackup started");
        Map<String, Object> ours = onlyBackup(builtin);
        assertThat(client(ours)).isEqualTo("built-in replication client");

        Path tool = config("tool", "postgres", "password_file: pg.password\nbase_backup_client: pg_basebackup");
        Cli.Result t = backup(tool);
        assertThat(t.exit()).as(t.toString()).isZero();
        assertThat(t.err()).contains("pg_basebackup started");
        Map<String, Object> theirs = onlyBackup(tool);
        assertThat(client(theirs)).isEqualTo("pg_basebackup");

        assertThat(names(ours)).isEqualTo(names(theirs)).contains("backup_manifest", "backup_label", "global/pg_control");
        for (String fact : List.of("system_identifier", "timeline", "server_version")) {
            assertThat(ours.get(fact)).as(fact).isNotNull().isEqualTo(theirs.get(fact));
        }
        Cli.Result deep = cli.run("-c", builtin.toString(), "verify", "j", "--deep");
        assertThat(deep.exit()).as(deep.toString()).isZero();
        assertThat(deep.out() + deep.err()).contains("pg_verifybackup");
    }

    @Test
    void md5AndTrustRolesAndTheirFailuresAreSaidOnceWithoutRetries() throws Exception {
        Cli.Result md5 = backup(config("md5", "md5_user", "password_file: md5.password"));
        assertThat(md5.exit()).as(md5.toString()).isZero();
        Cli.Result trust = backup(config("trust", "trust_user", ""));
        assertThat(trust.exit()).as(trust.toString()).isZero();

        Path wrong = config("wrong", "postgres", "password_file: wrong.password");
        Cli.Result w = backup(wrong);
        assertThat(w.exit()).as(w.toString()).isEqualTo(2);
        assertThat(w.err()).contains("cannot open a replication connection to PostgreSQL postgres@127.0.0.1:" + pg.port())
                .contains("password authentication failed for user \"postgres\"; check datasources.pg.password_file at "
                        + wrong + ":9:20, read from file " + work.resolve("wrong.password"))
                .contains("attempt=1/3 retry=false").doesNotContain("attempt=2/3");
        Cli.Result none = backup(config("nopass", "postgres", ""));
        assertThat(none.exit()).as(none.toString()).isEqualTo(2);
        assertThat(none.err()).contains("no password supplied for user \"postgres\"").contains("retry=false");
        assertThat(Files.exists(work.resolve("store/wrong"))
                ? Files.list(work.resolve("store/wrong")).toList() : List.of()).isEmpty();
    }

    /** pg_basebackup's probe (psql over a replication connection) refused a password: the line names where it comes from. */
    @Test
    void aWrongPasswordForPgBasebackupNamesItsConfigPlace() throws Exception {
        Path wrong = config("wrongtool", "postgres", "password_file: wrong.password\nbase_backup_client: pg_basebackup");
        Cli.Result w = backup(wrong);
        assertThat(w.exit()).as(w.toString()).isEqualTo(2);
        assertThat(w.err()).contains("cannot open a replication connection to PostgreSQL postgres@127.0.0.1:" + pg.port())
                .contains("password authentication failed for user \"postgres\"; check datasources.pg.password_file at "
                        + wrong + ":9:20, read from file " + work.resolve("wrong.password"))
                .contains("retry=false");
        assertThat(w.err().lines().filter(l -> l.contains("; check datasources.pg.password_file")).findFirst().orElseThrow()
                .split("wrong.password", -1)).as("the file named once").hasSize(2);
    }

    @Test
    void aPasswordThatSaslprepChangesIsLeftToLibpq() throws Exception {
        // PostgreSQL keeps SASLprep(password) (a no-break space becomes a space, the ligature 'ﬁ' becomes 'fi'), as libpq
        // sends it: the built-in client sent the raw bytes and was refused
        String password = "p\u00A0w\uFB01-\u00FC";
        pg.execute("postgres", "create role prep_user login replication password '" + password + "'");
        Path file = work.resolve("prep.password");
        Files.writeString(file, password + "\n");
        Shell.ok(work, "chmod", "600", file.toString());
        Path config = config("prep", "prep_user", "password_file: prep.password");
        Cli.Result r = backup(config);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(client(onlyBackup(config))).isEqualTo("pg_basebackup");
    }

    @Test
    void aSocketFolderAsHostIsReachedByTheClientItself() throws Exception {
        // pg_hba.conf: 'local replication all trust'; the server's socket is <dir>/.s.PGSQL.<port>
        Path config = config("socket", pg.dir().toString(), "postgres", "");
        Cli.Result r = backup(config);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).contains("client=built-in replication client").doesNotContain("pg_basebackup started");
        assertThat(client(onlyBackup(config))).isEqualTo("built-in replication client");
        Cli.Result missing = backup(config("nosocket", work.resolve("nowhere").toString(), "postgres", ""));
        assertThat(missing.exit()).as(missing.toString()).isEqualTo(2);
        assertThat(missing.err()).contains("could not connect to server on socket \"" + work.resolve("nowhere/.s.PGSQL." + pg.port()));
    }

    @Test
    void tlsModesAreKeptAsLibpqKeepsThem() throws Exception {
        Path tls = work.resolve("tls");
        Cli.Result require = backup(config("require", "tls_user", "password_file: tls.password\nsslmode: require"));
        assertThat(require.exit()).as(require.toString()).isZero();
        Cli.Result full = backup(config("full", "tls_user", "password_file: tls.password\nsslmode: verify-full\nsslrootcert: "
                + tls.resolve("server.crt")));
        assertThat(full.exit()).as(full.toString()).isZero();
        // the default (prefer) asks for TLS first, as libpq does: the TLS-only role gets in
        Cli.Result prefer = backup(config("prefer", "tls_user", "password_file: tls.password"));
        assertThat(prefer.exit()).as(prefer.toString()).isZero();

        Cli.Result stranger = backup(config("stranger", "tls_user", "password_file: tls.password\nsslmode: verify-ca\nsslrootcert: "
                + tls.resolve("stranger.crt")));
        assertThat(stranger.exit()).as(stranger.toString()).isEqualTo(2);
        assertThat(stranger.err()).contains("TLS with 127.0.0.1:" + pg.port() + " failed (sslmode verify-ca)").contains("retry=false");
        Cli.Result plain = backup(config("plain", "tls_user", "password_file: tls.password\nsslmode: disable"));
        assertThat(plain.exit()).as(plain.toString()).isEqualTo(2);
        assertThat(plain.err()).contains("pg_hba.conf rejects replication connection").contains("no encryption");
    }

    @Test
    void aPasswordFromPgpassInHomeIsUsedAsLibpqWould() throws Exception {
        Path home = Files.createDirectories(work.resolve("home"));
        Path pgpass = home.resolve(".pgpass");
        Files.writeString(pgpass, "127.0.0.1:" + pg.port() + ":replication:md5_user:" + PassFile.escape(MD5_PASSWORD) + "\n");
        Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-------"));
        Path config = config("pgpass", "md5_user", "");
        List<String> cmd = new ArrayList<>(List.of("env", "HOME=" + home, PhysicalCluster.java(), "-jar",
                PhysicalCluster.jar().toString(), "-c", config.toString(), "backup", "j"));
        Shell.Result r = Shell.run(work, cmd.toArray(String[]::new));
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.output()).contains("client=built-in replication client");
    }

    @Test
    void theTimeoutStopsABaseBackupAndNothingIsStored() throws Exception {
        Path config = config("slow", "postgres", "password_file: pg.password\nmax_rate: 32k\ntimeout: 2s");
        Cli.Result r = backup(config);
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("timed out after 2s");
        Path folder = work.resolve("store/slow");
        assertThat(Files.exists(folder) ? Files.list(folder).toList() : List.of()).isEmpty();
        // the socket is closed: the walsender notices at its next send (it sleeps between sends at this rate)
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"0".equals(pg.queryOne("postgres", "select count(*) from pg_stat_replication")) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(pg.queryOne("postgres", "select count(*) from pg_stat_replication")).isEqualTo("0");
    }

    /**
     * Last, as it makes the cluster larger (a backup long enough to be ended midway). Without max_rate: a
     * walsender sleeping in its rate limit does not act on pg_terminate_backend (PostgreSQL 15).
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void aWalsenderEndedMidStreamFailsTheAttemptClearlyAndTheRetryStoresOneWholeBackup() throws Exception {
        pg.execute("postgres", "create table big as select g, md5(g::text) || md5((g * 7)::text) as v from generate_series(1, 1500000) g");
        Path config = config("killed", "postgres", "password_file: pg.password");
        java.util.concurrent.CompletableFuture<Cli.Result> run = java.util.concurrent.CompletableFuture.supplyAsync(() -> backup(config));
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"1".equals(pg.queryOne("postgres", "select count(*) from pg_stat_replication where state = 'backup'"))
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        pg.execute("postgres", "select pg_terminate_backend(pid) from pg_stat_replication");
        Cli.Result r = run.get(60, java.util.concurrent.TimeUnit.SECONDS);
        // the attempt fails saying so, the retry makes a whole backup, and only that one is stored
        assertThat(r.exit()).as(r.toString()).isZero();
        // the server's FATAL when it got out before the socket closed, else what the client saw
        assertThat(r.err()).containsAnyOf("failed: FATAL: terminating connection due to administrator command",
                "PostgreSQL closed the replication connection before the end of its answer").contains("attempt=1/3 retry=true");
        try (var files = Files.list(work.resolve("store/killed"))) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".tar.zst")).toList()).hasSize(1);
        }
        assertThat(cli.run("-c", config.toString(), "verify", "j").exit()).isZero();
    }
}
