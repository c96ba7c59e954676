package io.dbbackup.core;

import java.util.Locale;

/** Whether a host name stays on this machine, so that what is sent to it in clear crosses no network. */
public final class Loopback {
    private Loopback() {
    }

    /** {@code localhost}, {@code 127.x.y.z}, {@code ::1} (with or without the brackets a URL puts around it). */
    public static boolean is(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.endsWith(".localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("[::1]");
    }
}
