package io.dbbackup.testkit;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A relay that goes silent on the first {@code times} connections that carry more than {@code stallAfter} bytes in
 * one direction (the client's request when {@code toServer}, else the server's answer): it stops reading and
 * forwarding, without closing anything, until it is closed — a black-holed path (a NAT entry dropped, a load balancer
 * that hangs). The client's writes block once the socket buffers are full; its reads wait for bytes that never come.
 * Connections after those pass untouched.
 */
public final class StallingRelay extends TcpRelay {
    private final AtomicInteger stalled = new AtomicInteger();
    private final boolean toServer;
    private final long stallAfter;
    private final int times;

    public StallingRelay(URI target, boolean toServer, long stallAfter, int times) throws IOException {
        super(target);
        this.toServer = toServer;
        this.stallAfter = stallAfter;
        this.times = times;
    }

    /** How many connections went silent so far. */
    public int stalled() {
        return stalled.get();
    }

    @Override
    protected int pass(boolean toServer, byte[] buf, int n, long seen) {
        if (toServer == this.toServer && seen + n > stallAfter && seen <= stallAfter
                && stalled.getAndUpdate(c -> c < times ? c + 1 : c) < times) {
            return silenceUntilClosed();
        }
        return n;
    }
}
