package io.dbbackup.core;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/** Whether a host name stays on this machine, so that what is sent to it in clear crosses no network. */
public final class Loopback {
    private Loopback() {
    }

    /**
     * {@code localhost}, {@code 127.x.y.z}, and {@code ::1} in any of its spellings ({@code 0:0:0:0:0:0:0:1},
     * {@code ::ffff:127.0.0.1}), with or without the brackets a URL puts around it. Names are not looked up.
     */
    public static boolean is(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.length() > 2 && h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.contains(":")) {
            return ipv6Loopback(h);
        }
        return h.equals("localhost") || h.endsWith(".localhost") || h.startsWith("127.");
    }

    private static boolean ipv6Loopback(String literal) {
        try {
            // a string with a colon is parsed as an IPv6 literal, never looked up
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException notAnAddress) {
            return false;
        }
    }
}
