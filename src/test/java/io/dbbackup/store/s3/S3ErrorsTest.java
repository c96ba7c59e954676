package io.dbbackup.store.s3;

import io.dbbackup.core.DbBackupException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.security.cert.CertificateException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** TLS failures as the SDK reports them: a refused certificate is permanent and says how to trust one; a cut handshake is not. */
class S3ErrorsTest {
    private static SdkClientException sdk(Throwable cause) {
        return SdkClientException.builder().message("Unable to execute HTTP request: " + cause.getMessage()).cause(cause).build();
    }

    @Test
    void aCertificateForAnotherNameIsAPermanentLineSayingSo() {
        SSLHandshakeException handshake = new SSLHandshakeException("No subject alternative names matching IP address 10.0.0.9 found");
        handshake.initCause(new CertificateException("No subject alternative names matching IP address 10.0.0.9 found"));
        assertThatThrownBy(() -> S3Errors.map("head", "s3://b/k", sdk(handshake)))
                .isInstanceOf(DbBackupException.class)
                .satisfies(t -> assertThat(((DbBackupException) t).retryable()).isFalse())
                .hasMessage("s3 head s3://b/k failed: the server's TLS certificate was not accepted (No subject alternative names "
                        + "matching IP address 10.0.0.9 found); for a private CA give the JVM a trust store "
                        + "(-Djavax.net.ssl.trustStore=… in JDK_JAVA_OPTIONS), or fix 'endpoint'");
    }

    @Test
    void aHandshakeCutShortByTheNetworkStaysRetryable() {
        SSLHandshakeException cut = new SSLHandshakeException("Remote host terminated the handshake");
        cut.initCause(new java.io.EOFException("SSL peer shut down incorrectly"));
        IOException e = S3Errors.map("upload part 3 of", "s3://b/k", sdk(cut));
        assertThat(e).isNotInstanceOf(DbBackupException.class);
        assertThat(e.getMessage()).contains("Remote host terminated the handshake");
    }

    /** The connection broken off by the server (its answer unread) is asked again; a server not there is not. */
    @Test
    void aConnectionTheServerBrokeOffIsToldFromOneThatWasNeverMade() {
        for (String broken : new String[] {"Error writing request body to server", "Unexpected end of file from server",
                "Connection reset", "Broken pipe (Write failed)"}) {
            assertThat(S3Errors.bodyBrokenOff(sdk(new IOException(broken)))).as(broken).isTrue();
        }
        assertThat(S3Errors.bodyBrokenOff(sdk(new java.net.ConnectException("Connection refused")))).isFalse();
        assertThat(S3Errors.bodyBrokenOff(sdk(new java.net.SocketTimeoutException("Read timed out")))).isFalse();
    }

    /** The service's error text is masked first, then cut to 200 characters: a cut through a secret would leave half of it. */
    @Test
    void aLongErrorTextIsMaskedThenCut() {
        String secret = "s3-SECRET-88d1e0f2b7";
        io.dbbackup.core.Redactor.register(secret);
        software.amazon.awssdk.services.s3.model.S3Exception e = (software.amazon.awssdk.services.s3.model.S3Exception)
                software.amazon.awssdk.services.s3.model.S3Exception.builder().statusCode(400)
                        .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder().errorCode("InvalidArgument")
                                .errorMessage("a".repeat(190) + " " + secret + " " + "b".repeat(500)).build()).build();
        assertThatThrownBy(() -> S3Errors.map("put", "s3://b/k", e)).isInstanceOf(DbBackupException.class)
                .hasMessage("s3 put s3://b/k failed: HTTP 400 InvalidArgument (" + "a".repeat(190) + " *** " + "b".repeat(5) + "...)");
    }
}
