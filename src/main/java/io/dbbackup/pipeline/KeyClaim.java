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
     * <p>
     * The same bytes with no artifact yet may still be another run's, between its claim and its commit (the sidecar of
     * a copy is the same in every run; a backup's, for two identical dumps in one second). So the delete is followed by
     * a second look at the key: an artifact there now was committed under that claim, and the identical sidecar is put
     * back. A delete that comes after that look is seen by the owner's {@link #confirm} after its commit, which puts it
     * back in turn: between the two, every interleaving ends with the sidecar in place.
     */
    public static boolean claim(Store store, BackupKey key, byte[] sidecar, OperationContext ctx) throws IOException {
        try {
            return store.putIfAbsent(key.sha256Key(), sidecar, ctx);
        } catch (IOException | RuntimeException failed) {
            try {
                if (Store.holds(store, key.sha256Key(), sidecar) && store.stat(key.key()).isEmpty()) {
                    store.delete(key.sha256Key());
                    if (store.stat(key.key()).isPresent()) {
                        store.putIfAbsent(key.sha256Key(), sidecar, ctx); // another run's, committed meanwhile
                    }
                }
            } catch (IOException | RuntimeException unknown) {
                failed.addSuppressed(unknown); // no way to tell whose it is: left alone
            }
            throw failed;
        }
    }

    /**
     * Run by the owner of a claim right after its commit: looks at the {@code .sha256} once (a stat) and, when it is gone (another
     * run whose claim of the same bytes failed without an answer took it for its own and deleted it before this run
     * committed, see {@link #claim}), puts it back. A sidecar that cannot be read is left as it is (the claim stored it;
     * the next look, a verify's, tells); one that cannot be put back fails the run, its backup committed without it.
     */
    public static void confirm(Store store, BackupKey key, byte[] sidecar, OperationContext ctx) throws IOException {
        boolean there;
        try {
            there = store.stat(key.sha256Key()).isPresent();
        } catch (IOException | RuntimeException unknown) {
            return;
        }
        if (!there) {
            try {
                store.putIfAbsent(key.sha256Key(), sidecar, ctx);
            } catch (IOException | RuntimeException e) {
                throw new IOException(key.key() + " was stored but its " + key.sha256Key() + " was removed by another run "
                        + "and could not be written back: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Run by the holder of a claim right before its commit (one stat): whether nothing is under the key yet, so that
     * an object found there when the commit fails can only be this run's own (its commit applied, the answer lost).
     * An object already there is another run's of the same bytes: one that held the identical claim too (on S3, Azure
     * and SFTP a conditional write refused with this run's very bytes is taken for this run's own retried one,
     * {@link Store#holds}), or a copy committed beside it. A look that fails answers false: nothing is then removed.
     */
    public static boolean vacant(Store store, BackupKey key) {
        try {
            return store.stat(key.key()).isEmpty();
        } catch (IOException | RuntimeException unknown) {
            return false;
        }
    }

    /**
     * Undoes the claim of a run that failed before its commit, best effort, removing only what it can tell is its own.
     * The object under {@code key} is deleted only if {@code ownCommit} (the key was {@link #vacant} right before this
     * run's commit, so what a look finds there now is what that commit stored, its answers lost — a delete of nothing
     * would leave a delete marker in a versioned bucket). An object there otherwise is another run's committed backup
     * or copy of the same bytes, which the identical sidecar describes: it and its sidecars stay, as when the look
     * fails. With no object under the key, the {@code .sha256} is deleted, and then the key looked at again: an object
     * there now was committed meanwhile under that identical claim, and the sidecar is put back (as {@link #claim}
     * does). The manifest is deleted only when it holds this run's {@code manifest} (another run's differs: its times);
     * none when null. A sidecar left without its artifact is never taken for a backup.
     */
    public static void release(Store store, BackupKey key, byte[] sidecar, byte[] manifest, boolean ownCommit,
                               OperationContext ctx) {
        try {
            if (store.stat(key.key()).isPresent()) {
                if (!ownCommit) {
                    return; // another run's, committed under the same bytes: it keeps its sidecars
                }
                store.delete(key.key());
            }
        } catch (IOException | RuntimeException unknown) {
            return; // no way to tell whose it is: left alone
        }
        if (manifest != null && manifestIsOwn(store, key, manifest)) {
            try {
                store.delete(key.manifestKey());
            } catch (IOException | RuntimeException ignored) {
                // best effort
            }
        }
        try {
            store.delete(key.sha256Key());
            if (store.stat(key.key()).isPresent()) {
                store.putIfAbsent(key.sha256Key(), sidecar, ctx); // another run's, committed meanwhile
            }
        } catch (IOException | RuntimeException ignored) {
            // best effort
        }
    }

    /**
     * Whether the manifest under the key holds {@code manifest}; true when it cannot be read (a failed run's cancelled
     * operation refuses downloads): a manifest left without its artifact would stay for good, while another run's,
     * which differs in its times, is only ever replaced by that run's own put.
     */
    private static boolean manifestIsOwn(Store store, BackupKey key, byte[] manifest) {
        try {
            return Store.holds(store, key.manifestKey(), manifest);
        } catch (IOException | RuntimeException unreadable) {
            return true;
        }
    }
}
