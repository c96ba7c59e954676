package io.dbbackup.store.s3;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A server that answers every ListObjectsV2 page with "truncated, next: the same token" (a fault a real S3 server is not
 * expected to make, injected by a minimal HTTP server): the listing fails after the repeat instead of running for ever
 * (a store audit saw 21,000 requests in 40 s, and a prune that neither the job's timeout nor SIGTERM stopped).
 */
class S3ListingLoopTest {
    /** A truncated ListObjectsV2 page of bucket b with one key, {@code next} (an element or "") before its end. */
    private static String truncatedPage(String next) {
        return "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                + "<Name>b</Name><Prefix>job/</Prefix><KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>true</IsTruncated>"
                + "<Contents><Key>job/a.dump</Key><Size>3</Size><LastModified>2026-12-01T00:00:00.000Z</LastModified></Contents>"
                + next + "</ListBucketResult>";
    }

    @Test
    void aContinuationTokenHandedOutTwiceFailsTheListing() throws Exception {
        try (FakeS3Server server = new FakeS3Server(exchange -> FakeS3Server.answerXml(exchange, 200,
                truncatedPage("<NextContinuationToken>same-token</NextContinuationToken>")))) {
            try (S3Store store = server.store()) {
                assertThatThrownBy(() -> store.list("job/")).isInstanceOf(IOException.class)
                        .hasMessageContaining("s3://b/job/").hasMessageContaining("handed out the marker of a page it had already given");
            }
            assertThat(server.requests()).as("the first page, the repeat, and no more").isEqualTo(2);
        }
    }

    /**
     * A server that says a page is truncated but gives no token for the next one (a server that answers ListObjectsV2
     * as the older ListObjects, with at most NextMarker, or a proxy that drops the element): the listing used to end
     * there, silently, and prune, restore "latest" and list went on with the first 1,000 keys as if they were all.
     * It fails now, naming where: a listing is every key or an error.
     */
    @Test
    void aTruncatedPageWithoutAContinuationTokenFailsTheListing() throws Exception {
        try (FakeS3Server server = new FakeS3Server(exchange -> FakeS3Server.answerXml(exchange, 200, truncatedPage("")));
             S3Store store = server.store()) {
            assertThatThrownBy(() -> store.list("job/")).isInstanceOf(IOException.class)
                    .hasMessageContaining("s3://b/job/").hasMessageContaining("truncated");
            assertThatThrownBy(() -> store.listFolder("job/")).isInstanceOf(IOException.class)
                    .hasMessageContaining("s3://b/job/").hasMessageContaining("truncated");
        }
    }

    /** A truncated ListMultipartUploads page of bucket b with no upload on it, {@code next} (elements or "") before its end. */
    private static String truncatedUploadsPage(String next) {
        return "<ListMultipartUploadsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Bucket>b</Bucket>"
                + "<Prefix>job/</Prefix><MaxUploads>1000</MaxUploads><IsTruncated>true</IsTruncated>" + next
                + "</ListMultipartUploadsResult>";
    }

    /**
     * The same fault in the listing of incomplete multipart uploads (prune's clean-up of abandoned uploads, the backup's
     * check for them): the SDK's paginator asked for the same page for ever, and a prune hung past its job's timeout.
     */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void anUploadsMarkerHandedOutTwiceFailsTheListing() throws Exception {
        try (FakeS3Server server = new FakeS3Server(exchange -> FakeS3Server.answerXml(exchange, 200, truncatedUploadsPage(
                "<NextKeyMarker>job/a.dump</NextKeyMarker><NextUploadIdMarker>u1</NextUploadIdMarker>")));
             S3Store store = server.store()) {
            assertThatThrownBy(() -> store.listUnfinished("job/")).isInstanceOf(IOException.class)
                    .hasMessageContaining("s3://b/job/").hasMessageContaining("handed out the marker of a page it had already given");
            assertThat(server.requests()).as("the first page, the repeat, and no more").isEqualTo(2);
        }
    }

    /** A truncated uploads page without a key marker: the paginator started over at the first page, for ever. */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aTruncatedUploadsPageWithoutAMarkerFailsTheListing() throws Exception {
        try (FakeS3Server server = new FakeS3Server(exchange -> FakeS3Server.answerXml(exchange, 200, truncatedUploadsPage("")));
             S3Store store = server.store()) {
            assertThatThrownBy(() -> store.listUnfinished("job/")).isInstanceOf(IOException.class)
                    .hasMessageContaining("s3://b/job/").hasMessageContaining("truncated");
            assertThat(server.requests()).isEqualTo(1);
        }
    }
}
