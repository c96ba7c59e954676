package io.dbbackup.store.s3;

import io.dbbackup.core.Log;
import io.dbbackup.spi.Cancellation;
import io.dbbackup.spi.OperationContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A sidecar's claim (PutObject with {@code If-None-Match: *}) answered 409 ConditionalRequestConflict: AWS's "a
 * conflicting operation occurred … you can retry the request" while another conditional write of the key is under way
 * (a race s3proxy cannot be made to lose on demand: injected by a minimal HTTP server holding the objects). The answer
 * was read as "the key is taken": with nothing under the key the backup failed as "another run stored a backup under KEY
 * first", though no run had. Now the claim is sent once more, still conditional: stored, or 412 if the other write
 * stored something, or (409 again) a failure that says so; never an overwrite.
 */
class S3ConditionalWriteConflictTest {
    private static final String KEY = "job/app-20261205-090000.sqlite.zst.sha256";
    private static final byte[] OURS = "f664bcea  app-20261205-090000.sqlite.zst\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    /** Objects by path; conditional PUTs answered by {@code script} (409, 412, or 200 = stored if absent), then as S3. */
    private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    private final Deque<Integer> script = new ArrayDeque<>();
    private final List<String> puts = new CopyOnWriteArrayList<>();

    private FakeS3Server server() throws IOException {
        return new FakeS3Server(exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] o = path.matches("/b/?") ? new byte[0] : objects.get(path);
            switch (exchange.getRequestMethod()) {
                case "HEAD", "GET" -> {
                    if (o == null && exchange.getRequestMethod().equals("HEAD")) {
                        exchange.sendResponseHeaders(404, -1);
                        exchange.close();
                        return;
                    }
                    if (o == null) {
                        FakeS3Server.answerXml(exchange, 404, "<Error><Code>NoSuchKey</Code></Error>");
                        return;
                    }
                    exchange.getResponseHeaders().add("ETag", "\"0123456789abcdef0123456789abcdef\"");
                    boolean head = exchange.getRequestMethod().equals("HEAD");
                    if (head) {
                        exchange.getResponseHeaders().add("Content-Length", String.valueOf(o.length));
                    }
                    exchange.sendResponseHeaders(200, head ? -1 : o.length);
                    if (!head) {
                        exchange.getResponseBody().write(o);
                    }
                    exchange.close();
                }
                case "PUT" -> {
                    byte[] body = exchange.getRequestBody().readAllBytes();
                    int answer = script.isEmpty() ? 200 : script.poll();
                    puts.add(String.valueOf(answer));
                    if (answer == 200 && objects.putIfAbsent(path, body) != null) {
                        answer = 412;
                    }
                    if (answer == 409) {
                        FakeS3Server.answerXml(exchange, 409, "<Error><Code>ConditionalRequestConflict</Code><Message>A "
                                + "conflicting operation occurred. If using PutObject you can retry the request.</Message></Error>");
                    } else if (answer == 412) {
                        FakeS3Server.answerXml(exchange, 412, "<Error><Code>PreconditionFailed</Code><Message>At least one "
                                + "of the pre-conditions you specified did not hold</Message></Error>");
                    } else {
                        exchange.getResponseHeaders().add("ETag", "\"0123456789abcdef0123456789abcdef\"");
                        exchange.sendResponseHeaders(200, -1);
                        exchange.close();
                    }
                }
                default -> {
                    exchange.sendResponseHeaders(405, -1);
                    exchange.close();
                }
            }
        });
    }

    private OperationContext ctx() {
        return new OperationContext(new Cancellation(), new Log(new PrintWriter(new StringWriter()), Log.Format.TEXT,
                Log.Level.INFO, Clock.systemUTC()), dir);
    }

    private static S3Store store(FakeS3Server server) {
        S3Store store = server.store();
        store.conflictPause = Duration.ofMillis(50);
        return store;
    }

    @Test
    void aConflictWhoseOtherWriteStoredNothingLeavesTheKeyToThisClaim() throws Exception {
        script.add(409); // the other write then failed, or was this very request sent before
        try (FakeS3Server server = server(); S3Store store = store(server)) {
            assertThat(store.putIfAbsent(KEY, OURS, ctx())).as("claimed: nothing else is under the key").isTrue();
            assertThat(objects.get("/b/" + KEY)).isEqualTo(OURS);
            assertThat(puts).containsExactly("409", "200");
        }
    }

    @Test
    void aConflictWhoseOtherWriteStoredTheKeyLeavesItTaken() throws Exception {
        script.add(409);
        script.add(412);
        objects.put("/b/" + KEY, "0000aaaa  app-20261205-090000.sqlite.zst\n".getBytes(StandardCharsets.UTF_8));
        try (FakeS3Server server = server(); S3Store store = store(server)) {
            assertThat(store.claim(KEY, OURS, ctx())).as("another run's sidecar").isFalse();
            assertThat(new String(objects.get("/b/" + KEY), StandardCharsets.UTF_8)).startsWith("0000aaaa");
            assertThat(puts).containsExactly("409", "412");
        }
    }

    @Test
    void aConflictTwiceFailsSayingSoAndWritesNothing() throws Exception {
        script.add(409);
        script.add(409);
        try (FakeS3Server server = server(); S3Store store = store(server)) {
            assertThatThrownBy(() -> store.putIfAbsent(KEY, OURS, ctx())).isInstanceOf(IOException.class)
                    .hasMessageContaining("s3://b/" + KEY).hasMessageContaining("409 ConditionalRequestConflict")
                    .hasMessageContaining("under way twice").hasMessageNotContaining("wJalrXUtnFEMI");
            assertThat(objects).isEmpty();
            assertThat(puts).containsExactly("409", "409");
        }
    }
}
