package io.dbbackup.store.azure;

import io.dbbackup.core.DbBackupException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The proxy the environment names, read as curl and the AWS SDK read it (so that the S3 and Azure stores of one pod go
 * the same way): {@code HTTPS_PROXY} for https endpoints, {@code HTTP_PROXY} for http ones, {@code ALL_PROXY} for
 * either (lower-case names too), {@code NO_PROXY} a comma list of hosts (a suffix with or without its leading dot, an
 * address, {@code *}) that connect directly, as does the instance metadata service (169.254.169.254). Without such
 * variables, the JVM's own selector ({@code -Dhttps.proxyHost}).
 */
final class EnvProxy extends ProxySelector {
    private final Optional<Proxy> https;
    private final Optional<Proxy> http;
    private final List<String> noProxy;
    private final ProxySelector fallback;

    private EnvProxy(Optional<Proxy> https, Optional<Proxy> http, List<String> noProxy, ProxySelector fallback) {
        this.https = https;
        this.http = http;
        this.noProxy = noProxy;
        this.fallback = fallback;
    }

    /** The selector for {@code env}; the JVM's default when it names no proxy. */
    static ProxySelector of(Map<String, String> env) {
        Optional<Proxy> all = proxy(env, "ALL_PROXY");
        Optional<Proxy> https = proxy(env, "HTTPS_PROXY").or(() -> all);
        Optional<Proxy> http = proxy(env, "HTTP_PROXY").or(() -> all);
        ProxySelector fallback = ProxySelector.getDefault();
        if (https.isEmpty() && http.isEmpty()) {
            return fallback;
        }
        List<String> noProxy = new ArrayList<>();
        for (String entry : var(env, "NO_PROXY").orElse("").split(",")) {
            String e = entry.strip().toLowerCase(Locale.ROOT);
            int colon = e.lastIndexOf(':');
            if (colon > 0 && e.indexOf(':') == colon) {
                e = e.substring(0, colon); // host:port: the port is not compared
            }
            if (!e.isEmpty()) {
                noProxy.add(e.startsWith(".") ? e.substring(1) : e);
            }
        }
        return new EnvProxy(https, http, List.copyOf(noProxy), fallback);
    }

    /** The variables of {@code env} that {@link #of} reads: two environments alike in these select alike. */
    static Map<String, String> variables(Map<String, String> env) {
        Map<String, String> read = new java.util.TreeMap<>();
        for (String name : List.of("ALL_PROXY", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY")) {
            for (String n : List.of(name, name.toLowerCase(Locale.ROOT))) {
                if (env.get(n) != null) {
                    read.put(n, env.get(n));
                }
            }
        }
        return read;
    }

    private static Optional<String> var(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            v = env.get(name.toLowerCase(Locale.ROOT));
        }
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
    }

    private static Optional<Proxy> proxy(Map<String, String> env, String name) {
        Optional<String> value = var(env, name);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        String v = value.get().contains("://") ? value.get() : "http://" + value.get();
        URI uri;
        try {
            uri = URI.create(v);
        } catch (IllegalArgumentException e) {
            throw DbBackupException.permanent(name + " is not a proxy address (expected http://host:port)", null);
        }
        if (uri.getHost() == null || !"http".equalsIgnoreCase(uri.getScheme())) {
            throw DbBackupException.permanent(name + " is not an http proxy address (expected http://host:port, got scheme "
                    + uri.getScheme() + ")", null);
        }
        if (uri.getRawUserInfo() != null) {
            // never repeated: it holds a password
            throw DbBackupException.permanent(name + " names a user and password: the azure store does not sign in to "
                    + "proxies; use a proxy that lets this host through, or NO_PROXY for the storage account", null);
        }
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        return Optional.of(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(uri.getHost(), port)));
    }

    @Override
    public List<Proxy> select(URI uri) {
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (bypassed(host)) {
            return List.of(Proxy.NO_PROXY);
        }
        Optional<Proxy> p = "https".equalsIgnoreCase(uri.getScheme()) ? https : http;
        return p.map(List::of).orElseGet(() -> fallback == null ? List.of(Proxy.NO_PROXY) : fallback.select(uri));
    }

    private boolean bypassed(String host) {
        if (host.startsWith("169.254.")) {
            return true; // the instance metadata service (managed identity) answers on the host only, never via a proxy
        }
        for (String n : noProxy) {
            if (n.equals("*") || host.equals(n) || host.endsWith("." + n)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
        // the request's own error says what failed
    }
}
