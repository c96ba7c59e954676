package io.dbbackup.config;

import io.dbbackup.plugin.PluginRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * IPv6 literals in host keys as users write them: bare ({@code host: ::1}, {@code host: "2001:db8::5"}) or in the
 * brackets of a URL ({@code host: "[2001:db8::5]"}), which reached pg_dump, mysqldump, sshj and the SMTP client
 * with the brackets (a name that resolves nowhere; known_hosts looked up as {@code [[::1]]:2222}). Each is the bare
 * address for the tools and {@code [addr]:port} wherever host and port are written together. Unquoted
 * {@code host: [::1]} (a YAML list) and a host with a port in it are one line each, saying what to write.
 */
class ConfigIpv6HostTest {
    @TempDir
    Path dir;

    private Config load(String host, String smtpHost, String sftpHost) throws Exception {
        return load(host, host, smtpHost, sftpHost);
    }

    private Config load(String host, String myHost, String smtpHost, String sftpHost) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  pg:
                    engine: postgres
                    host: %s
                    database: app
                  my:
                    engine: mysql
                    host: %s
                    database: shop
                stores:
                  box:
                    type: sftp
                    host: %s
                    port: 2222
                    user: backup
                    path: /srv/backups
                    password_env: PW
                    known_hosts: kh
                notifications:
                  mail:
                    type: email
                    smtp_host: %s
                    from: backup@example.com
                    to: [ops@example.com]
                jobs:
                  pg: {datasource: pg, store: box, notify: [{notifier: mail, on: failure}]}
                  my: {datasource: my, store: box}
                """.formatted(host, myHost, sftpHost, smtpHost));
        return new ConfigLoader(PluginRegistry.load(), Map.of("PW", "pw")).load(dir.resolve("config.yaml"), "config.yaml");
    }

    private String failure(String host) throws Exception {
        ConfigException e = catchThrowableOfType(() -> load(host, "db2.internal", "mail.example.com", "box.example.com"), ConfigException.class);
        assertThat(e).as("refused: " + host).isNotNull();
        assertThat(e.getMessage()).as("one problem, one line").doesNotContain("\n");
        return e.getMessage();
    }

    @Test
    void bareAndBracketedIpv6LiteralsAreTheBareAddressAndAreWrittenInBracketsBesideAPort() throws Exception {
        for (String host : new String[] {"::1", "\"::1\"", "\"[::1]\"", "'[::1]'"}) {
            Config c = load(host, host, host, host);
            assertThat(c.datasources().get("pg").engine().describe()).as(host).endsWith("@[::1]:5432/app");
            assertThat(c.datasources().get("my").engine().describe()).as(host).contains("[::1]:3306").doesNotContain("[[");
            assertThat(c.stores().get("box").store().describe()).as(host).isEqualTo("sftp backup@[::1]:2222:/srv/backups");
            assertThat(c.notifiers().get("mail").notifier().describe()).as(host).startsWith("smtp [::1]:587 ");
        }
        Config c = load("2001:db8::5", "\"[2001:DB8::5]\"", "\"fe80::1%eth0\"");
        assertThat(c.datasources().get("pg").engine().describe()).endsWith("@[2001:db8::5]:5432/app");
        assertThat(c.notifiers().get("mail").notifier().describe()).startsWith("smtp [2001:DB8::5]:587 ");
        assertThat(c.stores().get("box").store().describe()).isEqualTo("sftp backup@[fe80::1%eth0]:2222:/srv/backups");
    }

    @Test
    void namesAndIpv4AddressesAreAsBefore() throws Exception {
        Config c = load("db.internal", "127.0.0.1", "box.example.com");
        assertThat(c.datasources().get("pg").engine().describe()).endsWith("@db.internal:5432/app");
        assertThat(c.notifiers().get("mail").notifier().describe()).startsWith("smtp 127.0.0.1:587 ");
        assertThat(c.stores().get("box").store().describe()).isEqualTo("sftp backup@box.example.com:2222:/srv/backups");
    }

    @Test
    void anUnquotedBracketedAddressIsAYamlListAndOneLineSaysToQuoteIt() throws Exception {
        // [2001:db8::5] parses as a list of one item
        assertThat(failure("[2001:db8::5]")).isEqualTo("config.yaml:4:11: error: datasources.pg.host: [2001:db8::5] without "
                + "quotes is a YAML list, not an address; write the IPv6 address in quotes: host: \"2001:db8::5\" (or \"[2001:db8::5]\")");
        // [::1] does not parse at all (a flow item cannot start with ':'): the parser's error said "expected the node content"
        assertThat(failure("[::1]")).isEqualTo("config.yaml:4:12: error: host: [::1] without quotes is a YAML list, not an "
                + "address; write the IPv6 address in quotes: host: \"::1\" (or \"[::1]\")");
    }

    @Test
    void aHostWithAPortInItIsOneLineSayingWhereThePortGoes() throws Exception {
        String says = "is not a host name or address: give the port in its own key; an IPv6 address is written bare (::1)"
                + " or in brackets ([::1]), without a port";
        assertThat(failure("db.internal:5432")).isEqualTo("config.yaml:4:11: error: datasources.pg.host: 'db.internal:5432' " + says);
        assertThat(failure("\"[::1]:5432\"")).isEqualTo("config.yaml:4:11: error: datasources.pg.host: '[::1]:5432' " + says);
    }
}
