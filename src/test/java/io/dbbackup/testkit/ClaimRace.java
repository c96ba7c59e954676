package io.dbbackup.testkit;

import io.dbbackup.spi.ForwardingStore;
import io.dbbackup.spi.ForwardingUpload;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.Store;
import io.dbbackup.spi.Upload;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Two runs that claim one key with the same {@code .sha256} bytes (two copies of one backup, or two identical dumps in
 * one second), played in one order on a real store: the {@link #owner} claims the key; then the {@link #failing} run's
 * claim throws without storing anything (a local I/O error before the link, a remote request whose retries all failed),
 * reads the key back, finds the owner's identical sidecar with no artifact yet, and deletes it — {@link When#BEFORE_COMMIT}
 * of the owner (the owner commits only once the failing run is over) or {@link When#AFTER_COMMIT} (the owner commits
 * once the failing run looked for its artifact, and that run's delete waits until the owner's run is over). The test calls {@link #failingDone} and {@link #ownerDone} when each run returns.
 */
public final class ClaimRace {
    /** When the failing run's delete of the sidecar lands, against the owner's commit. */
    public enum When { BEFORE_COMMIT, AFTER_COMMIT }

    private static final long WAIT_SECONDS = 60;
    private final When when;
    private final String artifactKey;
    private final CountDownLatch ownerClaimed = new CountDownLatch(1);
    private final CountDownLatch failingOver = new CountDownLatch(1);
    private final CountDownLatch ownerOver = new CountDownLatch(1);
    private final CountDownLatch failingLooked = new CountDownLatch(1);
    private volatile boolean failingDeleted;
    private volatile boolean claimFailed;

    private static final java.util.Map<String, ClaimRace> REGISTERED = new java.util.concurrent.ConcurrentHashMap<>();

    /** This race, for the {@code faulty} store's {@code claim_race: NAME} (a run through the CLI). */
    public ClaimRace register(String name) {
        REGISTERED.put(name, this);
        return this;
    }

    static ClaimRace registered(String name) {
        ClaimRace race = REGISTERED.get(name);
        if (race == null) {
            throw new IllegalStateException("test: no claim race registered as " + name);
        }
        return race;
    }

    public ClaimRace(When when, String artifactKey) {
        this.when = when;
        this.artifactKey = artifactKey;
    }

    /** Whether the failing run deleted the sidecar (the race took place as played). */
    public boolean failingDeleted() {
        return failingDeleted;
    }

    public void failingDone() {
        failingOver.countDown();
    }

    public void ownerDone() {
        ownerOver.countDown();
    }

    private static void await(CountDownLatch latch, String what) throws IOException {
        try {
            if (!latch.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IOException("test: gave up waiting for " + what);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("test: interrupted waiting for " + what);
        }
    }

    /** The owner's view of {@code real}: tells when it claimed; its artifact's commit waits as played. */
    public Store owner(Store real) {
        return new ForwardingStore(real) {
            @Override
            public boolean putIfAbsent(String key, byte[] content, OperationContext ctx) throws IOException {
                boolean claimed = delegate.putIfAbsent(key, content, ctx);
                if (key.equals(artifactKey + ".sha256")) {
                    ownerClaimed.countDown();
                }
                return claimed;
            }

            @Override
            public Upload upload(String key, OperationContext ctx) throws IOException {
                Upload up = delegate.upload(key, ctx);
                if (!key.equals(artifactKey)) {
                    return up;
                }
                return new ForwardingUpload(up) {
                    @Override
                    public void commit() throws IOException {
                        if (when == When.BEFORE_COMMIT) {
                            await(failingOver, "the failing run to end");
                        } else {
                            await(failingLooked, "the failing run's look for an artifact");
                        }
                        delegate.commit();
                    }
                };
            }
        };
    }

    /** The failing run's view of {@code real}: its claim throws once the owner holds the key; its delete waits as played. */
    public Store failing(Store real) {
        return new ForwardingStore(real) {
            @Override
            public boolean putIfAbsent(String key, byte[] content, OperationContext ctx) throws IOException {
                if (!key.equals(artifactKey + ".sha256") || claimFailed) {
                    return delegate.putIfAbsent(key, content, ctx); // a write after the claim (a sidecar put back) lands
                }
                claimFailed = true;
                await(ownerClaimed, "the owner's claim");
                throw new IOException("injected fault: claim of " + key + " failed without an answer");
            }

            @Override
            public java.util.Optional<io.dbbackup.core.StoredObject> stat(String key) throws IOException {
                java.util.Optional<io.dbbackup.core.StoredObject> found = delegate.stat(key);
                if (key.equals(artifactKey) && claimFailed) {
                    failingLooked.countDown();
                }
                return found;
            }

            @Override
            public void delete(String key) throws IOException {
                if (key.equals(artifactKey + ".sha256") && when == When.AFTER_COMMIT) {
                    await(ownerOver, "the owner's run to end");
                }
                delegate.delete(key);
                failingDeleted |= key.equals(artifactKey + ".sha256");
            }
        };
    }
}
