package io.dbbackup.store.local;

import io.dbbackup.spi.Store;
import io.dbbackup.spi.StoreContract;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The local folder store under the same contract as S3 and SFTP. */
class LocalStoreTest extends StoreContract {
    private Path root;

    @Override
    protected Store createStore() throws Exception {
        root = Files.createDirectories(scratch.resolve("local-store"));
        return new LocalStore(root, true);
    }

    @Override
    protected void assertNoLeftovers(Store store) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            assertThat(s.filter(p -> p.getFileName().toString().startsWith(LocalStore.TEMP_PREFIX))).isEmpty();
        }
    }
}
