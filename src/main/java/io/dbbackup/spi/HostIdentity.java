package io.dbbackup.spi;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What a host name in a datasource stands for, for {@link Location#overlaps}: its addresses as the resolver gives
 * them, with {@code this machine} for every loopback address, every address of a local interface and a socket path;
 * plus the name itself, lower-cased and without a trailing dot, so that a name that does not resolve still equals its
 * other spellings. No connection is made; a lookup that takes longer than {@link #LOOKUP_SECONDS} counts as failed.
 */
final class HostIdentity {
    static final long LOOKUP_SECONDS = 3;
    private static final String THIS_MACHINE = "this machine";

    private HostIdentity() {
    }

    /** A Unix socket path (libpq: a host starting with '/' or '@', the abstract namespace) instead of a host name. */
    static boolean isSocket(String host) {
        return host.isEmpty() || host.startsWith("/") || host.startsWith("@");
    }

    /**
     * Each host's identities, looked up once per process: a drill checks its scratch against every job's datasource,
     * and {@code drill --all} again for each job it drills.
     */
    private static final java.util.Map<String, Set<String>> KNOWN = new java.util.concurrent.ConcurrentHashMap<>();

    /** The identities of every host in {@code hosts} (libpq takes a comma-separated list). */
    static Set<String> of(String hosts) {
        Set<String> out = new LinkedHashSet<>();
        for (String h : hosts.split(",", -1)) {
            out.addAll(KNOWN.computeIfAbsent(h.strip(), HostIdentity::one));
        }
        return out;
    }

    private static Set<String> one(String host) {
        Set<String> out = new LinkedHashSet<>();
        if (isSocket(host)) {
            out.add(THIS_MACHINE);
            return out;
        }
        String name = host.toLowerCase(Locale.ROOT);
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
        }
        while (name.endsWith(".") && name.length() > 1) {
            name = name.substring(0, name.length() - 1);
        }
        out.add("name " + name);
        for (InetAddress a : resolve(name)) {
            out.add(local(a) ? THIS_MACHINE : a.getHostAddress());
        }
        return out;
    }

    private static InetAddress[] resolve(String name) {
        CompletableFuture<InetAddress[]> lookup = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                lookup.complete(InetAddress.getAllByName(name));
            } catch (Exception | Error e) {
                lookup.completeExceptionally(e);
            }
        }, "resolve " + name);
        t.setDaemon(true);
        t.start();
        try {
            return lookup.get(LOOKUP_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new InetAddress[0];
        } catch (ExecutionException | TimeoutException unresolved) {
            return new InetAddress[0];
        }
    }

    private static boolean local(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(a) != null;
        } catch (SocketException | RuntimeException cannotTell) {
            return false;
        }
    }
}
