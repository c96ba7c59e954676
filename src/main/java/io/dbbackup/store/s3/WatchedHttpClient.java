package io.dbbackup.store.s3;

import io.dbbackup.core.Human;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The S3 client's HTTP client, watched. A request that moves no byte for {@code stallTimeout} — its body not taken
 * by the socket, or no answer — has its connection closed and fails as a stall of the store
 * ({@link StalledException}; the SDK does not send it again, the job's {@code retry} decides). Without this a body
 * write on a black-holed connection never returned (a socket write has no timeout) and a read waited the socket
 * timeout out, five times over with the SDK's resends. And the requests a thread has on their way can be cut off
 * from another thread ({@link #cutOff}), which an interrupt cannot do to a thread blocked in a socket.
 */
final class WatchedHttpClient implements SdkHttpClient {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(io.dbbackup.core.Log.untagged(r), "s3-stall-watch");
        t.setDaemon(true);
        return t;
    });

    private final SdkHttpClient delegate;
    private final Duration stallTimeout;
    private final Map<Thread, Watched> byThread = new ConcurrentHashMap<>();
    private final Set<Watched> watched = ConcurrentHashMap.newKeySet();
    /** Threads whose requests are stopped ({@link #stop}), with who stopped them. */
    private final Map<Thread, Object> stops = new ConcurrentHashMap<>();
    private final java.util.concurrent.ScheduledFuture<?> watch;

    WatchedHttpClient(SdkHttpClient delegate, Duration stallTimeout) {
        this.delegate = delegate;
        this.stallTimeout = stallTimeout;
        long period = Math.max(20, Math.min(stallTimeout.toMillis() / 4, 2000));
        watch = TIMER.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    /** Closes the connections of the requests {@code threads} have on their way; those requests fail at once. */
    void cutOff(Collection<Thread> threads) {
        for (Thread t : threads) {
            Watched w = byThread.get(t);
            if (w != null) {
                w.abort();
            }
        }
    }

    /**
     * Stops the request {@code thread} has on its way and every one it starts until {@link #resume}: each fails at once
     * with {@link StoppedException}, which the SDK does not send again (a GetObject cancelled before its first byte:
     * SIGTERM, a job's timeout). Unlike {@link #cutOff} the thread is not interrupted: it goes on with its operation's
     * unwinding.
     */
    void stop(Thread thread, Object by) {
        stops.put(thread, by);
        Watched w = byThread.get(thread);
        if (w != null && stops.get(thread) == by) {
            w.stopped = true;
            w.abort();
        }
    }

    /** Ends {@link #stop}{@code (thread, by)}: the thread's next requests go out again. */
    void resume(Thread thread, Object by) {
        stops.remove(thread, by);
    }

    private void check() {
        long now = System.nanoTime();
        for (Watched w : watched) {
            long since = w.waitingSince;
            if (since != 0 && now - since > stallTimeout.toNanos()) {
                w.stalled = true;
                watched.remove(w);
                w.abort();
            }
        }
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        Watched w = new Watched();
        HttpExecuteRequest.Builder b = HttpExecuteRequest.builder().request(request.httpRequest());
        request.metricCollector().ifPresent(b::metricCollector);
        request.contentStreamProvider().ifPresent(body -> b.contentStreamProvider(new ContentStreamProvider() {
            @Override
            public InputStream newStream() {
                return w.progress(body.newStream());
            }

            @Override
            public String name() {
                return body.name();
            }
        }));
        w.exchange = delegate.prepareRequest(b.build());
        return w;
    }

    @Override
    public String clientName() {
        return delegate.clientName();
    }

    @Override
    public void close() {
        watch.cancel(false);
        delegate.close();
    }

    /** One request: watched from its call until its answer's body is read to its end or closed. */
    private final class Watched implements ExecutableHttpRequest {
        ExecutableHttpRequest exchange;
        /** Since when it waits for a byte to move (nanoTime), 0 while it waits for nothing (a download not being read). */
        volatile long waitingSince;
        volatile boolean stalled;
        volatile boolean stopped;

        /** {@code in}, each read of it (the HTTP client taking the next bytes of the body) counted as progress. */
        InputStream progress(InputStream in) {
            return new FilterInputStream(in) {
                @Override
                public int read() throws IOException {
                    waitingSince = System.nanoTime();
                    return super.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    waitingSince = System.nanoTime();
                    return super.read(b, off, len);
                }
            };
        }

        @Override
        public HttpExecuteResponse call() throws IOException {
            Thread me = Thread.currentThread();
            byThread.put(me, this);
            waitingSince = System.nanoTime();
            watched.add(this);
            try {
                if (stops.containsKey(me)) {
                    throw new StoppedException();
                }
                HttpExecuteResponse r = exchange.call();
                if (stalled) {
                    throw stalled(null);
                }
                if (stopped) {
                    throw new StoppedException();
                }
                return r;
            } catch (IOException | RuntimeException e) {
                if (stopped && !(e instanceof StoppedException)) {
                    StoppedException s = new StoppedException();
                    s.addSuppressed(e);
                    throw s;
                }
                // the socket's read timeout (set to the stall timeout) is the same stall, seen by the reading side
                // (not a connect timeout: no byte could move yet; the SDK retries that on a new connection, as before)
                if (stalled || e instanceof java.net.SocketTimeoutException && !connectTimeout(e)) {
                    throw stalled(e);
                }
                throw e;
            } finally {
                watched.remove(this);
                byThread.remove(me, this);
            }
        }

        private static boolean connectTimeout(Throwable e) {
            return e.getMessage() != null && e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("connect timed out");
        }

        private StalledException stalled(Throwable e) {
            StalledException s = new StalledException(stallTimeout);
            if (e != null) {
                s.addSuppressed(e); // not the cause: the SDK resends what an IOException caused
            }
            return s;
        }

        /** Cuts the connection, on a thread of its own: the JDK's disconnect can wait for a read blocked on it. */
        @Override
        public void abort() {
            Thread cut = new Thread(() -> {
                try {
                    exchange.abort();
                } catch (RuntimeException | Error ignored) {
                    // the request fails either way
                }
            }, "s3-abort");
            cut.setDaemon(true);
            cut.start();
        }
    }

    /** A request stopped from another thread ({@link #stop}); not retryable. */
    static final class StoppedException extends SdkClientException {
        StoppedException() {
            super(SdkClientException.builder().message("the request was stopped (cancelled)"));
        }

        @Override
        public boolean retryable() {
            return false;
        }
    }

    /**
     * A request that moved no byte for the stall timeout; its connection was closed. An {@link SdkClientException}, as
     * every failure the SDK's callers map, but not retryable: the SDK does not send it again on the same dead path.
     */
    static final class StalledException extends SdkClientException {
        StalledException(Duration timeout) {
            super(SdkClientException.builder().message("the store stalled: no byte moved for " + Human.settingSpaced(timeout)
                    + " (a connection that went silent)"));
        }

        @Override
        public boolean retryable() {
            return false;
        }
    }
}
