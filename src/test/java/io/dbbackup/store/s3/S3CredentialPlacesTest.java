package io.dbbackup.store.s3;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.Secret;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A refusal of the credentials names the setting to check, as the answer's code tells it (injected, as AWS words them:
 * s3proxy answers a wrong key's HEAD with a bare 403): the secret key for SignatureDoesNotMatch, the access key for
 * InvalidAccessKeyId. It said "check the store's credentials and the bucket policy", naming neither. (A config gives
 * each key's place too, e.g. {@code stores.offsite.secret_key_env at config.yaml:14:21, read from env S3_SECRET}: see
 * S3CliIT.)
 */
class S3CredentialPlacesTest {
    private static String listed(String code) throws Exception {
        try (FakeS3Server server = new FakeS3Server(x -> FakeS3Server.answerXml(x, 403, "<Error><Code>" + code
                + "</Code><Message>refused</Message></Error>"));
             S3Store store = new S3Store(new S3Settings(server.endpoint(), "us-east-1", FakeS3Server.BUCKET, "",
                     new Secret("AKIDEXAMPLE", "env S3_ACCESS"), new Secret("wJalrXUtnFEMI-example", "env S3_SECRET"),
                     true, null, null, null, 5L << 20, 2, true))) {
            Throwable t = catchThrowable(() -> store.list("job/"));
            assertThat(t).isInstanceOf(DbBackupException.class);
            assertThat(((DbBackupException) t).retryable()).isFalse();
            assertThat(t.getMessage()).doesNotContain("AKIDEXAMPLE").doesNotContain("wJalrXUtnFEMI");
            return t.getMessage();
        }
    }

    @Test
    void aSignatureThatDoesNotMatchNamesTheSecretKey() throws Exception {
        assertThat(listed("SignatureDoesNotMatch")).contains("HTTP 403 SignatureDoesNotMatch")
                .endsWith("; check the store's credentials (env S3_SECRET) and the bucket policy");
    }

    @Test
    void anUnknownAccessKeyNamesTheAccessKey() throws Exception {
        assertThat(listed("InvalidAccessKeyId")).contains("HTTP 403 InvalidAccessKeyId")
                .endsWith("; check the store's credentials (env S3_ACCESS) and the bucket policy");
    }

    @Test
    void aBareRefusalNamesBoth() throws Exception {
        assertThat(listed("ExpiredToken")).endsWith("; check the store's credentials (env S3_ACCESS; env S3_SECRET) and the "
                + "bucket policy");
    }
}
