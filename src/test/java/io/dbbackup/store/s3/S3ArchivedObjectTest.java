package io.dbbackup.store.s3;

import io.dbbackup.core.DbBackupException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A backup a lifecycle rule moved to an archive storage class (GLACIER, DEEP_ARCHIVE; or {@code storage_class: GLACIER}
 * in the store): AWS refuses its GetObject with 403 InvalidObjectState (injected by a minimal HTTP server: s3proxy has
 * no storage classes). verify and restore said "check the store's credentials and the bucket policy" — a 403 taken for
 * a refused sign-in, sending the user to the wrong place; the line now says the object must be restored from the
 * archive first.
 */
class S3ArchivedObjectTest {
    @Test
    void aGetOfAnArchivedObjectSaysToRestoreItFromTheArchiveNotToCheckCredentials() throws Exception {
        try (FakeS3Server server = new FakeS3Server(exchange -> FakeS3Server.answerXml(exchange, 403,
                "<Error><Code>InvalidObjectState</Code><Message>The operation is not valid for the object's storage "
                        + "class</Message><StorageClass>DEEP_ARCHIVE</StorageClass></Error>"));
             S3Store store = server.store()) {
            Throwable t = catchThrowable(() -> store.open("job/a.dump").close());
            assertThat(t).isInstanceOf(DbBackupException.class);
            assertThat(((DbBackupException) t).retryable()).isFalse();
            assertThat(t.getMessage()).startsWith("s3 get s3://b/job/a.dump failed: HTTP 403 InvalidObjectState")
                    .contains("archive storage class").contains("restore-object").doesNotContain("credentials");
            assertThat(server.requests()).as("not retried").isEqualTo(1);
        }
    }
}
