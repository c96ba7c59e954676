package io.dbbackup.store.s3;

import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignRequest;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignedRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.identity.spi.IdentityProviders;

import java.util.concurrent.CompletableFuture;

/**
 * SigV4 that does not hash a body a second time when the body's SHA-256 is already in a signed header.
 *
 * <p>Over plain http the SDK always signs the payload: it reads the whole body once more to put its
 * SHA-256 into {@code x-amz-content-sha256}, and the server hashes it once more to check it. An upload of
 * ours already carries that same SHA-256 as {@code x-amz-checksum-sha256}, a header the signature covers
 * and the server checks the body against, so the payload signature proves nothing more. For such a
 * request (http, a body, that header present) the request is signed as {@code UNSIGNED-PAYLOAD}, which is
 * what the SDK itself does over https. Every other request is signed by the SDK's signer unchanged.
 */
final class ChecksumCoveredPayloadSigner implements AwsV4HttpSigner {
    static final String CHECKSUM_HEADER = "x-amz-checksum-sha256";

    private final AwsV4HttpSigner sdk = AwsV4HttpSigner.create();

    /** The SigV4 scheme with this signer, for {@code S3ClientBuilder.putAuthScheme}. */
    static AwsV4AuthScheme scheme() {
        AwsV4AuthScheme standard = AwsV4AuthScheme.create();
        AwsV4HttpSigner signer = new ChecksumCoveredPayloadSigner();
        return new AwsV4AuthScheme() {
            @Override
            public String schemeId() {
                return standard.schemeId();
            }

            @Override
            public IdentityProvider<AwsCredentialsIdentity> identityProvider(IdentityProviders providers) {
                return standard.identityProvider(providers);
            }

            @Override
            public AwsV4HttpSigner signer() {
                return signer;
            }
        };
    }

    static boolean coveredByChecksum(SignRequest<? extends AwsCredentialsIdentity> request) {
        return "http".equals(request.request().protocol())
                && request.payload().isPresent()
                && request.request().firstMatchingHeader(CHECKSUM_HEADER).isPresent();
    }

    @Override
    public SignedRequest sign(SignRequest<? extends AwsCredentialsIdentity> request) {
        if (!coveredByChecksum(request)) {
            return sdk.sign(request);
        }
        ContentStreamProvider body = request.payload().get();
        SignRequest<? extends AwsCredentialsIdentity> headersOnly = request.copy(b -> b.payload(null));
        SignedRequest signed = sdk.sign(headersOnly);
        return signed.copy(b -> b.payload(body));
    }

    @Override
    public CompletableFuture<AsyncSignedRequest> signAsync(AsyncSignRequest<? extends AwsCredentialsIdentity> request) {
        return sdk.signAsync(request); // the client is synchronous; kept for the interface
    }
}
