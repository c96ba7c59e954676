package io.dbbackup.engine.mysql;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.Shell;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A MariaDB server with a TLS certificate and {@code require_secure_transport = ON}, and a datasource that connects
 * without TLS ({@code ssl_mode: disabled}): MariaDB refuses the login with a bare {@code ERROR 1045 Access denied}, the
 * words of a wrong password (MySQL would say 3159). dbbackup tries one login with TLS required; when it succeeds, the
 * error says that the server wants TLS and which datasource key turns it on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MySqlSecureTransportIT extends MySqlCliFixture {
    private Path certs;

    @Override
    String[] serverOptions() {
        try {
            certs = Files.createTempDirectory("maria-tls-");
            Shell.ok(certs, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-keyout", certs.resolve("key.pem").toString(), "-out", certs.resolve("cert.pem").toString());
            Files.setPosixFilePermissions(certs, PosixFilePermissions.fromString("rwxr-xr-x")); // mariadbd runs as mysql
            for (String f : new String[] {"key.pem", "cert.pem"}) {
                Files.setPosixFilePermissions(certs.resolve(f), PosixFilePermissions.fromString("rw-r--r--"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new String[] {"--ssl-cert=" + certs.resolve("cert.pem"), "--ssl-key=" + certs.resolve("key.pem")};
    }

    @AfterAll
    void deleteCerts() throws IOException {
        for (String f : new String[] {"key.pem", "cert.pem"}) {
            Files.deleteIfExists(certs.resolve(f));
        }
        Files.deleteIfExists(certs);
    }

    /** Before: {@code ERROR 1045 … Access denied for user 'backup'@'127.0.0.1' (using password: YES)} alone. */
    @Test
    void aBackupWithoutTlsOfAServerThatRequiresItSaysSoAndNamesTheKey() throws Exception {
        freshShop("CREATE TABLE t(id int primary key); INSERT INTO t VALUES (1);");
        cli = configure("    ssl_mode: disabled\n", "", "");
        server.rootSql("SET GLOBAL require_secure_transport = ON");
        Cli.Result r;
        Cli.Result wrongPassword;
        try {
            r = cli.run("-c", "config.yaml", "backup", "shop");
            wrongPassword = newCli().env("DB_PW", "not-the-password").run("-c", "config.yaml", "backup", "shop");
        } finally {
            server.rootSql("SET GLOBAL require_secure_transport = OFF");
        }

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).as(r.toString()).contains("ERROR 1045")
                .contains("the server accepts this account only over TLS (require_secure_transport=ON")
                .contains("set ssl_mode: required on the datasource");
        assertThat(wrongPassword.exit()).as(wrongPassword.toString()).isEqualTo(2);
        assertThat(wrongPassword.err()).as("a wrong password is not blamed on TLS: " + wrongPassword).contains("ERROR 1045")
                .doesNotContain("TLS");
    }

    /**
     * The pass case of {@link MariaDbTlsRequiredIT}: {@code ssl_mode: required} against a server with TLS backs up and
     * restores (the session check finds a cipher).
     */
    @Test
    void aBackupAndARestoreWithTlsRequiredOfAServerWithTlsPass() throws Exception {
        freshShop("CREATE TABLE t(id int primary key); INSERT INTO t VALUES (1), (2);");
        server.rootSql("DROP DATABASE IF EXISTS guarded");
        cli = configure("    ssl_mode: required\n", "  guarded:\n    <<: *db\n    database: guarded\n", "");

        Cli.Result backup = cli.run("-c", "config.yaml", "backup", "shop");
        Cli.Result restore = cli.run("-c", "config.yaml", "restore", "shop", "--to", "guarded", "--auto-confirm");

        assertThat(backup.exit()).as(backup.toString()).isZero();
        assertThat(restore.exit()).as(restore.toString()).isZero();
        assertThat(rows("guarded", "SELECT COUNT(*) FROM t")).isEqualTo("2");
    }
}
