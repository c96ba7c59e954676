package io.dbbackup.engine.postgres;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.FreePort;
import io.dbbackup.testkit.PostgresServer;
import io.dbbackup.testkit.SmtpServer;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The failure mail of a PostgreSQL backup that cannot connect, as the on-call engineer reads it: the quote of the tool's
 * error output is what pg_dump/psql printed, word for word (dbbackup's hint pasted into its line before), without
 * libpq's line naming dbbackup's temporary password file (deleted by then); the error names the config keys to check,
 * for a refused password and for a host that cannot be reached alike. Real server, real libpq, mail through GreenMail.
 */
class PostgresFailureMailIT {
    private static final String SMTP_PASSWORD = "s3cr3t-Pg-Ma1l";
    static PostgresServer pg;

    @TempDir
    Path dir;
    SmtpServer smtp;

    @BeforeAll
    static void startServer() {
        pg = PostgresServer.start();
    }

    @AfterAll
    static void stopServer() {
        if (pg != null) {
            pg.close();
        }
    }

    @BeforeEach
    void start() {
        smtp = SmtpServer.plain().user("ops@example.com", "ops", SMTP_PASSWORD);
    }

    @AfterEach
    void stop() {
        smtp.close();
    }

    /** Runs {@code backup app} against {@code host}:{@code port} with the password in {@code password}; the mail's body. */
    private String failedBackupMail(String host, int port, String password) throws Exception {
        Path pw = dir.resolve("pg.password");
        Files.writeString(pw, password + "\n");
        Files.setPosixFilePermissions(pw, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Path c = dir.resolve("config.yaml");
        Files.writeString(c, """
                datasources:
                  app:
                    engine: postgres
                    host: %s
                    port: %d
                    user: postgres
                    password_file: pg.password
                    database: postgres
                stores:
                  local: {type: local, path: store, fsync: false}
                notifications:
                  ops:
                    type: email
                    smtp_host: 127.0.0.1
                    smtp_port: %d
                    tls: none
                    username: ops
                    password_env: SMTP_PASSWORD
                    from: dbbackup@example.com
                    to: ops@example.com
                    timeout: 5s
                jobs:
                  app:
                    datasource: app
                    store: local
                    retry: {max_attempts: 1}
                    notify: [{notifier: ops, on: failure}]
                """.formatted(host, port, smtp.port()));
        Files.setPosixFilePermissions(c, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Cli.Result r = new Cli().workingDir(dir).env("SMTP_PASSWORD", SMTP_PASSWORD).run("-c", "config.yaml", "backup", "app");
        System.out.println(r.out() + r.err());
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        MimeMessage[] mails = smtp.await(1, Duration.ofSeconds(15));
        assertThat(mails).as("the failure mail").hasSize(1);
        String body = String.valueOf(mails[0].getContent()).replace("\r\n", "\n");
        System.out.println(body);
        assertThat(body).doesNotContain(SMTP_PASSWORD).doesNotContain(password);
        return body;
    }

    /** The quoted lines of the mail's "Last lines of the tool's error output", without their {@code "  | "}. */
    private static List<String> quote(String body) {
        int at = body.indexOf("Last lines of the tool's error output:\n");
        assertThat(at).as(body).isNotNegative();
        return body.substring(at).lines().skip(1).takeWhile(l -> l.startsWith("  | ")).map(l -> l.substring(4)).toList();
    }

    /** The mail's "Error:" section. */
    private static String error(String body) {
        int at = body.indexOf("Error:\n");
        assertThat(at).as(body).isNotNegative();
        int end = body.indexOf("\n\n", at);
        return body.substring(at, end < 0 ? body.length() : end);
    }

    @Test
    void aRefusedPasswordIsQuotedAsTheToolSaidItAndTheErrorNamesThePasswordFile() throws Exception {
        String body = failedBackupMail("127.0.0.1", pg.port(), "definitely-wrong");
        List<String> quote = quote(body);
        assertThat(quote).as(body).anyMatch(l -> l.endsWith("password authentication failed for user \"postgres\""));
        // words the tool never printed: dbbackup's hint, in the tool's line
        assertThat(quote).as(body).noneMatch(l -> l.contains("; check ")).noneMatch(l -> l.contains("datasources."));
        // dbbackup's temporary pass file, deleted by the time anyone reads this
        assertThat(String.join("\n", quote)).as(body).doesNotContain("password retrieved from file")
                .doesNotContain("dbbackup-");
        assertThat(error(body)).as(body).contains("password authentication failed for user \"postgres\"; check "
                + "datasources.app.password_file at config.yaml:7:20, read from file " + dir.resolve("pg.password"));
    }

    @Test
    void aRefusedConnectionNamesTheHostAndPortKeys() throws Exception {
        int closed = FreePort.pick();
        String body = failedBackupMail("127.0.0.1", closed, "whatever");
        assertThat(quote(body)).as(body).anyMatch(l -> l.endsWith("port " + closed + " failed: Connection refused"))
                .noneMatch(l -> l.contains("; check "));
        assertThat(error(body)).as(body).contains("Connection refused; check datasources.app.host at config.yaml:4:11 "
                + "and datasources.app.port at config.yaml:5:11");
    }

    @Test
    void aHostNameThatDoesNotResolveNamesTheHostKey() throws Exception {
        String body = failedBackupMail("no-such-host.invalid", 5432, "whatever");
        assertThat(quote(body)).as(body).anyMatch(l -> l.contains("could not translate host name \"no-such-host.invalid\""))
                .noneMatch(l -> l.contains("; check "));
        assertThat(error(body)).as(body).contains("; check datasources.app.host at config.yaml:4:11 and "
                + "datasources.app.port at config.yaml:5:11");
    }
}
