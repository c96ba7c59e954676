package io.dbbackup.pipeline;

import io.dbbackup.core.BackupKey;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.Store;

import java.io.IOException;

/**
 * The claim of a backup's key by its {@code .sha256} sidecar, shared by a backup ({@link BackupPipeline}) and a copy
 * job's copy: whoever stores the sidecar first owns the key, and only the owner may commit under it — or remove what is
 * under it when it fails.
 */
public final class KeyClaim {
    private KeyClaim() {
    }

    /**
     * {@link Store#putIfAbsent} of {@code sidecar} under {@code key}'s {@code .sha256}: false when another run holds the
     * key. When it fails, what it may have stored is undone: a claim that failed without an answer (a timeout after the
     * service applied the write, a connection lost on the way back) may have stored the sidecar, which would then claim
     * the key for a backup that does not exist. It is read back and deleted only when it holds this run's bytes — a
     * sidecar with other bytes is another run's claim, which it keeps, with its backup; one that cannot be read back is
     * left as it is. The same bytes with an artifact already under the key are another run's too (the same dump of the
     * same second, or the same backup copied, committed): a run commits only after its claim.
     */
    public static boolean claim(Store store, BackupKey key, byte[] sidecar, OperationContext ctx) throws IOException {
        try {
            return store.putIfAbsent(key.sha256Key(), sidecar, ctx);
        } catch (IOException | RuntimeException failed) {
            try {
                if (Store.holds(store, key.sha256Key(), sidecar) && store.stat(key.key()).isEmpty()) {
                    store.delete(key.sha256Key());
                }
            } catch (IOException | RuntimeException unknown) {
                failed.addSuppressed(unknown); // no way to tell whose it is: left alone
            }
            throw failed;
        }
    }
}
