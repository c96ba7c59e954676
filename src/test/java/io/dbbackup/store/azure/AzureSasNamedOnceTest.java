package io.dbbackup.store.azure;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.Secret;
import io.dbbackup.pipeline.Failures;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * An expired sas_token is refused before any request, in the store's own words ({@code azure store azure://a/c/: the
 * sas_token expired …}). Led by a job's words that name the store (a call site of {@code Failures.map(context, store, t)}),
 * the store is said once; with no words before it, the store's words name it. Nothing listens at the endpoint: nothing
 * is sent.
 */
class AzureSasNamedOnceTest {
    private static final String EXPIRED = "sv=2021-06-08&se=2020-01-01T00%3A00%3A00Z&sp=racwdl&sig=c2VjcmV0";

    private static AzureStore store() {
        return new AzureStore(new AzureSettings(URI.create("http://127.0.0.1:9/acct"), "acct", "cont", "prod/",
                null, new Secret(EXPIRED, "test"), 4L << 20, 2, null, null, null, null));
    }

    @Test
    void anExpiredSasAfterWordsNamingTheStoreNamesItOnce() {
        AzureStore store = store();
        Throwable t = catchThrowable(() -> store.list("app/"));
        assertThat(t).isInstanceOf(DbBackupException.class)
                .hasMessageStartingWith("azure store azure://acct/cont/: the sas_token expired on 2020-01-01T00:00:00Z");

        String context = "cannot list app/ in " + store.describe();
        DbBackupException e = Failures.map(context, store, t);
        assertThat(e.getMessage()).isEqualTo(context + ": the sas_token expired on 2020-01-01T00:00:00Z; make a new one"
                + " (sp=racwdl) and put it where sas_token_env/_file reads it");
        assertThat(e.getMessage().split("azure://acct/cont/", -1)).as(e.getMessage()).hasSize(2);
        assertThat(e.retryable()).isFalse();

        // words that name another store keep the store's own
        DbBackupException other = Failures.map("copy of k to azure azure://acct/cont/prod2/ failed", store, t);
        assertThat(other.getMessage()).contains(": azure store azure://acct/cont/: the sas_token expired");
    }
}
