package io.dbbackup.store.azure;

import io.dbbackup.core.LogCapture;
import io.dbbackup.core.Secret;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
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
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A host whose clock is hours off the Azure Blob service's. With a SAS the service does not refuse such requests (Shared
 * Key does past 15 minutes), so the backup goes through named by this host's wrong clock, which later stops prune and
 * restore (dated ahead) or misranks retention (behind). Before: not a word (S3 warned, Azure did not). Now one warning
 * per service and process says how far off, however many stores use that service. The service here sends its own Date
 * (com.sun's HttpServer would put this host's time there) and lists an empty container.
 */
class AzureClockSkewTest {
    /** A one-connection-at-a-time Blob service whose clock is {@code ahead} of this host's. */
    private static final class SkewedService implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final AtomicInteger listed = new AtomicInteger();

        SkewedService(Duration ahead) throws IOException {
            Thread t = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        answer(s, ahead);
                    } catch (Exception e) { // closed
                    }
                }
            }, "skewed-azure");
            t.setDaemon(true);
            t.start();
        }

        private void answer(Socket s, Duration ahead) throws IOException {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                // headers only: every request here is a GET without a body
            }
            listed.incrementAndGet();
            byte[] body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><EnumerationResults><Blobs/><NextMarker/></EnumerationResults>"
                    .getBytes(StandardCharsets.UTF_8);
            OutputStream out = s.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nDate: " + DateTimeFormatter.RFC_1123_DATE_TIME.format(
                    ZonedDateTime.ofInstant(Instant.now().plus(ahead), ZoneOffset.UTC)) + "\r\nContent-Type: application/xml"
                    + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
        }

        URI account() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/devacct");
        }

        /** A store of container {@code container} signed with a SAS (the service here checks no signature). */
        AzureStore store(String container) {
            return new AzureStore(new AzureSettings(account(), "devacct", container, "", null,
                    new Secret("sv=2021-08-06&sp=racwdl&sig=x", "test"), 4L << 20, 1, null, null, null, null));
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }


    private static void list(AzureStore store) {
        try {
            assertThat(store.list("job/")).isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aClockHoursOffTheServicesIsSaidOnceForAllItsStores() throws Exception {
        try (SkewedService service = new SkewedService(Duration.ofHours(3)); AzureStore one = service.store("c");
             AzureStore other = service.store("d")) {
            String log = LogCapture.of(() -> {
                list(one);
                list(one);
                list(other); // another store of the config on the same account: the same clock, said already
            });
            assertThat(service.listed.get()).isEqualTo(3);
            assertThat(log.lines().filter(l -> l.contains("WARN"))).as(log).hasSize(1).first().asString()
                    .contains("this host's clock is 3h 00m behind the Azure Blob service's (its answers' Date header): "
                            + "backups are named by this host's clock, so they are dated 3h 00m behind the real time; set "
                            + "it right (NTP").contains(service.account().toString());
        }
    }

    @Test
    void aClockWithinMinutesOfTheServicesIsNotSaid() throws Exception {
        try (SkewedService service = new SkewedService(Duration.ofMinutes(-2)); AzureStore store = service.store("c")) {
            String log = LogCapture.of(() -> list(store));
            assertThat(service.listed.get()).isEqualTo(1);
            assertThat(log).doesNotContain("WARN");
        }
    }
}
