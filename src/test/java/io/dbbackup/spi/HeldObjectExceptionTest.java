package io.dbbackup.spi;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.StoredObject;
import io.dbbackup.store.local.LocalStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * {@link Store#deleteAll}'s default ({@link HeldObjectException#deleteEach}) on a real local store whose deletes fail
 * for chosen keys (the faults injected): a lock's refusal, then another failure.
 */
class HeldObjectExceptionTest {
    @TempDir
    Path root;

    /** A local store whose delete of a key in {@code faults} throws what it maps to instead; the default deleteAll. */
    private record Refusing(LocalStore local, Map<String, IOException> faults, Map<String, RuntimeException> unchecked)
            implements Store {
        @Override
        public Upload upload(String key, OperationContext ctx) throws IOException {
            return local.upload(key, ctx);
        }

        @Override
        public InputStream open(String key) throws IOException {
            return local.open(key);
        }

        @Override
        public List<StoredObject> list(String prefix) throws IOException {
            return local.list(prefix);
        }

        @Override
        public Optional<StoredObject> stat(String key) throws IOException {
            return local.stat(key);
        }

        @Override
        public void delete(String key) throws IOException {
            if (faults.containsKey(key)) {
                throw faults.get(key);
            }
            if (unchecked.containsKey(key)) {
                throw unchecked.get(key);
            }
            local.delete(key);
        }

        @Override
        public String describe() {
            return local.describe();
        }
    }

    private List<String> tenWalKeys() throws IOException {
        List<String> keys = IntStream.range(0, 10).mapToObj(i -> "job/wal/00000000000000000000000" + i).toList();
        for (String key : keys) {
            Files.createDirectories(root.resolve(key).getParent());
            Files.writeString(root.resolve(key), key);
        }
        return keys;
    }

    private static HeldObjectException held(String key) {
        return new HeldObjectException("faulty delete " + key + " failed: HTTP 403 AccessDenied (Access Denied because "
                + "object protected by object lock.)");
    }

    /**
     * Two keys held, then a plain (retryable) failure: thrown as that, an IOException and not a HeldObjectException,
     * its line led by the count of the keys held and the first of them; the keys after it not tried. It used to be the
     * failure's own line, the keys held before it lost.
     */
    @Test
    void anotherFailureAfterKeysHeldKeepsTheirCountAndTheFirst() throws Exception {
        List<String> keys = tenWalKeys();
        IOException reset = new IOException("faulty delete " + keys.get(6) + " failed: Connection reset");
        Store store = new Refusing(new LocalStore(root, false),
                Map.of(keys.get(2), held(keys.get(2)), keys.get(4), held(keys.get(4)), keys.get(6), reset), Map.of());
        Throwable t = catchThrowable(() -> store.deleteAll(keys));
        assertThat(t).isInstanceOf(IOException.class).isNotInstanceOf(HeldObjectException.class).hasCause(reset);
        assertThat(t.getMessage()).isEqualTo("delete of 10 objects in local " + root + " failed for 3 of them (4 were "
                + "deleted, 3 not tried): 2 held by a lock, first " + keys.get(2) + "; then faulty delete " + keys.get(6)
                + " failed: Connection reset");
        assertThat(IntStream.range(0, 10).filter(i -> Files.exists(root.resolve(keys.get(i)))).boxed().toList())
                .as("the keys left: the held, the failed, the ones not tried").containsExactly(2, 4, 6, 7, 8, 9);
    }

    /** A permanent failure (a missing permission, its advice) after a key held: still permanent, its advice kept. */
    @Test
    void aPermanentFailureAfterAKeyHeldStaysPermanentWithItsAdvice() throws Exception {
        List<String> keys = tenWalKeys();
        DbBackupException denied = DbBackupException.permanent("faulty delete " + keys.get(9) + " failed: HTTP 403 "
                + "AccessDenied (Access Denied); check the store's credentials", null);
        Store store = new Refusing(new LocalStore(root, false), Map.of(keys.get(0), held(keys.get(0))),
                Map.of(keys.get(9), denied));
        Throwable t = catchThrowable(() -> store.deleteAll(keys));
        assertThat(t).isInstanceOfSatisfying(DbBackupException.class, d -> {
            assertThat(d.retryable()).as("retryable").isFalse();
            assertThat(d.status()).isEqualTo(denied.status());
        }).hasCause(denied);
        assertThat(t.getMessage()).isEqualTo("delete of 10 objects in local " + root + " failed for 2 of them (8 were "
                + "deleted): 1 held by a lock, first " + keys.get(0) + "; then faulty delete " + keys.get(9) + " failed: "
                + "HTTP 403 AccessDenied (Access Denied); check the store's credentials");
    }

    /** Without a key held before it, the failure is thrown as it is (the very exception); the held ones alone, as before. */
    @Test
    void aFailureBeforeAnyKeyHeldIsThrownAsItIsAndKeysHeldAloneAreNamedAtTheEnd() throws Exception {
        List<String> keys = tenWalKeys();
        IOException reset = new IOException("faulty delete " + keys.get(1) + " failed: Connection reset");
        Store store = new Refusing(new LocalStore(root, false), Map.of(keys.get(1), reset, keys.get(3), held(keys.get(3))),
                Map.of());
        assertThat(catchThrowable(() -> store.deleteAll(keys))).isSameAs(reset);

        Store holding = new Refusing(new LocalStore(root, false), Map.of(keys.get(3), held(keys.get(3)),
                keys.get(5), held(keys.get(5))), Map.of());
        assertThat(catchThrowable(() -> holding.deleteAll(keys))).isInstanceOfSatisfying(HeldObjectException.class, h -> {
            assertThat(h.keys()).containsExactly(keys.get(3), keys.get(5));
            assertThat(h.getMessage()).isEqualTo(held(keys.get(3)).getMessage());
        });
    }

    /**
     * A delete whose requests run at once (Azure's), counted as they ended: more than one other failure is counted, the
     * first in the order given said; an interruption stays one.
     */
    @Test
    void aParallelDeleteCountsAsItsRequestsEnded() {
        IOException reset = new IOException("azure delete azure://a/c/k5 failed: Connection reset");
        IOException t = HeldObjectException.heldThen("delete of 12 blobs in azure azure://a/c/", 6, 3, 1, 2,
                "k1: HTTP 409 BlobImmutableDueToPolicy", reset);
        assertThat(t).isExactlyInstanceOf(IOException.class).hasCause(reset).hasMessage("delete of 12 blobs in azure "
                + "azure://a/c/ failed for 5 of them (6 were deleted, 1 not tried): 2 held by a lock, first k1: HTTP 409 "
                + "BlobImmutableDueToPolicy; then 3 failed for another reason, the first: azure delete azure://a/c/k5 "
                + "failed: Connection reset");
        assertThat(HeldObjectException.heldThen("delete of 3 blobs in x", 0, 1, 0, 2, "k1",
                new java.io.InterruptedIOException("azure delete k3 interrupted")))
                .isExactlyInstanceOf(java.io.InterruptedIOException.class)
                .hasMessage("delete of 3 blobs in x failed for 3 of them (none was deleted): 2 held by a lock, first k1; "
                        + "then azure delete k3 interrupted");
    }
}
