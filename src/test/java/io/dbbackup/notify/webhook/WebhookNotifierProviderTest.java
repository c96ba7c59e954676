package io.dbbackup.notify.webhook;

import io.dbbackup.config.ConfigException;
import io.dbbackup.testkit.Notifiers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Config validation of {@code type: webhook}; the URL is a secret and never echoed. */
class WebhookNotifierProviderTest {
    @TempDir
    Path dir;

    @Test
    void theUrlComesFromTheEnvironmentOrAFile() throws Exception {
        Path f = dir.resolve("url");
        Files.writeString(f, "https://hooks.example.com/T000/B000/XXXX\n");
        var c = Notifiers.load(dir, Map.of("U", "https://hc-ping.example.com/uuid-1234"), """
                a: {type: webhook, url_env: U}
                b: {type: webhook, url_file: %s, format: slack}
                """.formatted(f));
        assertThat(c.notifiers().get("a").notifier().describe()).isEqualTo("https://hc-ping.example.com");
        assertThat(c.notifiers().get("b").notifier().describe()).isEqualTo("https://hooks.example.com");
    }

    @Test
    void aPlainHttpUrlToAnotherHostIsAWarningThatDoesNotEchoIt() throws Exception {
        var remote = Notifiers.load(dir, Map.of("U", "http://hooks.example.com/tok-5511"), "a: {type: webhook, url_env: U}");
        assertThat(remote.warnings()).filteredOn(w -> w.format().contains("notifications.a")).singleElement()
                .satisfies(w -> assertThat(w.format()).contains("the URL from env U is plain http:// to another host")
                        .contains("use https://").doesNotContain("tok-5511"));
        assertThat(Notifiers.load(dir, Map.of("U", "http://127.0.0.1:9000/hook"), "a: {type: webhook, url_env: U}").warnings())
                .as("a relay on this host").noneMatch(w -> w.format().contains("notifications.a"));
        assertThat(Notifiers.load(dir, Map.of("U", "https://hooks.example.com/tok-5511"), "a: {type: webhook, url_env: U}")
                .warnings()).noneMatch(w -> w.format().contains("notifications.a"));
    }

    @Test
    void aLiteralUrlIsRejected() {
        assertThatThrownBy(() -> Notifiers.load(dir, Map.of(), "a: {type: webhook, url: 'https://x.example.com/secret'}"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("notifications.a.url: secrets are not read from the config file; use url_env");
        assertThatThrownBy(() -> Notifiers.load(dir, Map.of(), "a: {type: webhook}"))
                .hasMessageContaining("missing required key 'url_env' or 'url_file'");
    }

    @Test
    void badValuesAreReportedWithoutEchoingTheUrl() {
        assertThatThrownBy(() -> Notifiers.load(dir, Map.of("U", "ftp://files.example.com/tok-9988"), """
                a:
                  type: webhook
                  url_env: U
                  method: get
                  format: teams
                  headers: ["X-Api-Key tok-5566", "Host: evil", "Authorization: Bearer x"]
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("the URL from env U is not an http:// or https:// URL with a host")
                .hasMessageContaining("method: 'get' is not one of post, put")
                .hasMessageContaining("format: 'teams' is not one of json, slack")
                .hasMessageContaining("item 1 is not 'Name: value'")
                .hasMessageNotContaining("tok-5566") // a header with its colon left out may be a token
                .hasMessageContaining("the header Host is set by the HTTP client")
                .hasMessageContaining("put the Authorization header in authorization_env")
                .hasMessageNotContaining("tok-9988");
    }

    /**
     * A notifier's URL that is no URL fails its notifications, not every job: with secrets deferred (every command but
     * {@code config validate}) the config loads and the send fails with the key's line; validate still refuses it.
     */
    @Test
    void aBadUrlFailsTheNotificationsNotTheLoadOfEveryOtherCommand() throws Exception {
        Path f = dir.resolve("notify-config.yaml");
        Files.writeString(f, "notifications:\n  a: {type: webhook, url_env: U}\n");
        var loader = new io.dbbackup.config.ConfigLoader(io.dbbackup.plugin.PluginRegistry.load(), Map.of("U", "not a url tok-1234"));
        var c = loader.deferringSecrets().load(f);
        assertThatThrownBy(() -> c.notifiers().get("a").notifier().send(Notifiers.failure(), Notifiers.CLOCK))
                .hasMessageContaining("notifications.a.url_env: the URL from env U is not a valid URL")
                .hasMessageNotContaining("tok-1234");
        assertThatThrownBy(() -> new io.dbbackup.config.ConfigLoader(io.dbbackup.plugin.PluginRegistry.load(),
                Map.of("U", "not a url tok-1234")).load(f))
                .isInstanceOf(ConfigException.class).hasMessageContaining("the URL from env U is not a valid URL");
    }

    /** An IPv6 address without brackets reads as no host: the error says to bracket it, without echoing the URL. */
    @Test
    void anIpv6AddressWithoutBracketsIsAnErrorThatSaysToBracketIt() {
        assertThatThrownBy(() -> Notifiers.load(dir, Map.of("U", "http://fd00::5:8080/tok-5511"), """
                a: {type: webhook, url_env: U}
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("the URL from env U is not an http:// or https:// URL with a host; an IPv6 address goes "
                        + "in brackets, e.g. http://[fd00::5]:9000")
                .hasMessageNotContaining("tok-5511");
    }
}
