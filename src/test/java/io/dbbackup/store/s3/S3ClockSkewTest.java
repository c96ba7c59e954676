package io.dbbackup.store.s3;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.LogCapture;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A host whose clock is hours off its S3 service's. The SDK corrects the skew a RequestTimeTooSkewed answer's Date header
 * shows and retries, so the backup goes through — named by this host's wrong clock, which later stops prune and restore
 * (dated ahead) or misranks retention (behind). Before: not a word. Now one warning per store says how far off, and a
 * refusal the SDK could not get past says it too. The service here checks the request's X-Amz-Date as AWS does (s3proxy
 * does not) and sends its own Date (com.sun's HttpServer would put this host's time there).
 */
class S3ClockSkewTest {
    private static final DateTimeFormatter AMZ = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** A one-connection-at-a-time S3 service whose clock is {@code ahead} of this host's; lists an empty bucket. */
    private static final class SkewedService implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final AtomicInteger refused = new AtomicInteger();
        final AtomicInteger listed = new AtomicInteger();

        SkewedService(Duration ahead, boolean refuseAlways) throws Exception {
            Thread t = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        answer(s, ahead, refuseAlways);
                    } catch (Exception e) { // closed
                    }
                }
            }, "skewed-s3");
            t.setDaemon(true);
            t.start();
        }

        private void answer(Socket s, Duration ahead, boolean refuseAlways) throws Exception {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            String amz = null;
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                if (line.toLowerCase(Locale.ROOT).startsWith("x-amz-date:")) {
                    amz = line.substring("x-amz-date:".length()).trim();
                }
            }
            Instant now = Instant.now().plus(ahead);
            boolean skewed = refuseAlways || Duration.between(Instant.from(AMZ.parse(amz)), now).abs()
                    .compareTo(Duration.ofMinutes(15)) > 0;
            (skewed ? refused : listed).incrementAndGet();
            byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + (skewed
                    ? "<Error><Code>RequestTimeTooSkewed</Code><Message>The difference between the request time and the "
                    + "current time is too large.</Message></Error>"
                    : "<ListBucketResult><Name>b</Name><IsTruncated>false</IsTruncated></ListBucketResult>"))
                    .getBytes(StandardCharsets.UTF_8);
            OutputStream out = s.getOutputStream();
            out.write(("HTTP/1.1 " + (skewed ? "403 Forbidden" : "200 OK") + "\r\nDate: "
                    + DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.ofInstant(now, ZoneOffset.UTC))
                    + "\r\nContent-Type: application/xml\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
        }

        S3Store store() {
            return FakeS3Server.storeAt(URI.create("http://127.0.0.1:" + socket.getLocalPort()));
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }


    @Test
    void aClockTheSdkCorrectsIsStillSaidOncePerStore() throws Exception {
        try (SkewedService service = new SkewedService(Duration.ofHours(3), false); S3Store store = service.store()) {
            String log = LogCapture.of(() -> {
                try {
                    assertThat(store.list("job/")).isEmpty();
                    assertThat(store.list("job/")).isEmpty();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(service.listed.get()).as("the SDK got through").isEqualTo(2);
            assertThat(log.lines().filter(l -> l.contains("WARN"))).as(log).hasSize(1).first().asString()
                    .contains("this host's clock is 3h 00m behind the S3 service's (its answers' Date header): backups are "
                            + "named by this host's clock, so they are dated 3h 00m behind the real time; set it right (NTP");
        }
    }

    /**
     * Each store of a config is its own S3Store: two stores on one service (two buckets, or two prefixes of one) warned
     * once each, the same line twice. It is the service's clock: said once per service in a process.
     */
    @Test
    void twoStoresOfOneServiceSayItOnce() throws Exception {
        try (SkewedService service = new SkewedService(Duration.ofHours(-3), false); S3Store one = service.store();
             S3Store other = service.store()) {
            String log = LogCapture.of(() -> {
                try {
                    assertThat(one.list("job/")).isEmpty();
                    assertThat(other.list("other/")).isEmpty();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(service.listed.get()).as("the SDK got through").isEqualTo(2);
            assertThat(log.lines().filter(l -> l.contains("WARN"))).as(log).hasSize(1).first().asString()
                    .contains("this host's clock is 3h 00m ahead of the S3 service's");
        }
    }

    @Test
    void aClockWithinMinutesOfTheServicesIsNotSaid() throws Exception {
        try (SkewedService service = new SkewedService(Duration.ofMinutes(2), false); S3Store store = service.store()) {
            String log = LogCapture.of(() -> {
                try {
                    store.list("job/");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(service.listed.get()).isEqualTo(1);
            assertThat(log).doesNotContain("WARN");
        }
    }

    @Test
    void aRefusalTheSdkCouldNotGetPastSaysHowFarOffThisHostsClockIs() throws Exception {
        try (SkewedService service = new SkewedService(Duration.ofHours(-2), true); S3Store store = service.store()) {
            Throwable t = catchThrowable(() -> LogCapture.of(() -> {
                try {
                    store.list("job/");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
            assertThat(t).isInstanceOf(DbBackupException.class);
            assertThat(((DbBackupException) t).retryable()).isFalse();
            assertThat(t.getMessage()).contains("HTTP 403 RequestTimeTooSkewed")
                    .contains("; this host's clock is 2h 00m ahead of the S3 service's (its Date header): set it right (NTP")
                    .doesNotContain("credentials");
        }
    }
}
