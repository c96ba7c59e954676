package io.dbbackup.testkit;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A relay that drops the connection once {@code cutAfter} bytes of an answer went back to the client, on the first
 * {@code times} connections that carry that many: a network that breaks mid-download (a NAT timeout, a load
 * balancer restart).
 */
public final class CuttingRelay extends TcpRelay {
    private final AtomicInteger cut = new AtomicInteger();
    private final long cutAfter;
    private final int times;

    public CuttingRelay(URI target, long cutAfter, int times) throws IOException {
        super(target);
        this.cutAfter = cutAfter;
        this.times = times;
    }

    /** How many connections were dropped so far. */
    public int cut() {
        return cut.get();
    }

    @Override
    protected int pass(boolean toServer, byte[] buf, int n, long seen) {
        if (!toServer && seen + n > cutAfter && cut.getAndUpdate(c -> c < times ? c + 1 : c) < times) {
            return (int) Math.max(0, cutAfter - seen);
        }
        return n;
    }
}
