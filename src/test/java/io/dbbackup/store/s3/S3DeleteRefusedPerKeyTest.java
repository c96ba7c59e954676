package io.dbbackup.store.s3;

import io.dbbackup.core.DbBackupException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * DeleteObjects answers {@code 200 OK} and lists the keys it did not delete, each with its own code (injected by a
 * minimal HTTP server: s3proxy never refuses one key of a batch). A bucket policy denying {@code s3:DeleteObject} under
 * a prefix (the archived WAL's) gives AccessDenied for each: that was a plain, retryable failure without the permission
 * to grant; the service's "try again" for a key stays retryable.
 */
class S3DeleteRefusedPerKeyTest {
    private static final List<String> KEYS = List.of("job/wal/000000010000000000000001", "job/wal/000000010000000000000002",
            "job/wal/000000010000000000000003");

    @Test
    void keysABucketPolicyRefusesToDeleteAreAPermanentFailureNamingThePermission() throws Exception {
        Throwable t = deleteAnswered("AccessDenied", "Access Denied");
        assertThat(t).isInstanceOfSatisfying(DbBackupException.class, d -> assertThat(d.retryable()).isFalse());
        assertThat(t.getMessage()).matches("delete of 3 objects in s3 s3://b/ at http://127\\.0\\.0\\.1:\\d+ failed for 2 of them \\(the other 1 was "
                + "deleted\\), first job/wal/000000010000000000000002: AccessDenied \\(Access Denied\\); check the store's "
                + "credentials and the bucket policy: they need s3:DeleteObject on bucket b for these keys \\(IAM or bucket"
                + " policy; a Deny on their prefix\\?\\)");
    }

    @Test
    void keysTheServiceAsksToTryAgainStayRetryable() throws Exception {
        Throwable t = deleteAnswered("InternalError", "We encountered an internal error. Please try again.");
        assertThat(t).isInstanceOf(IOException.class).isNotInstanceOf(DbBackupException.class);
        assertThat(t.getMessage()).contains(" failed for 2 of them (the other 1 was deleted), first "
                + "job/wal/000000010000000000000002: InternalError (We encountered an internal error. Please try again.)");
    }

    /** 409 OperationAborted, "A conflicting conditional operation is currently in progress": S3's own "try again". */
    @Test
    void aConflictingOperationInProgressIsRetryable() throws Exception {
        try (FakeS3Server server = new FakeS3Server(exchange -> {
            exchange.getRequestBody().readAllBytes();
            FakeS3Server.answerXml(exchange, 409, "<Error><Code>OperationAborted</Code><Message>A conflicting conditional "
                    + "operation is currently in progress against this resource. Try again.</Message></Error>");
        }); S3Store store = server.store()) {
            Throwable t = catchThrowable(() -> store.delete(KEYS.get(0)));
            assertThat(t).isInstanceOf(IOException.class).isNotInstanceOf(DbBackupException.class);
            assertThat(t.getMessage()).contains("HTTP 409 OperationAborted");
        }
    }

    private static Throwable deleteAnswered(String code, String message) throws Exception {
        try (FakeS3Server server = new FakeS3Server(exchange -> {
            exchange.getRequestBody().readAllBytes();
            StringBuilder xml = new StringBuilder("<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
            for (String key : KEYS.subList(1, 3)) {
                xml.append("<Error><Key>").append(key).append("</Key><Code>").append(code).append("</Code><Message>")
                        .append(message).append("</Message></Error>");
            }
            FakeS3Server.answerXml(exchange, 200, xml.append("</DeleteResult>").toString());
        }); S3Store store = server.store()) {
            return catchThrowable(() -> store.deleteAll(KEYS));
        }
    }
}
