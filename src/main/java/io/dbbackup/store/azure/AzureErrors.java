package io.dbbackup.store.azure;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.Human;
import io.dbbackup.core.Redactor;
import io.dbbackup.core.TlsRefusal;
import io.dbbackup.spi.NoSuchKeyException;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns an answer of the Blob service, or a network failure, into one clear line naming the operation, the blob and
 * the HTTP status with the service's error code. Credentials, permissions and a missing container are permanent (a
 * retry of the job cannot fix them); the network, 5xx, 408 and 429 are plain {@link IOException}s (the job may retry).
 * Messages never carry a request's URL (a SAS is part of it), headers or signature.
 */
final class AzureErrors {
    private static final Set<String> AUTH_CODES = Set.of("AuthenticationFailed", "AuthorizationFailure",
            "AuthorizationPermissionMismatch", "AuthorizationResourceTypeMismatch", "AuthorizationServiceMismatch",
            "AuthorizationProtocolMismatch", "AuthorizationSourceIPMismatch", "InvalidAuthenticationInfo",
            "InsufficientAccountPermissions", "AccountIsDisabled", "KeyBasedAuthenticationNotPermitted", "NoAuthenticationInformation");
    private static final Pattern CODE = Pattern.compile("<Code>([^<]*)</Code>");
    private static final Pattern MESSAGE = Pattern.compile("<Message>([^<\\n\\r]*)");

    /**
     * What the service answers (409) to a delete of a blob an immutability policy or a legal hold holds: a time-based
     * retention policy (on the blob's version or its container) or a legal hold; the container codes for a container
     * so held, should a delete say so.
     */
    static final Set<String> HELD_CODES = Set.of("BlobImmutableDueToPolicy", "BlobImmutableDueToLegalHold",
            "ContainerImmutabilityPolicyLocked", "ContainerHasLegalHold");

    /** Whether {@code r} is a delete's refusal for an immutability policy or a legal hold. */
    static boolean held(AzureHttp.Response r) {
        String code = r.status() == 409 ? code(r) : null;
        return code != null && HELD_CODES.contains(code);
    }

    /**
     * A delete refused for an immutability policy or a legal hold ({@link #held(AzureHttp.Response)}): the service's
     * line, the hold's kind, and {@code until}, the end of the blob's retention when its properties say it
     * ({@code x-ms-immutability-policy-until-date}), or null.
     */
    static io.dbbackup.spi.HeldObjectException held(String location, AzureHttp.Response r, java.time.Instant until) {
        return new io.dbbackup.spi.HeldObjectException(line("delete", location, r) + "; " + kind(r, until)
                + "; not a missing permission");
    }

    /**
     * Of a delete of {@code asked} blobs in {@code store}, the {@code held} ones refused for a policy or legal hold (the
     * others deleted), as S3 says a DeleteObjects' refusals: counted, the first, {@code firstBlob}, named with the
     * service's answer {@code r} and its retention's end {@code until} (or null).
     */
    static io.dbbackup.spi.HeldObjectException held(String store, int asked, java.util.List<String> held, String firstBlob,
                                                     AzureHttp.Response r, java.time.Instant until) {
        int deleted = asked - held.size();
        return new io.dbbackup.spi.HeldObjectException(Redactor.redact("delete of " + Human.count(asked, "blob")
                + " in " + store + " failed for " + held.size() + " of them (" + (deleted <= 0 ? "none was deleted"
                : "the other " + deleted + (deleted == 1 ? " was" : " were") + " deleted") + "), first " + firstBlob + ": "
                + answer(r)) + "; " + kind(r, until) + "; not a missing permission", held);
    }

    /** The first blob held of a delete that another failure ended: its name and the service's answer {@code r}. */
    static String first(String blob, AzureHttp.Response r) {
        return Redactor.redact(blob + ": " + answer(r));
    }

    /** What holds the blob a delete's refusal {@code r} names, and until when ({@code until}, or null: not known). */
    private static String kind(AzureHttp.Response r, java.time.Instant until) {
        String code = code(r);
        return code.endsWith("LegalHold")
                ? "a legal hold on the " + (code.startsWith("Container") ? "container" : "blob") + " holds it: it cannot "
                + "be deleted until the hold is cleared"
                : "an immutability policy (time-based retention, on the blob's version or its container) holds it: it "
                + "cannot be deleted " + (until == null ? "before its retention ends (az storage blob show: "
                + "properties.immutabilityPolicy.expiryTime)" : "before " + until);
    }

