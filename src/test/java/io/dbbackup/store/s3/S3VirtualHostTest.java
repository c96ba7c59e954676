package io.dbbackup.store.s3;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.Secret;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * A self-hosted service (MinIO, s3proxy) at a host name, {@code path_style} left false: the SDK puts the bucket in the
 * host name ({@code backups.minio.lan}), which that network's DNS does not have. The error was the SDK's paragraph
 * ("Received an UnknownHostException when attempting to interact with a service. See cause…", no host named),
 * retried as a network fault. Now one line, not retried, naming the host and the setting to change.
 */
class S3VirtualHostTest {
    private static boolean resolves(String host) {
        try {
            InetAddress.getByName(host);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Test
    void aBucketHostNameThatDoesNotResolveSaysToSetPathStyle() throws Exception {
        assumeThat(resolves("backups.localhost")).as("this host's resolver answers *.localhost").isFalse();
        try (FakeS3Server server = new FakeS3Server(x -> FakeS3Server.answerXml(x, 500, "<Error/>"));
             S3Store store = new S3Store(new S3Settings(URI.create("http://localhost:" + server.endpoint().getPort()),
                     "us-east-1", "backups", "", new Secret("AKIDEXAMPLE", "test"), new Secret("wJalrXUtnFEMI-example", "test"),
                     false, null, null, null, 5L << 20, 2, true, "stores.offsite"))) {
            Throwable t = catchThrowable(() -> store.list("job/"));
            assertThat(t).isInstanceOf(DbBackupException.class);
            assertThat(((DbBackupException) t).retryable()).isFalse();
            assertThat(t.getMessage()).contains("cannot resolve backups.localhost")
                    .contains("set path_style: true in stores.offsite").doesNotContain("See cause");
        }
    }
}
