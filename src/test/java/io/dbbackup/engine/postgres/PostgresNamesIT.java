package io.dbbackup.engine.postgres;

import io.dbbackup.core.Json;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.PostgresServer;
import io.dbbackup.testkit.Shell;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Names and connections as users have them, through the CLI: a role, a password and databases whose names hold spaces,
 * both quotes, capitals, unicode, a leading dash, {@code =} and {@code @}; a socket folder as host; TLS modes against a
 * server with a certificate made here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresNamesIT {
    static final String ROLE = "-Ünï \"Q\" o'r=@x";
    static final String PASSWORD = " p:a\\ss #w \"o'rd\\: ü ";
    static final String DB = "-Bob's \"Db\" =@ Ü x";
    static final String TARGET = "Cöpy \"T\" -x=@'s";

    Path work;
    Path tls;
    PostgresServer pg;
    Cli cli;

    @BeforeAll
    void start() throws Exception {
        work = PhysicalCluster.workDir();
        tls = Files.createDirectories(work.resolve("tls"));
        cert(tls, "server", "/CN=localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1");
        cert(tls, "stranger", "/CN=stranger", "subjectAltName=DNS:stranger");
        Shell.ok(work, "chown", "-R", "postgres:postgres", tls.toString());
        pg = PostgresServer.start(PostgresServer.DEFAULT_VERSION, Map.of("ssl", "on",
                "ssl_cert_file", tls.resolve("server.crt").toString(), "ssl_key_file", tls.resolve("server.key").toString()),
                Map.of());
        pg.execute("postgres", "create role " + ident(ROLE) + " login createdb password " + literal(PASSWORD));
        pg.execute("postgres", "create database " + ident(DB) + " owner " + ident(ROLE));
        pg.execute(DB, "set role " + ident(ROLE) + "; create schema " + ident("Sch ém\"a") + "; create table "
                + ident("Sch ém\"a") + "." + ident("T 'x'") + " as select g as id, 'ü' || g as v from generate_series(1, 50) g");
        Path pw = work.resolve("role.pw");
        Files.writeString(pw, PASSWORD + "\n");
        Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
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

    static String ident(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    static String yaml(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    /** Datasources {@code src} (DB) and {@code copy} (TARGET) as ROLE, with {@code extra} lines; job {@code j}. */
    private Path config(String name, String host, String format, String extra) throws IOException {
        Path config = work.resolve(name + ".yaml");
        String conn = """
                engine: postgres
                host: %s
                port: %d
                user: %s
                password_file: role.pw
                format: %s
                %s""".formatted(yaml(host), pg.port(), yaml(ROLE), format, extra);
        Files.writeString(config, """
                datasources:
                  src:
                %s
                    database: %s
                  copy:
                %s
                    database: %s
                stores:
                  local: {type: local, path: %s}
                jobs:
                  j:
                    datasource: src
                    store: local
                    prefix: %s
                    compression: gzip
                """.formatted(conn.indent(4), yaml(DB), conn.indent(4), yaml(TARGET), name + "-store", name));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        return config;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> onlyBackup(Path config) {
        Cli.Result list = cli.run("-c", config.toString(), "list", "j", "--json");
        assertThat(list.exit()).as(list.toString()).isZero();
        List<Map<String, Object>> entries = (List<Map<String, Object>>) Json.parse(list.out());
        assertThat(entries).hasSize(1);
        return entries.get(0);
    }

    /** Backup, list, manifest, restore --to another odd name, and the rows there. */
    private void roundTrip(String name, String host, String format, String extra) throws Exception {
        pg.dropDatabase(TARGET);
        Path config = config(name, host, format, extra);
        Cli.Result backup = cli.run("-c", config.toString(), "backup", "j");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        assertThat(backup.toString()).doesNotContain("p:a");
        Map<String, Object> entry = onlyBackup(config);
        String key = (String) entry.get("key");
        assertThat(key).startsWith(name + "/" + DB + "/" + DB + "-").endsWith(format.equals("custom") ? ".dump.gz" : ".sql.gz");
        Path artifact = work.resolve(name + "-store").resolve(key);
        assertThat(artifact).isRegularFile();
        Map<?, ?> manifest = (Map<?, ?>) Json.parse(Files.readString(Path.of(artifact + ".manifest.json")));
        assertThat(manifest.get("database")).isEqualTo(DB);
        assertThat(Files.readString(Path.of(artifact + ".sha256"))).endsWith("  " + artifact.getFileName() + "\n");
        Shell.Result sums = Shell.run(artifact.getParent(), "sha256sum", "-c", "--", artifact.getFileName() + ".sha256");
        assertThat(sums.exit()).as(sums.output()).isZero();
        Cli.Result restore = cli.run("-c", config.toString(), "restore", "j", "--to", "copy", "--auto-confirm");
        assertThat(restore.exit()).as(restore.toString()).isZero();
        assertThat(pg.queryOne(TARGET, "select count(*) || '|' || max(v) from " + ident("Sch ém\"a") + "." + ident("T 'x'")))
                .isEqualTo("50|ü9");
        assertThat(pg.queryOne(TARGET, "select pg_get_userbyid(datdba) from pg_database where datname = current_database()"))
                .isEqualTo(ROLE);
        // again by its key, over what the first restore made (--clean), then a drill that drops the copy after it
        pg.execute(TARGET, "create table " + ident("left over") + " (i int)");
        Cli.Result clean = cli.run("-c", config.toString(), "restore", "j", key, "--to", "copy", "--clean", "--auto-confirm");
        assertThat(clean.exit()).as(clean.toString()).isZero();
        assertThat(pg.queryOne(TARGET, "select count(*) from pg_class where relname = 'left over'")).isEqualTo("0");
        assertThat(pg.queryOne(TARGET, "select count(*) from " + ident("Sch ém\"a") + "." + ident("T 'x'"))).isEqualTo("50");
        pg.dropDatabase(TARGET);
        Cli.Result drill = cli.run("-c", config.toString(), "drill", "j", "--to", "copy");
        assertThat(drill.exit()).as(drill.toString()).isZero();
        assertThat(pg.databaseExists(TARGET)).as("the drill's copy dropped").isFalse();
    }

    @Test
    void oddNamesAndPasswordRoundTripAsPlainScript() throws Exception {
        roundTrip("plain", "127.0.0.1", "plain", "");
    }

    @Test
    void oddNamesAndPasswordRoundTripAsCustomArchive() throws Exception {
        roundTrip("custom", "127.0.0.1", "custom", "");
    }

    @Test
    void aSocketFolderAsHost() throws Exception {
        roundTrip("socket", pg.dir().toString(), "custom", "");
    }

    @Test
    void tlsRequireAndVerifyFullAgainstASelfSignedCertificate() throws Exception {
        roundTrip("require", "127.0.0.1", "custom", "sslmode: require");
        roundTrip("full", "127.0.0.1", "plain", "sslmode: verify-full\nsslrootcert: " + tls.resolve("server.crt"));
        Path config = config("stranger", "127.0.0.1", "plain", "sslmode: verify-full\nsslrootcert: " + tls.resolve("stranger.crt"));
        Cli.Result backup = cli.run("-c", config.toString(), "backup", "j");
        assertThat(backup.exit()).as(backup.toString()).isEqualTo(2);
        assertThat(backup.err()).contains("cannot connect to PostgreSQL").contains("certificate verify failed");
    }
}
