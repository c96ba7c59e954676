package io.dbbackup.notify.webhook;

import io.dbbackup.core.Json;
import io.dbbackup.spi.JobReport;
import io.dbbackup.spi.Notifier;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.Notifiers;
import io.dbbackup.testkit.WebhookServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The webhook notifier against a real local HTTP server (com.sun.net.httpserver). */
class WebhookNotifierIT {
    private static final String TOKEN = "xoxb-TOKEN-7c1d2e";
    private static final String BEARER = "Bearer api-KEY-55aa";

    @TempDir
    Path dir;
    WebhookServer server;
    Map<String, String> env;

    @BeforeEach
    void start() throws IOException {
        server = new WebhookServer();
        env = Map.of("HOOK_URL", server.url() + "/services/" + TOKEN + "?ping=1", "HOOK_AUTH", BEARER);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void jsonCarriesTheReport() throws Exception {
        Notifier n = Notifiers.notifier(dir, env, """
                hook:
                  type: webhook
                  url_env: HOOK_URL
                  authorization_env: HOOK_AUTH
                  headers: ["X-Source: dbbackup", "X-Env: prod"]
                """, "hook");
        assertThat(n.describe()).isEqualTo(server.url());
        n.send(Notifiers.failure(), Notifiers.CLOCK);
        WebhookServer.Request r = server.take(Duration.ofSeconds(5));
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.pathAndQuery()).isEqualTo("/services/" + TOKEN + "?ping=1");
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.header("Authorization")).isEqualTo(BEARER);
        assertThat(r.header("X-Source")).isEqualTo("dbbackup");
        assertThat(r.header("X-Env")).isEqualTo("prod");
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) Json.parse(r.body());
        assertThat(m).containsEntry("job", "appdb").containsEntry("outcome", "failure").containsEntry("succeeded", false)
                .containsEntry("host", "db-host-1").containsEntry("attempts", 3L).containsEntry("duration_ms", 95_000L)
                .containsEntry("started", "2026-11-23T03:00:00Z").containsEntry("finished", "2026-11-23T03:01:35Z")
                .containsEntry("key", null);
        assertThat((String) m.get("error")).contains("pg_dump failed (exit 1)");
        assertThat((String) m.get("detail")).contains("port 5432 failed\npg_dump: error: connection refused");
        assertThat((String) m.get("text")).startsWith("dbbackup: backup job appdb FAILED on db-host-1: backup of postgres");

        n.send(Notifiers.success(), Notifiers.CLOCK);
        @SuppressWarnings("unchecked")
        Map<String, Object> ok = (Map<String, Object>) Json.parse(server.take(Duration.ofSeconds(5)).body());
        assertThat(ok).containsEntry("outcome", "success").containsEntry("size", 123_456_789L)
                .containsEntry("key", "prod/appdb/appdb-20261123-030000.sql.zst").containsEntry("error", null);
    }

    @Test
    void slackFormatIsOneTextField() throws Exception {
        Notifier n = Notifiers.notifier(dir, env, """
                slack:
                  type: webhook
                  url_env: HOOK_URL
                  format: slack
                  method: put
                """, "slack");
        n.send(Notifiers.failure(), Notifiers.CLOCK);
        WebhookServer.Request r = server.take(Duration.ofSeconds(5));
        assertThat(r.method()).isEqualTo("PUT");
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) Json.parse(r.body());
        assertThat(m).containsOnlyKeys("text");
        assertThat((String) m.get("text")).startsWith("dbbackup: backup job appdb FAILED on db-host-1: ")
                .contains("attempts 3", "```\npg_dump: error: connection to server", "connection refused\n```");
        n.send(Notifiers.success(), Notifiers.CLOCK);
        assertThat(server.take(Duration.ofSeconds(5)).body()).contains("succeeded on db-host-1")
                .contains("`prod/appdb/appdb-20261123-030000.sql.zst` · 123456789 bytes");
    }

    @Test
    void slackFormatEscapesMrkdwnControlCharactersSoAServerMessageCannotPingOrLink() throws Exception {
        String secret = "Bearer t<k&n>42"; // a secret holding the very characters escaped: masked before, never leaked escaped
        Notifier n = Notifiers.notifier(dir, Map.of("HOOK_URL", server.url() + "/services/" + TOKEN, "HOOK_AUTH", secret), """
                slack:
                  type: webhook
                  url_env: HOOK_URL
                  authorization_env: HOOK_AUTH
                  format: slack
                """, "slack");
        JobReport f = Notifiers.failure();
        n.send(new JobReport(f.job(), f.operation(), f.outcome(), f.attempts(), f.started(), f.duration(), f.host(), null, 0,
                "backup of postgres appdb failed: pg_dump: error: FATAL: role \"<!channel> <@U123>\" rejected "
                        + "(auth " + secret + "); see <http://evil.example|click> & retry",
                "pg_dump: error: <!here> hi\npg_dump: detail: a && b", f.datasource(), f.store(), f.location(), f.status()),
                Notifiers.CLOCK);
        WebhookServer.Request r = server.take(Duration.ofSeconds(5));
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) Json.parse(r.body());
        String text = (String) m.get("text");
        System.out.println(text);
        assertThat(text).contains("role \"&lt;!channel&gt; &lt;@U123&gt;\" rejected (auth ***); see "
                        + "&lt;http://evil.example|click&gt; &amp; retry")
                .contains("```\npg_dump: error: &lt;!here&gt; hi\npg_dump: detail: a &amp;&amp; b\n```")
                .doesNotContain("<", ">", "t&lt;k", "&amp;n", "42)");
    }

    /**
     * A backtick in a key (a MySQL database or a prefix may hold one) would end the inline code span Slack shows the key
     * in, and the rest of the key would render as text with a stray span opener: it is shown as ˋ (U+02CB) inside it.
     */
    @Test
    void slackFormatKeepsTheKeysCodeSpanWholeWhenTheKeyHoldsABacktick() throws Exception {
        Notifier n = Notifiers.notifier(dir, env, "slack: {type: webhook, url_env: HOOK_URL, format: slack}", "slack");
        JobReport s = Notifiers.success();
        n.send(new JobReport(s.job(), s.operation(), s.outcome(), s.attempts(), s.started(), s.duration(), s.host(),
                "prod/we`ird/we`ird-20261123-030000.sql.zst", s.size(), null, null, s.datasource(), s.store(), s.location(), s.status()),
                Notifiers.CLOCK);
        String text = (String) ((Map<?, ?>) Json.parse(server.take(Duration.ofSeconds(5)).body())).get("text");
        assertThat(text).contains("\nkey `prod/we\u02CBird/we\u02CBird-20261123-030000.sql.zst` · ");
        assertThat(text.chars().filter(c -> c == '`').count()).as("one span: its two delimiters only").isEqualTo(2);
    }

    /**
     * A server (or a proxy before it) that sends its answer's headers and then stalls: the request timeout ends at the
     * headers and the JDK client has no read timeout, so the send waited as long as the server liked (10 minutes in a
     * probe, through SIGTERM), holding the run. The whole send is bounded by twice the timeout.
     */
    @Test
    void aServerThatStallsAfterItsHeadersIsGivenUpAfterTwiceTheTimeout() throws Exception {
        try (java.net.ServerSocket stalling = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (java.net.Socket s = stalling.accept()) {
                    s.getInputStream().read(new byte[65536]);
                    s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nok".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    Thread.sleep(30_000);
                } catch (IOException | InterruptedException e) {
                    // the client gave up
                }
            }, "stalling-http");
            t.setDaemon(true);
            t.start();
            Notifier n = Notifiers.notifier(dir, Map.of("STALL_URL", "http://127.0.0.1:" + stalling.getLocalPort() + "/hook"),
                    "hook: {type: webhook, url_env: STALL_URL, timeout: 1s}", "hook");
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> n.send(Notifiers.failure(), Notifiers.CLOCK)).isInstanceOf(IOException.class)
                    .hasMessageContaining("webhook http://127.0.0.1:" + stalling.getLocalPort()).hasMessageContaining("within 2s");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));
        }
    }

    @Test
    void aNon2xxAnswerIsAFailureThatNeverShowsTheUrlToken() throws Exception {
        server.status(500);
        Notifier n = Notifiers.notifier(dir, env, "hook: {type: webhook, url_env: HOOK_URL}", "hook");
        assertThatThrownBy(() -> n.send(Notifiers.success(), Notifiers.CLOCK)).isInstanceOf(IOException.class)
                .hasMessage("webhook " + server.url() + " answered HTTP 500: no_service");
        server.status(302);
        assertThatThrownBy(() -> n.send(Notifiers.success(), Notifiers.CLOCK)).hasMessageContaining("answered HTTP 302")
                .hasMessageNotContaining(TOKEN);
        server.status(404); // the answer echoes the path, which holds the token
        assertThatThrownBy(() -> n.send(Notifiers.success(), Notifiers.CLOCK)).hasMessage("webhook " + server.url()
                + " answered HTTP 404: no route for ***?***");
    }

    /**
     * A URL from {@code url_command} is first read when a notification is sent: its path, query and user:password were
     * masked only as the whole URL, so a 404 page echoing the path printed the token, and the password alone was not
     * masked. Its parts are registered when it is read, as an env/file URL's are at load.
     */
    @Test
    void aUrlFromACommandHasItsTokenPartsAndPasswordMaskedAlone() throws Exception {
        String password = "PW-cmd-7f3e9a";
        String token = "CMD-TOKEN-5a1b2c";
        String sig = "sig-VALUE-1234";
        String url = server.url().replace("http://", "http://hookuser:" + password + "@") + "/services/" + token + "?sig=" + sig;
        server.status(404); // the answer echoes the path and the query
        Notifier n = Notifiers.notifier(dir, Map.of("PATH", System.getenv("PATH")), """
                hook: {type: webhook, url_command: [printf, '%%s', '%s']}
                """.formatted(url), "hook");
        assertThatThrownBy(() -> n.send(Notifiers.success(), Notifiers.CLOCK)).isInstanceOf(IOException.class)
                .hasMessage("webhook " + server.url() + " answered HTTP 404: no route for ***?***");
        assertThat(server.take(Duration.ofSeconds(5)).pathAndQuery()).isEqualTo("/services/" + token + "?sig=" + sig);
        assertThat(n.describe()).isEqualTo(server.url());
        assertThat(io.dbbackup.core.Redactor.redact("auth as hookuser:" + password + " refused; signature " + sig + " expired"))
                .isEqualTo("auth as *** refused; signature *** expired");
    }

    /** A {@code url_command}'s URL that is no http(s) URL with a host fails the send without echoing it. */
    @Test
    void aUrlFromACommandThatIsNoHttpUrlFailsWithoutEchoingIt() throws Exception {
        Notifier n = Notifiers.notifier(dir, Map.of("PATH", System.getenv("PATH")), "hook: {type: webhook, url_command: [printf, '%s', 'http:///hook/tok-cmd-3141']}",
                "hook");
        assertThatThrownBy(() -> n.send(Notifiers.success(), Notifiers.CLOCK)).isInstanceOf(IOException.class)
                .hasMessage("the webhook URL from command printf is not an http:// or https:// URL with a host");
    }

    @Test
    void anUnreachableEndpointFailsWithinItsTimeout() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Notifier n = Notifiers.notifier(dir, Map.of("HOOK_URL", "http://127.0.0.1:" + closed + "/hook/" + TOKEN), """
                hook: {type: webhook, url_env: HOOK_URL, timeout: 2s}
                """, "hook");
        assertThatThrownBy(() -> n.send(Notifiers.success(), Notifiers.CLOCK)).isInstanceOf(IOException.class)
                .hasMessageStartingWith("webhook http://127.0.0.1:" + closed + " failed: ").hasMessageNotContaining(TOKEN);
    }

    @Test
    void aFailingWebhookDoesNotChangeTheBackupAndItsTokenStaysOutOfTheLog() throws Exception {
        server.status(404);
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  a: {engine: fake}
                stores:
                  local: {type: local, path: store, fsync: false}
                notifications:
                  hook: {type: webhook, url_env: HOOK_URL, authorization_env: HOOK_AUTH}
                jobs:
                  a: {datasource: a, store: local, notify: [{notifier: hook, on: always}]}
                """);
        Cli cli = new Cli().workingDir(dir);
        env.forEach(cli::env);
        Cli.Result r = cli.run("-v", "backup", "a");
        System.out.println(r);
        assertThat(r.exit()).isZero();
        assertThat(r.err()).contains("notification failed (the backup result is unchanged)", "answered HTTP 404");
        assertThat(r.out() + r.err()).doesNotContain(TOKEN).doesNotContain("api-KEY-55aa");
        assertThat(server.take(Duration.ofSeconds(5)).body()).contains("\"outcome\":\"success\"");
    }

    /**
     * {@code backup --all} of three jobs, each notifying a webhook and a Pushgateway (both this real local server), run 3
     * times in one process: each run's notifiers built their own JDK HTTP client (it cannot be closed on Java 17), and
     * each left its {@code HttpClient-#-SelectorManager} thread and its descriptors until a garbage collection. The 18
     * notices now leave at most one more such thread than before the first.
     */
    @Test
    void noticesOfManyRunsAndJobsLeaveAtMostOneHttpClientBehind() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  a: {engine: fake}
                stores:
                  local: {type: local, path: store, fsync: false}
                notifications:
                  hook: {type: webhook, url_env: HOOK_URL, authorization_env: HOOK_AUTH, timeout: 5s}
                  metrics: {type: pushgateway, url: %s, timeout: 7s}
                jobs:
                  a: {datasource: a, store: local, prefix: a, notify: [{notifier: hook, on: always}, {notifier: metrics}]}
                  b: {datasource: a, store: local, prefix: b, notify: [{notifier: hook, on: always}, {notifier: metrics}]}
                  c: {datasource: a, store: local, prefix: c, notify: [{notifier: hook, on: always}, {notifier: metrics}]}
                """.formatted(server.url()));
        Cli cli = new Cli().workingDir(dir);
        env.forEach(cli::env);
        long before = selectorThreads();
        for (int run = 1; run <= 3; run++) { // an hour apart: each run's backups under keys of their own
            cli.clock(java.time.Clock.fixed(java.time.Instant.parse("2026-03-01T02:00:00Z").plusSeconds(3600L * run),
                    java.time.ZoneOffset.UTC));
            Cli.Result r = cli.run("backup", "--all", "--no-progress");
            assertThat(r.exit()).as(r.toString()).isZero();
        }
        assertThat(server.drain()).as("notices received").hasSize(18);
        assertThat(selectorThreads()).as("HttpClient-#-SelectorManager threads after 3 runs of 3 jobs (%d before)", before)
                .isLessThanOrEqualTo(before + 1);
    }

    private static long selectorThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(t -> t.getName().matches("HttpClient-\\d+-SelectorManager")).count();
    }
}
