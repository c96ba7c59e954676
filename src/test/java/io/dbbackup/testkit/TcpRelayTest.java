package io.dbbackup.testkit;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class TcpRelayTest {
    /**
     * A relay never listens on a port an earlier relay of this JVM had: the JDK would hand the later relay's client an
     * idle connection kept from the earlier one, still open to the real server after that relay closed, and a closed
     * relay would answer (S3StoreIT's "service stops answering" read the rest over one and did not fail, once in CI).
     * Failed before: the kernel handed out ports again within a few thousand relays.
     */
    @Test
    void noTwoRelaysOfAJvmListenOnTheSamePort() throws Exception {
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 5_000; i++) {
            try (CuttingRelay relay = new CuttingRelay(URI.create("http://127.0.0.1:9"), Long.MAX_VALUE, 0)) {
                assertThat(ports.add(relay.port())).as("relay %d got port %d again", i, relay.port()).isTrue();
            }
        }
    }
}
