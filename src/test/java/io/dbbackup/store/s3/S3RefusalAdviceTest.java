package io.dbbackup.store.s3;

import io.dbbackup.core.DbBackupException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Refusals whose fix is not the credentials, as AWS words them (injected: s3proxy has no regions, no clock check, no
 * policies). Each said "check the store's credentials and the bucket policy": a region given wrong (400
 * AuthorizationHeaderMalformed naming the expected region, without x-amz-bucket-region, as MinIO answers), a clock off
 * by more than 15 minutes (RequestTimeTooSkewed), and a key that may not list or write (AccessDenied) said nothing of
 * which permission. Now each names what to change.
 */
class S3RefusalAdviceTest {
    private static Throwable listed(int status, String code, String message, String more) throws Exception {
        try (FakeS3Server server = new FakeS3Server(x -> FakeS3Server.answerXml(x, status, "<Error><Code>" + code
                + "</Code><Message>" + message + "</Message>" + more + "</Error>")); S3Store store = server.store()) {
            Throwable t = catchThrowable(() -> store.list("job/"));
            assertThat(t).isInstanceOf(DbBackupException.class);
            assertThat(((DbBackupException) t).retryable()).isFalse();
            return t;
        }
    }

    @Test
    void aWrongRegionNamedInTheAnswersBodyIsTheRegionToSet() throws Exception {
        Throwable t = listed(400, "AuthorizationHeaderMalformed", "The authorization header is malformed; the region "
                + "'us-east-1' is wrong; expecting 'eu-central-1'", "<Region>eu-central-1</Region>");
        assertThat(t.getMessage()).contains("set region: eu-central-1").doesNotContain("credentials");
    }

    @Test
    void aClockTooFarOffIsTheClockNotTheCredentials() throws Exception {
        Throwable t = listed(403, "RequestTimeTooSkewed", "The difference between the request time and the current time is"
                + " too large.", "<RequestTime>20261203T220000Z</RequestTime><ServerTime>2026-12-03T23:00:00Z</ServerTime>");
        assertThat(t.getMessage()).contains("this host's clock").doesNotContain("credentials");
    }

    @Test
    void aRequestTheKeyMayNotMakeNamesThePermission() throws Exception {
        Throwable t = listed(403, "AccessDenied", "Access Denied", "");
        assertThat(t.getMessage()).contains("s3:ListBucket on bucket b");
    }

    /** SSE-KMS: AWS answers AccessDenied naming the KMS action the key's policy refused; no S3 permission is missing. */
    @Test
    void aKmsKeyTheCredentialsMayNotUseNamesTheKmsPermission() throws Exception {
        Throwable t = listed(403, "AccessDenied", "User: arn:aws:iam::123456789012:user/backup is not authorized to perform:"
                + " kms:GenerateDataKey on resource: arn:aws:kms:eu-central-1:123456789012:key/1234abcd because no "
                + "identity-based policy allows the kms:GenerateDataKey action", "");
        assertThat(t.getMessage()).contains("kms:GenerateDataKey on resource").contains("may not use the KMS key")
                .contains("kms:GenerateDataKey to write, kms:Decrypt to read").doesNotContain("s3:ListBucket");
    }
}
