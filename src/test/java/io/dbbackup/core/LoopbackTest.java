package io.dbbackup.core;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** What is sent in clear to a loopback host crosses no network: every spelling of this machine is one, nothing else is. */
class LoopbackTest {
    @ParameterizedTest
    @ValueSource(strings = {"localhost", "LOCALHOST", "db.localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]",
            "0:0:0:0:0:0:0:1", "[0:0:0:0:0:0:0:1]", "0000:0000:0000:0000:0000:0000:0000:0001", "::0:1", "::ffff:127.0.0.1",
            "[::ffff:127.0.0.1]"})
    void thisMachine(String host) {
        assertThat(Loopback.is(host)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"db.example.com", "localhost.example.com", "10.0.0.1", "128.0.0.1", "::2", "[::2]", "fe80::1",
            "::ffff:10.0.0.1", "2001:db8::1", "[2001:db8::1]", "", "[]", "[::1", "::1]", "1:2:3"})
    void elsewhere(String host) {
        assertThat(Loopback.is(host)).isFalse();
    }
}
