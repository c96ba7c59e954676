package io.dbbackup.pipeline;

import org.junit.jupiter.api.Test;

import io.dbbackup.spi.StoreClosedException;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** A closed store's refusal loses its store only after words that name that store. */
class StoreSaidOnceTest {
    @Test
    void theStoreIsSaidOnceOnlyWhereTheContextNamesIt() {
        IOException wrapped = new IOException("s3 get s3://b/p/k failed: store s3 s3://b/p is closed",
                new RuntimeException(new StoreClosedException("s3 s3://b/p")));
        String said = wrapped.getMessage();

        assertThat(Failures.storeSaidOnce("cannot read k from s3 s3://b/p", wrapped, said))
                .isEqualTo("s3 get s3://b/p/k failed: the store is closed");
        // words that name no store (or another one) keep the store's
        assertThat(Failures.storeSaidOnce("cannot read k", wrapped, said)).isEqualTo(said);
        assertThat(Failures.storeSaidOnce("copy of k to s3 s3://c/q failed", wrapped, said)).isEqualTo(said);
        assertThat(Failures.storeSaidOnce("cannot read k from s3 s3://b/p", new IOException(said), said)).isEqualTo(said);
    }
}
