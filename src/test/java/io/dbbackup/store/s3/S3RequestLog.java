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
 * see how many requests an operation took against the real server, and how each was signed.
 */
public final class S3RequestLog implements ExecutionInterceptor {
    private static final Queue<String> SENT = new ConcurrentLinkedQueue<>();
    private static final Queue<Signed> SIGNED = new ConcurrentLinkedQueue<>();

    /**
     * What a signed request carried: its operation, {@code x-amz-content-sha256}, {@code x-amz-checksum-sha256},
     * {@code Content-MD5}.
     */
    public record Signed(String operation, String contentSha256, String checksumSha256, String contentMd5) {
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        SENT.add(operation(context.request()));
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        var http = context.httpRequest();
        SIGNED.add(new Signed(operation(context.request()),
                http.firstMatchingHeader("x-amz-content-sha256").orElse(null),
                http.firstMatchingHeader("x-amz-checksum-sha256").orElse(null),
                http.firstMatchingHeader("Content-MD5").orElse(null)));
    }

    private static String operation(Object request) {
        return request.getClass().getSimpleName().replaceFirst("Request$", "");
    }

    /** The operations sent since the last call (e.g. {@code DeleteObjects}), and forgets them. */
    public static List<String> drain() {
        List<String> out = new java.util.ArrayList<>();
        for (String s; (s = SENT.poll()) != null; ) {
            out.add(s);
        }
        return out;
    }

    /** The requests signed since the last call, as sent (after signing), and forgets them. */
    public static List<Signed> drainSigned() {
        List<Signed> out = new java.util.ArrayList<>();
        for (Signed s; (s = SIGNED.poll()) != null; ) {
            out.add(s);
        }
        return out;
    }
}
