package io.dbbackup.testkit;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A relay that flips one bit of what the client sends, at byte {@code offset} of the first {@code times} connections
 * that carry that many bytes (past any request's headers, inside a large body): the fault of a bad NIC or a broken
 * middlebox, injected between a real client and a real server.
 */
public final class CorruptingRelay extends TcpRelay {
    private final AtomicInteger flipped = new AtomicInteger();
    private final long offset;
    private final int times;

    public CorruptingRelay(URI target, long offset, int times) throws IOException {
        super(target);
        this.offset = offset;
        this.times = times;
    }

    /** How many bits were flipped so far. */
    public int flipped() {
        return flipped.get();
    }

    @Override
    protected int pass(boolean toServer, byte[] buf, int n, long seen) {
        if (toServer && offset >= seen && offset < seen + n && flipped.getAndUpdate(f -> f < times ? f + 1 : f) < times) {
            buf[(int) (offset - seen)] ^= 0x01;
        }
        return n;
    }
}