    private static String line(String action, String location, AzureHttp.Response r) {
        return Redactor.redact("azure " + action + " " + location + " failed: " + answer(r));
    }

    /** {@code HTTP 409 Code (the service's message)}: the status, the error code and its message's first line. */
    private static String answer(AzureHttp.Response r) {
        String code = code(r);
        Matcher m = MESSAGE.matcher(new String(r.body(), StandardCharsets.UTF_8));
        String text = m.find() ? m.group(1).trim() : null;
        return "HTTP " + r.status() + (code == null ? "" : " " + code)
                + (text == null || text.isBlank() ? "" : " (" + Redactor.excerpt(text, MAX_TEXT) + ")");
    }

    /** The characters of the service's {@code <Message>} kept in a message, after secrets are masked in it. */
    static final int MAX_TEXT = 200;

    private AzureErrors() {
    }

    /** The service's error code: the {@code x-ms-error-code} header, else the body's {@code <Code>}. */
    static String code(AzureHttp.Response r) {
        return r.header("x-ms-error-code").orElseGet(() -> {
            Matcher m = CODE.matcher(new String(r.body(), StandardCharsets.UTF_8));
            return m.find() ? m.group(1) : null;
        });
    }

    /**
     * Whether the service refused a body because it arrived damaged: its MD5 did not match the {@code Content-MD5}
     * sent. Azure answers {@code Md5Mismatch}; Azurite {@code InvalidOperation} "Provided contentMD5 doesn't match".
     */
    static boolean damaged(AzureHttp.Response r) {
        if (r.status() != 400) {
            return false;
        }
        String body = new String(r.body(), StandardCharsets.UTF_8);
        return "Md5Mismatch".equals(code(r)) || body.matches("(?is).*<Message>[^<]*md5[^<]*match.*");
    }

    /**
     * The exception for an answer that is not a success; permanent ones are thrown as {@link DbBackupException}.
     * A missing blob on a read is a {@link NoSuchKeyException}. A refused sign-in or permission names what the store
     * signs in with, {@code credentials}, and where the config gives it.
     */
    static IOException map(String action, String location, AzureHttp.Response r, AzureCredentials credentials) {
        String code = code(r);
        String line = line(action, location, r);
        if (action.startsWith("delete") && held(r)) {
            // an immutability policy or legal hold: no credential or role fixes it, and the blob is whole
            return held(location, r, null);
        }
        if ("BlobNotFound".equals(code) || (r.status() == 404 && code == null && action.startsWith("get"))) {
            return new NoSuchKeyException(location);
        }
        if ((code != null && AUTH_CODES.contains(code)) || r.status() == 401 || r.status() == 403) {
            throw DbBackupException.permanent(line + "; " + credentials.check(), null);
        }
        if ("ContainerNotFound".equals(code)) {
            throw DbBackupException.permanent(line + "; create the container or fix 'container'", null);
        }
        if (AzureHttp.transientStatus(r.status())) {
            return new IOException(line);
        }
        if (damaged(r)) { // the network, not the request: a retry of the job may succeed
            return new IOException(line + "; the bytes arrived damaged (their MD5 did not match the one sent) and were not stored");
        }
        throw DbBackupException.permanent(line, null);
    }

    /** A request that got no answer: the network (retryable), a refused certificate (permanent), an interrupt. */
    static IOException map(String action, String location, IOException e) {
        String refused = TlsRefusal.reason(e);
        if (refused != null) {
            throw DbBackupException.permanent("azure " + action + " " + location + " failed: the server's TLS certificate "
                    + "was not accepted (" + refused + "); " + TlsRefusal.ADVICE, null);
        }
        if (e instanceof AzureHttp.StalledException) { // a store fault, retryable by the job
            return new IOException("azure " + action + " " + location + " failed: " + e.getMessage(), e);
        }
        if (e instanceof InterruptedIOException) {
            InterruptedIOException ie = new InterruptedIOException("azure " + action + " " + location + " interrupted");
            ie.initCause(e);
            return ie;
        }
        String msg = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + e.getMessage().replaceAll("\\s+", " ").trim();
        if (e instanceof java.net.ConnectException || e.getCause() instanceof java.net.ConnectException) {
            msg = "cannot connect to the Blob service (" + msg + "); is 'endpoint' (or the account's name) right, and the network up?";
        }
        return new IOException(Redactor.redact("azure " + action + " " + location + " failed: " + msg), e);
    }
}
