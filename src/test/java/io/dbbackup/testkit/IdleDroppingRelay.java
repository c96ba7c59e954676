package io.dbbackup.testkit;

import java.io.IOException;
import java.net.URI;

/**
 * A middlebox (a NAT, a firewall, a load balancer) that drops a TCP connection on which no byte went either way for
 * {@code idleMillis}: both sides' sockets are closed, as the client sees a forgotten connection on its next packet.
 */
public final class IdleDroppingRelay extends TcpRelay {
    public IdleDroppingRelay(URI target, long idleMillis) throws IOException {
        super(target, idleMillis);
    }

    /** How many connections it dropped for being idle. */
    public int dropped() {
        return droppedIdle();
    }

    @Override
    protected int pass(boolean toServer, byte[] buf, int n, long seen) {
        return n;
    }
}
