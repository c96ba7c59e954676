package io.dbbackup.store.azure;

import io.dbbackup.core.DbBackupException;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.URI;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which proxy the environment names for a URL, as curl reads HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY. */
class EnvProxyTest {
    private static String via(ProxySelector s, String url) {
        Proxy p = s.select(URI.create(url)).get(0);
        return p.type() == Proxy.Type.DIRECT ? "direct" : ((InetSocketAddress) p.address()).getHostString() + ":"
                + ((InetSocketAddress) p.address()).getPort();
    }

    @Test
    void httpsAndHttpEndpointsTakeTheirOwnProxyAndNoProxyHostsGoDirect() {
        ProxySelector s = EnvProxy.of(Map.of("HTTPS_PROXY", "http://proxy.corp:3128", "http_proxy", "plain.corp:8080",
                "NO_PROXY", "localhost, .internal.example,10.0.0.7:443"));

        assertThat(via(s, "https://acme.blob.core.windows.net/c")).isEqualTo("proxy.corp:3128");
        assertThat(via(s, "http://127.0.0.1:10000/devstoreaccount1")).isEqualTo("plain.corp:8080");
        assertThat(via(s, "https://blob.internal.example/c")).isEqualTo("direct");
        assertThat(via(s, "https://internal.example/c")).isEqualTo("direct");
        assertThat(via(s, "https://notinternal.example/c")).isEqualTo("proxy.corp:3128");
        assertThat(via(s, "https://10.0.0.7/c")).isEqualTo("direct");
        assertThat(via(s, "http://localhost:10000/")).isEqualTo("direct");
        assertThat(via(s, "http://169.254.169.254/metadata/identity/oauth2/token")).as("IMDS never via a proxy").isEqualTo("direct");
    }

    @Test
    void allProxyServesBothAndAStarBypassesEverything() {
        assertThat(via(EnvProxy.of(Map.of("ALL_PROXY", "http://all.corp:3128")), "https://a.blob.core.windows.net/")).isEqualTo("all.corp:3128");
        assertThat(via(EnvProxy.of(Map.of("ALL_PROXY", "http://all.corp:3128", "NO_PROXY", "*")), "https://a.blob.core.windows.net/"))
                .isEqualTo("direct");
    }

    @Test
    void noVariablesLeaveTheJvmsSelectorAndAProxyWithAPasswordIsRefusedWithoutRepeatingIt() {
        assertThat(EnvProxy.of(Map.of())).isSameAs(ProxySelector.getDefault());
        assertThatThrownBy(() -> EnvProxy.of(Map.of("HTTPS_PROXY", "http://bob:s3cret@proxy.corp:3128")))
                .isInstanceOf(DbBackupException.class).hasMessageContaining("HTTPS_PROXY names a user and password")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> EnvProxy.of(Map.of("HTTPS_PROXY", "socks5://proxy.corp:1080")))
                .hasMessageContaining("not an http proxy address");
    }
}
