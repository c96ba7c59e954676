package io.dbbackup.notify;

import io.dbbackup.testkit.FreePort;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A notifier's failed connection says why: the JDK's own words were only "ConnectException" for both cases. */
class HttpNoticeTest {
    private static HttpRequest post(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString("x"))
                .build();
    }

    @Test
    void nothingListeningSaysConnectionRefused() {
        int port = FreePort.pick();
        assertThatThrownBy(() -> HttpNotice.send(HttpNotice.client(Duration.ofSeconds(5)), post("http://127.0.0.1:" + port + "/metrics"),
                "pushgateway http://127.0.0.1:" + port))
                .hasMessage("pushgateway http://127.0.0.1:" + port + " failed: cannot connect to 127.0.0.1:" + port
                        + ": connection refused (nothing listening there?)");
    }

    @Test
    void aHostThatDoesNotResolveSaysSo() {
        assertThatThrownBy(() -> HttpNotice.send(HttpNotice.client(Duration.ofSeconds(5)), post("http://pushgateway.invalid:9091/metrics"),
                "pushgateway http://pushgateway.invalid:9091"))
                .hasMessage("pushgateway http://pushgateway.invalid:9091 failed: cannot resolve host pushgateway.invalid "
                        + "(a wrong name, or DNS down?)");
    }
}
