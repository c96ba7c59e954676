package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection URL pasted into a host key ({@code host: postgres://app:pw@db/app}) was taken as the host name: the
 * password went into pg_dump's arguments, the sidecar and every error. It is a config error at the key, the value not shown.
 */
class HostKeyCliTest {
    @TempDir
    Path dir;

    @Test
    void aUrlOrUserAtHostInAHostKeyIsAConfigErrorThatDoesNotShowIt() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  pg:
                    engine: postgres
                    host: postgres://app:pg-PW-77e1@db.internal:5432/app
                    database: app
                  my:
                    engine: mysql
                    host: "backup:my-PW-9c02@db2.internal"
                    database: shop
                stores:
                  local: {type: local, path: store}
                notifications:
                  mail:
                    type: email
                    smtp_host: smtp://mailer:smtp-PW-31aa@smtp.example.com
                    from: backup@example.com
                    to: [ops@example.com]
                jobs:
                  pg: {datasource: pg, store: local, notify: [{notifier: mail, on: failure}]}
                  my: {datasource: my, store: local}
                """);
        Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "config", "validate");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        String says = ": must be a host name or address, not a URL or user@host (the value is not shown: it may hold a password)";
        assertThat(r.err()).contains("config.yaml:4:11: error: datasources.pg.host" + says)
                .contains("config.yaml:8:11: error: datasources.my.host" + says)
                .contains("config.yaml:15:16: error: notifications.mail.smtp_host" + says)
                .doesNotContain("must not be empty").doesNotContain("PW-");
        assertThat(r.out()).doesNotContain("PW-");
        assertThat(dir.resolve("store")).doesNotExist();
    }
}
