package io.dbbackup.testkit;

import java.io.IOException;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A relay whose connections go silent on demand: after {@link #freeze()} the connections open at that moment neither
 * read on nor forward (without closing anything) until the relay is closed — a path black-holed mid-session. Connections
 * opened later pass untouched.
 */
public final class FreezingRelay extends TcpRelay {
    private final Set<Thread> pumps = ConcurrentHashMap.newKeySet();
    private final Set<Thread> frozen = ConcurrentHashMap.newKeySet();

    public FreezingRelay(URI target) throws IOException {
        super(target);
    }

    /** Silences the connections open now (those that carried bytes so far). */
    public void freeze() {
        frozen.addAll(pumps);
    }

    @Override
    protected int pass(boolean toServer, byte[] buf, int n, long seen) {
        pumps.add(Thread.currentThread());
        if (frozen.contains(Thread.currentThread())) {
            return silenceUntilClosed();
        }
        return n;
    }
}
