package io.dbbackup.core;

/**
 * A host and a port as one text, the way URLs, OpenSSH's known_hosts and the database tools write them: an IPv6
 * literal in brackets ({@code [2001:db8::5]:5432}), since {@code 2001:db8::5:5432} is another address.
 */
public final class HostPort {
    private HostPort() {
    }

    /** {@code host:port}, with {@code [host]} when the host is an IPv6 literal. */
    public static String of(String host, int port) {
        return bracketed(host) + ":" + port;
    }

    /** The host as a URL's authority writes it: an IPv6 literal in brackets, anything else as it is. */
    public static String bracketed(String host) {
        return isIpv6Literal(host) ? "[" + host + "]" : host;
    }

    /**
     * The host without the brackets a URL puts around an IPv6 literal ({@code [::1]} → {@code ::1}); any other value
     * as it is. What the tools and the socket APIs take is the bare address.
     */
    public static String unbracketed(String host) {
        if (host != null && host.length() > 2 && host.startsWith("[") && host.endsWith("]")
                && isIpv6Literal(host.substring(1, host.length() - 1))) {
            return host.substring(1, host.length() - 1);
        }
        return host;
    }

    /**
     * Whether {@code host} is an IPv6 address written out ({@code ::1}, {@code 2001:db8::5}, {@code ::ffff:10.0.0.1},
     * {@code fe80::1%eth0}), without brackets. Nothing is looked up.
     */
    public static boolean isIpv6Literal(String host) {
        if (host == null || host.indexOf(':') < 0) {
            return false;
        }
        int zone = host.indexOf('%');
        String a = zone >= 0 ? host.substring(0, zone) : host;
        if (zone >= 0 && (zone == host.length() - 1 || !host.substring(zone + 1).matches("[A-Za-z0-9._~-]+"))) {
            return false;
        }
        if (!a.matches("[0-9A-Fa-f:.]+")) {
            return false;
        }
        int lastColon = a.lastIndexOf(':');
        String tail = a.substring(lastColon + 1);
        int groups = 8;
        if (tail.indexOf('.') >= 0) { // an embedded IPv4 address takes the last two groups
            if (!tail.matches("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}")) {
                return false;
            }
            a = a.substring(0, lastColon + 1) + "0:0";
            groups = 8;
        }
        int dc = a.indexOf("::");
        if (dc >= 0 && a.indexOf("::", dc + 1) >= 0) {
            return false;
        }
        String[] parts = dc >= 0
                ? (a.substring(0, dc) + (dc > 0 ? ":" : "") + "x" + (dc + 2 < a.length() ? ":" : "") + a.substring(dc + 2)).split(":", -1)
                : a.split(":", -1);
        int count = 0;
        for (String p : parts) {
            if (p.equals("x")) {
                continue;
            }
            if (p.isEmpty() || p.length() > 4 || p.indexOf('.') >= 0) {
                return false;
            }
            count++;
        }
        return dc >= 0 ? count < groups : count == groups;
    }

    /**
     * Whether {@code url}'s host is an IPv6 address without the brackets a URL needs ({@code http://fd00::5:9000}),
     * which Java reads as no host at all: what the "not a URL with a host" errors then add. Nothing is shown of the URL.
     */
    public static boolean ipv6WithoutBrackets(String url) {
        if (url == null) {
            return false;
        }
        int start = url.indexOf("://");
        if (start < 0) {
            return false;
        }
        String authority = url.substring(start + 3).split("[/?#]", 2)[0];
        authority = authority.substring(authority.lastIndexOf('@') + 1);
        return authority.indexOf('[') < 0 && authority.indexOf(':') != authority.lastIndexOf(':');
    }

    /** What those errors add, with an example rather than the user's value (it may be a secret). */
    public static final String IPV6_URL_HINT = "; an IPv6 address goes in brackets, e.g. http://[fd00::5]:9000";
}
