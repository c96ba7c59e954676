package io.dbbackup.engine.postgres;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A store that answers at once, but its answer's body comes a byte every two seconds (a throttling proxy, a sick frontend): no request ever goes 60 s
 * without a byte, so the stores' own stall detection never trips, and wal-push used to wait for it for ever — PostgreSQL's
 * archiver waits for archive_command and archives nothing meanwhile, pg_wal grows until the disk is full. With
 * {@code --timeout} wal-push gives up, exits 2 and says why in the server's log; the archiver counts a failure and
 * retries.
 */
class WalPushTimeoutIT {
    @Test
    void aStoreThatDripsMakesWalPushGiveUpAtItsTimeoutAndPostgresRetry() throws Exception {
        Path work = PhysicalCluster.workDir();
        try (Drip drip = new Drip()) {
            String archive = PhysicalCluster.dbbackupCommand() + " -c '" + work.resolve("config.yaml") + "' wal-push --job "
                    + PhysicalCluster.JOB + " --timeout 5s %p %f";
            try (PhysicalCluster c = PhysicalCluster.start(work, archive, Map.of("S3_ACCESS", "a", "S3_SECRET", "b"),
                    pg -> "datasources:\n" + PhysicalCluster.datasource(pg) + """
                            stores:
                              s3:
                                type: s3
                                endpoint: http://127.0.0.1:%d
                                bucket: wal
                                path_style: true
                                region: us-east-1
                                access_key_env: S3_ACCESS
                                secret_key_env: S3_SECRET
                            jobs:
                              phys: {datasource: pg, store: s3, compression: zstd}
                            """.formatted(drip.port()))) {
                c.pg.execute("postgres", "create table t(x int); insert into t values (1)");
                long t0 = System.nanoTime();
                String segment = c.switchWal();
                String stats = "";
                while (System.nanoTime() - t0 < 90_000_000_000L) {
                    stats = c.pg.queryOne("postgres", "select failed_count || '|' || coalesce(last_failed_wal, '') from pg_stat_archiver");
                    if (!stats.startsWith("0|")) {
                        break;
                    }
                    Thread.sleep(200);
                }
                long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
                String log = c.pg.serverLog();
                assertThat(stats).as("the archiver saw wal-push fail (failed_count|last_failed_wal) after %d s\n%s", seconds, log)
                        .isEqualTo("1|" + segment);
                assertThat(log).contains("wal-push of " + segment + " timed out after 5s")
                        .containsPattern("archive command failed with exit code 2");
                // 5 s, up to 5 s to abort, and a JVM start on a busy machine; before, it was not over after 90 s
                assertThat(seconds).as("seconds until the archiver saw the failure").isLessThan(40);
                assertThat(drip.requests()).as("requests the store received").isPositive();
            }
        }
    }

    /** Answers every request at once, with a body of 100,000 bytes that comes one byte every two seconds. */
    private static final class Drip implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();

        Drip() throws IOException {
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        Thread d = new Thread(() -> drip(s), "drip");
                        d.setDaemon(true);
                        d.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "drip-accept");
            t.setDaemon(true);
            t.start();
        }

        private void drip(Socket s) {
            try (s) {
                s.getInputStream().read(new byte[65536]);
                requests.incrementAndGet();
                OutputStream out = s.getOutputStream();
                // the head at once (the SDK's wait for an answer is over), then the body a byte every two seconds
                out.write("HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: 100000\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/"
                        + "2006-03-01/\"><Name>wal</Name>").getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; !server.isClosed(); i++) {
                    out.write(i < body.length ? body[i] : ' ');
                    out.flush();
                    Thread.sleep(2000);
                }
            } catch (IOException | InterruptedException ignored) {
                // closed
            }
        }

        int port() {
            return server.getLocalPort();
        }

        int requests() {
            return requests.get();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
