package io.dbbackup.notify.pushgateway;

import io.dbbackup.config.ConfigException;
import io.dbbackup.spi.JobReport;
import io.dbbackup.testkit.Notifiers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Config validation of {@code type: pushgateway}, the group a report goes to, and the text it pushes. */
class PushgatewayNotifierProviderTest {
    @TempDir
    Path dir;

    @Test
    void badValuesAreReportedWithTheirKeys() {
        assertThatThrownBy(() -> Notifiers.load(dir, Map.of(), """
                a: {type: pushgateway}
                b: {type: pushgateway, url: 'ftp://gw:9091'}
                c: {type: pushgateway, url: 'http://user:pw@gw:9091', job: 'a/b'}
                d: {type: pushgateway, url: 'http://gw:9091', authorization: 'Bearer x'}
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("notifications.a: missing required key 'url'")
                .hasMessageContaining("notifications.b.url: 'ftp://gw:9091' is not an http:// or https:// URL with a host")
                .hasMessageContaining("notifications.c.url: the Pushgateway URL takes no query, fragment or user")
                .hasMessageContaining("notifications.c.job: 'a/b' is not a usable Prometheus job label")
                .hasMessageContaining("notifications.d.authorization: secrets are not read from the config file");
    }

    /** A URL that does not parse, or is no http(s) URL, is quoted back with its user:password masked. */
    @Test
    void aBadUrlIsQuotedWithoutItsUserAndPassword() {
        assertThatThrownBy(() -> Notifiers.load(dir, Map.of(), """
                a: {type: pushgateway, url: 'http://metrics:pw 7c/x:@y@gw:9091'}
                b: {type: pushgateway, url: 'ftp://metrics:pw-2d9e@gw:9091'}
                c: {type: pushgateway, url: 'metrics:pw-2d9e@gw:9091'}
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("notifications.a.url: 'http://***@gw:9091' is not a valid URL")
                .hasMessageContaining("notifications.b.url: 'ftp://***@gw:9091' is not an http:// or https:// URL with a host")
                .hasMessageContaining("notifications.c.url: '***@gw:9091' is not")
                .hasMessageNotContaining("pw 7c").hasMessageNotContaining("pw-2d9e").hasMessageNotContaining("metrics:");
    }

    @Test
    void eachJobAndOperationIsAGroupOfItsOwnUnderTheBaseUrl() throws Exception {
        var c = Notifiers.load(dir, Map.of("GW_AUTH", "Bearer t0k3n"), """
                gw: {type: pushgateway, url: 'https://metrics.example.com/pushgateway/', job: backups, authorization_env: GW_AUTH}
                """);
        PushgatewayNotifier n = (PushgatewayNotifier) c.notifiers().get("gw").notifier();
        assertThat(n.group(Notifiers.success()).toString())
                .isEqualTo("https://metrics.example.com/pushgateway/metrics/job/backups/dbbackup_job/appdb/operation/backup");
        assertThat(n.describe()).isEqualTo("pushgateway https://metrics.example.com/pushgateway/").doesNotContain("t0k3n");
    }

    @Test
    void aFailurePushesOnlyTheLastRunsFigures() {
        String ok = PushgatewayNotifier.metrics(Notifiers.success());
        assertThat(ok).contains("# TYPE dbbackup_last_success_timestamp_seconds gauge\n",
                "dbbackup_last_success_timestamp_seconds 1795402812.345\n", "dbbackup_last_backup_size_bytes 123456789\n",
                "dbbackup_last_run_success 1\n", "dbbackup_last_run_duration_seconds 12.345\n");
        String failed = PushgatewayNotifier.metrics(Notifiers.failure());
        assertThat(failed).contains("dbbackup_last_run_success 0\n", "dbbackup_last_run_attempts 3\n",
                "dbbackup_last_run_timestamp_seconds 1795402895.000\n")
                .doesNotContain("dbbackup_last_success_timestamp_seconds", "dbbackup_last_backup_size_bytes");
        JobReport prune = new JobReport("appdb", JobReport.Operation.PRUNE, JobReport.Outcome.SUCCESS, 1, Notifiers.success().started(),
                java.time.Duration.ofSeconds(1), "h", null, 0, null, "kept 1, deleted 0",
                "appdb-pg", "offsite", null, io.dbbackup.core.ExitStatus.OK);
        assertThat(PushgatewayNotifier.metrics(prune)).contains("dbbackup_last_success_timestamp_seconds")
                .doesNotContain("dbbackup_last_backup_size_bytes");
    }

    /** An IPv6 address without brackets reads as no host: the error says to bracket it; bracketed, it is accepted. */
    @Test
    void anIpv6AddressWithoutBracketsIsAnErrorThatSaysToBracketIt() throws Exception {
        assertThatThrownBy(() -> Notifiers.load(dir, Map.of(), """
                a: {type: pushgateway, url: 'http://fd00::5:9091'}
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("notifications.a.url: 'http://fd00::5:9091' is not an http:// or https:// URL with a host"
                        + " (e.g. http://pushgateway:9091); an IPv6 address goes in brackets, e.g. http://[fd00::5]:9000");
        assertThat(Notifiers.load(dir, Map.of(), """
                a: {type: pushgateway, url: 'http://[fd00::5]:9091'}
                """).notifiers().get("a").notifier().describe()).contains("http://[fd00::5]:9091");
    }
}
