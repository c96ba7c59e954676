package io.dbbackup.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HostPortTest {
    @Test
    void anIpv6LiteralIsBracketedBesideAPortAndNothingElseIs() {
        assertThat(HostPort.of("::1", 5432)).isEqualTo("[::1]:5432");
        assertThat(HostPort.of("2001:db8::5", 22)).isEqualTo("[2001:db8::5]:22");
        assertThat(HostPort.of("fe80::1%eth0", 22)).isEqualTo("[fe80::1%eth0]:22");
        assertThat(HostPort.of("::ffff:10.0.0.1", 3306)).isEqualTo("[::ffff:10.0.0.1]:3306");
        assertThat(HostPort.of("db.internal", 5432)).isEqualTo("db.internal:5432");
        assertThat(HostPort.of("10.0.0.1", 5432)).isEqualTo("10.0.0.1:5432");
        assertThat(HostPort.of("/var/run/postgresql", 5432)).isEqualTo("/var/run/postgresql:5432");
        assertThat(HostPort.of("h1,h2", 5432)).isEqualTo("h1,h2:5432");
    }

    @Test
    void theBracketsOfAnIpv6LiteralComeOffAndNothingElseChanges() {
        assertThat(HostPort.unbracketed("[::1]")).isEqualTo("::1");
        assertThat(HostPort.unbracketed("[2001:DB8::5]")).isEqualTo("2001:DB8::5");
        assertThat(HostPort.unbracketed("::1")).isEqualTo("::1");
        assertThat(HostPort.unbracketed("[db.internal]")).isEqualTo("[db.internal]");
        assertThat(HostPort.unbracketed("[::1]:5432")).isEqualTo("[::1]:5432");
    }

    @Test
    void whatIsAnIpv6Literal() {
        for (String yes : new String[] {"::", "::1", "1::", "2001:db8::5", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::",
                "::ffff:192.0.2.1", "64:ff9b::192.0.2.33", "fe80::1%eth0", "FD00::A"}) {
            assertThat(HostPort.isIpv6Literal(yes)).as(yes).isTrue();
        }
        for (String no : new String[] {"db.internal", "10.0.0.1", "db:5432", "abc:5432", "1:2:3:4:5:6:7:8:9", "1::2::3",
                ":::1", "12345::1", "::1%", "[::1]", "::1:", "::256.0.0.1", "", "host"}) {
            assertThat(HostPort.isIpv6Literal(no)).as(no).isFalse();
        }
    }
}
