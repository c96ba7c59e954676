package io.dbbackup.store.s3;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;

import java.util.Locale;

/**
 * An endpoint that is not an S3 service (a web server, a proxy's login page, a console URL given as the endpoint)
 * answers with an HTML page: a HEAD's 200 without a size read as an object (and threw a NullPointerException), a
 * listing's 200 as XML that did not parse (retried as a network fault), a 404 page as a missing object or bucket. An
 * S3 service answers its API in XML, never HTML; an HTML answer below 500 fails the request as {@link NotS3}, not
 * retried. A 5xx page stays the server's error (a proxy's 502 in front of a real service is retryable), and an
 * object's own content (a GetObject's 2xx) is the object's, whatever its type.
 */
final class NotS3Guard implements ExecutionInterceptor {
    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        int status = context.httpResponse().statusCode();
        String type = context.httpResponse().firstMatchingHeader("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        boolean content = context.request() instanceof GetObjectRequest && status / 100 == 2;
        if (status < 500 && type.startsWith("text/html") && !content) {
            throw SdkClientException.builder().cause(new NotS3(status)).message("not an S3 answer").build();
        }
    }

    /** The endpoint answered a request with an HTML page of {@code status}. */
    static final class NotS3 extends RuntimeException {
        final int status;

        NotS3(int status) {
            super("HTTP " + status + " with an HTML page", null, false, false);
            this.status = status;
        }
    }
}
