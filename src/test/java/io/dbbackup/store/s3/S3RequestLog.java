package io.dbbackup.store.s3;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Records the operation of every request an S3 client in this JVM sends (registered for the tests
 * through the SDK's global interceptor list on the test classpath); it changes nothing. Lets a test
 * see how many requests an operation took against the real server.
 */
public final class S3RequestLog implements ExecutionInterceptor {
    private static final Queue<String> SENT = new ConcurrentLinkedQueue<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        SENT.add(context.request().getClass().getSimpleName().replaceFirst("Request$", ""));
    }

    /** The operations sent since the last call (e.g. {@code DeleteObjects}), and forgets them. */
    public static List<String> drain() {
        List<String> out = new java.util.ArrayList<>();
        for (String s; (s = SENT.poll()) != null; ) {
            out.add(s);
        }
        return out;
    }
}
