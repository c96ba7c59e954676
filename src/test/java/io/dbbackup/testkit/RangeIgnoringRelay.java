package io.dbbackup.testkit;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A relay that drops the first answer once {@code cutAfter} bytes of it went back to the client (a network that breaks
 * mid-download), then makes every ranged answer after it look like a server's, or a proxy's, that ignored the range:
 * its status line says {@code 200 OK} and its {@code Content-Range} header is renamed (the same lengths, so the rest of
 * the answer is as the server sent it).
 */
public final class RangeIgnoringRelay extends TcpRelay {
    private static final Pattern PARTIAL = Pattern.compile("HTTP/1\\.1 206 [^\r]*\r\n");
    private static final Pattern RANGE = Pattern.compile("(?i)\r\ncontent-range:");
    private final AtomicInteger cut = new AtomicInteger();
    private final AtomicInteger ignored = new AtomicInteger();
    private final long cutAfter;

    public RangeIgnoringRelay(URI target, long cutAfter) throws IOException {
        super(target);
        this.cutAfter = cutAfter;
    }

    /** How many connections were dropped (one at most). */
    public int cut() {
        return cut.get();
    }

    /** How many ranged answers were made to look as if the range was ignored. */
    public int ignored() {
        return ignored.get();
    }

    @Override
    protected int pass(boolean toServer, byte[] buf, int n, long seen) {
        if (toServer) {
            return n;
        }
        if (seen + n > cutAfter && cut.compareAndSet(0, 1)) {
            return (int) Math.max(0, cutAfter - seen);
        }
        String text = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
        Matcher partial = PARTIAL.matcher(text);
        if (partial.find()) {
            String ok = "HTTP/1.1 200 OK";
            ok += " ".repeat(partial.end() - partial.start() - 2 - ok.length()) + "\r\n";
            System.arraycopy(ok.getBytes(StandardCharsets.ISO_8859_1), 0, buf, partial.start(), ok.length());
            Matcher range = RANGE.matcher(text);
            if (range.find(partial.end() - 2)) {
                byte[] renamed = "\r\nX-Ignored-Rng:".getBytes(StandardCharsets.ISO_8859_1);
                System.arraycopy(renamed, 0, buf, range.start(), renamed.length);
            }
            ignored.incrementAndGet();
        }
        return n;
    }
}
