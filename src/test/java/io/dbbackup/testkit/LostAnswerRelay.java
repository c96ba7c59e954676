package io.dbbackup.testkit;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A relay that loses the server's answer to the requests whose first line {@code lost} matches (e.g. {@code PUT
 * /bucket/key HTTP/1.1}): the request reaches the server, which carries it out and answers {@code 200}, and the
 * connection is dropped before a byte of that answer gets back. Interim answers ({@code 100 Continue}) pass, so the body
 * is sent. Meant for one request at a time (the relay tracks the latest request line seen).
 */
public final class LostAnswerRelay extends TcpRelay {
    private static final String REQUEST_LINE = "(GET|HEAD|PUT|POST|DELETE) \\S+ HTTP/1\\.1";
    private final Predicate<String> lost;
    private volatile boolean armed;
    private final AtomicInteger dropped = new AtomicInteger();

    public LostAnswerRelay(URI target, Predicate<String> lost) throws IOException {
        super(target);
        this.lost = lost;
    }

    /** How many answers were lost so far. */
    public int dropped() {
        return dropped.get();
    }

    @Override
    protected int pass(boolean toServer, byte[] buf, int n, long seen) {
        String text = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
        if (toServer) {
            String first = text.lines().findFirst().orElse("");
            if (first.matches(REQUEST_LINE)) {
                armed = lost.test(first);
            }
            return n;
        }
        int success = text.indexOf("HTTP/1.1 2");
        if (armed && success >= 0) {
            dropped.incrementAndGet();
            return success;
        }
        return n;
    }
}
