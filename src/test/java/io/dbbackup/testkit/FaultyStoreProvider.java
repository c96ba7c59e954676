package io.dbbackup.testkit;

import io.dbbackup.core.UnfinishedUpload;
import io.dbbackup.spi.ConfigSection;
import io.dbbackup.spi.ForwardingStore;
import io.dbbackup.spi.ForwardingUpload;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.Store;
import io.dbbackup.spi.StoreProvider;
import io.dbbackup.spi.Upload;
import io.dbbackup.store.local.LocalStore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Test-only {@code type: faulty} store: a local folder ({@code path}) that, with {@code corrupt: true},
 * flips one byte in the middle of every backup object right after it was committed (sidecars are left
 * intact), the way bit rot or a broken store would between upload and read-back; with
 * {@code refuse_unfinished: true}, refuses to list unfinished uploads, as an S3 bucket policy without
 * {@code s3:ListBucketMultipartUploads} does; with {@code slow_reads: true}, hands out backups 16 KiB per 20 ms.
 * Two races with another host, played at the worst moment: {@code pin_after_listing: true} pins the oldest backup of
 * a folder right after the folder was listed (a {@code pin} between a prune's listing and its deletes);
 * {@code delete_after_pin: true} deletes a backup right after its pin marker was written (a prune deleting it after
 * the {@code pin} had found it in its listing). {@code refuse_delete_of: .sha256} refuses to delete keys ending so.
 * {@code slow_deletes: true} takes 700 ms to delete a backup (its sidecars at once), for a signal to land mid-prune.
 * {@code damage_first_read: true} flips a byte of the first read of each backup object on its way (the stored bytes
 * intact), as a network or a store's frontend could; {@code damage_second_read: true} the same to the second read of
 * each (a restore's read after its check passed: the object replaced, or damaged on the wire, in between). {@code list_twice: true} lists every object of a folder twice, as
 * a store whose listing pages overlap (an eventually consistent or buggy S3-compatible server) can.
 * {@code slow_manifests: true} takes 700 ms to open a {@code .manifest.json} and finishes that request whatever
 * interrupts it (a store whose requests, once sent, run to their end): the last step of a verify, for a signal to land
 * between two backups' checks. {@code delete_after_listing: N} deletes the N oldest backups of a folder (each with its
 * sidecars) right after the folder was first listed, and still answers the listing as it was: a prune on another host
 * between a {@code verify --all-backups}' listing and its reads. {@code twin: PATH} plays another run of the same copy
 * job that committed while this one copied: the first upload of a backup object puts the copy under that key in folder
 * PATH (object, {@code .sha256}, manifest) into this store before this run writes anything there. With
 * {@code refuse_commit: true} the commit of every backup object fails (a store lost mid-commit), nothing committed.
 * {@code refuse_wal_delete: true} refuses every delete of an archived WAL file as S3 refuses the keys of a multi-object
 * delete that a bucket policy denies: a permanent {@link io.dbbackup.core.DbBackupException} saying what to grant.
 * {@code hold: REGEX} refuses the delete of each key in which that regex finds a match, as an S3 bucket's Object Lock refuses it (a
 * {@link io.dbbackup.spi.HeldObjectException}), single deletes and those of a {@code deleteAll} alike (the others go on).
 * {@code claim_race: NAME} with {@code claim_role: owner} or {@code failing} plays that side of the {@link ClaimRace}
 * the test registered under NAME. {@code credentials_expire: INSTANT} says the store's credentials stop working then
 * (as an Azure SAS token's {@code se=} does). {@code fail_write_after: N} fails the upload of every backup object once
 * N bytes of it were written (a store lost mid-stream: a connection reset), nothing committed. {@code fail_read_after: N}
 * fails every read of a backup object once N bytes of it were read (a download cut mid-stream), the stored bytes intact;
 * with {@code fail_read_from: 2} only its second read and later ones (a restore's load, after its check read it whole).
 * {@code stall_read_after: N} (with {@code fail_read_from} as for {@code fail_read_after}) makes such a read stall once N
 * bytes of it were read, as a black-holed connection does: it waits, deaf to interrupts, until its stream is closed (the
 * store closing the connection: the read then fails at once) or for {@link #STALL_TIMEOUT} (a store's stall timeout),
 * after creating {@code .read-stalled} in the store's folder for a test to wait for.
 * {@code fsync: true} as the local store's. {@code lost_class: true} throws a {@link NoClassDefFoundError} from every folder
 * listing (a class the jar lost: an {@link Error} no job's failure handling catches). {@code stuck_commit: true} makes the
 * commit of every backup object hang 30 s, deaf to interrupts and cancellation (a call that cannot be interrupted), after
 * creating {@code .commit-stuck} in the store's folder for a test to wait for; then it commits. {@code slow_listing: true}
 * makes every folder listing take 2 s, deaf to interrupts (the request runs to its end), after creating {@code .listing}
 * in the store's folder; {@code hung_listing: true} makes it take 90 s so (a black-holed host, its timeouts long). Either
 * ends at once, failing, when the store is closed (its connection closed under the request).
 * {@code overflowing_listing: true} throws a {@link StackOverflowError} from every folder listing (a store plugin's
 * runaway recursion).
 * {@code no_atomic_rename: true} puts the store on a file system that renames nothing in one step
 * (a mount point, some FUSE file systems): a new key is linked in, a commit onto an existing key replaces it through hard
 * links; with {@code no_hard_links: true} too (which also reaches {@code putIfAbsent}), a new key is copied in and a
 * replacement is refused, the old object kept. {@code refuse_manifest_reads: true} fails every
 * read of a {@code .manifest.json} with an {@link IOException} (a store that refuses it: a permission, an archive
 * storage class), the object itself intact.
 */
public final class FaultyStoreProvider implements StoreProvider {
    /** How long a stalled read ({@code stall_read_after}) waits before it times out, unless its stream is closed. */
    public static final java.time.Duration STALL_TIMEOUT = java.time.Duration.ofSeconds(60);

    @Override
    public String type() {
        return "faulty";
    }

    @Override
    public Store create(ConfigSection s) {
        Path path = s.path("path").orElse(null);
        boolean corrupt = s.bool("corrupt").orElse(false);
        boolean refuseUnfinished = s.bool("refuse_unfinished").orElse(false);
        boolean slowReads = s.bool("slow_reads").orElse(false);
        boolean pinAfterListing = s.bool("pin_after_listing").orElse(false);
        boolean deleteAfterPin = s.bool("delete_after_pin").orElse(false);
        String refuseDelete = s.string("refuse_delete_of").orElse(null);
        boolean slowDeletes = s.bool("slow_deletes").orElse(false);
        boolean damageFirstRead = s.bool("damage_first_read").orElse(false);
        boolean damageSecondRead = s.bool("damage_second_read").orElse(false);
        boolean listTwice = s.bool("list_twice").orElse(false);
        boolean slowManifests = s.bool("slow_manifests").orElse(false);
        boolean refuseManifestReads = s.bool("refuse_manifest_reads").orElse(false);
        int deleteAfterListing = s.integer("delete_after_listing", 0, 1000).orElse(0);
        Path twin = s.path("twin").orElse(null);
        boolean refuseCommit = s.bool("refuse_commit").orElse(false);
        boolean refuseWalDelete = s.bool("refuse_wal_delete").orElse(false);
        String hold = s.string("hold").orElse(null);
        String claimRace = s.string("claim_race").orElse(null);
        java.time.Instant credentialsExpire = s.string("credentials_expire").map(java.time.Instant::parse).orElse(null);
        String claimRole = s.string("claim_role").orElse("owner");
        long failWriteAfter = s.integer("fail_write_after", 0, Integer.MAX_VALUE).orElse(-1);
        long failReadAfter = s.integer("fail_read_after", 0, Integer.MAX_VALUE).orElse(-1);
        int failReadFrom = s.integer("fail_read_from", 1, 1000).orElse(1);
        long stallReadAfter = s.integer("stall_read_after", 0, Integer.MAX_VALUE).orElse(-1);
        boolean lostClass = s.bool("lost_class").orElse(false);
        boolean stuckCommit = s.bool("stuck_commit").orElse(false);
        boolean slowListing = s.bool("slow_listing").orElse(false);
        boolean hungListing = s.bool("hung_listing").orElse(false);
        if (path == null) {
            s.error("path", "missing required key 'path'");
            return null;
        }
        LocalStore local = new LocalStore(path, s.bool("fsync").orElse(false));
        if (s.bool("no_atomic_rename").orElse(false)) {
            local = io.dbbackup.store.local.LocalStoreFaults.withoutAtomicRenames(local);
        }
        if (s.bool("no_hard_links").orElse(false)) {
            local = io.dbbackup.store.local.LocalStoreFaults.withoutHardLinks(local);
        }
        FaultyStore store = new FaultyStore(local, corrupt, refuseUnfinished, slowReads, pinAfterListing,
                deleteAfterPin, refuseDelete);
        store.slowDeletes = slowDeletes;
        store.damageFirstRead = damageFirstRead;
        store.damageSecondRead = damageSecondRead;
        store.listTwice = listTwice;
        store.slowManifests = slowManifests;
        store.refuseManifestReads = refuseManifestReads;
        store.deleteAfterListing = deleteAfterListing;
        store.twin = twin;
        store.refuseCommit = refuseCommit;
        store.stuckCommit = stuckCommit;
        store.slowListing = slowListing;
        store.hungListing = hungListing;
        store.refuseWalDelete = refuseWalDelete;
        store.credentialsExpire = credentialsExpire;
        store.hold = hold == null ? null : java.util.regex.Pattern.compile(hold);
        store.failWriteAfter = failWriteAfter;
        store.failReadAfter = failReadAfter;
        store.failReadFrom = failReadFrom;
        store.stallReadAfter = stallReadAfter;
        store.lostClass = lostClass;
        store.overflowingListing = s.bool("overflowing_listing").orElse(false);
        if (claimRace != null) {
            ClaimRace race = ClaimRace.registered(claimRace);
            return claimRole.equals("failing") ? race.failing(store) : race.owner(store);
        }
        return store;
    }

    static final class FaultyStore extends ForwardingStore {
        private final LocalStore local;
        private final boolean corrupt;
        private final boolean refuseUnfinished;
        private final boolean slowReads;
        private final boolean pinAfterListing;
        private final boolean deleteAfterPin;
        /** Keys ending with this cannot be deleted ({@code refuse_delete_of: .sha256}); null: every delete works. */
        private final String refuseDelete;
        private boolean slowDeletes;
        private boolean damageFirstRead;
        private boolean damageSecondRead;
        private boolean listTwice;
        private boolean slowManifests;
        private boolean refuseManifestReads;
        private int deleteAfterListing;
        private Path twin;
        private boolean refuseCommit;
        private boolean stuckCommit;
        private boolean slowListing;
        private boolean hungListing;
        private boolean refuseWalDelete;
        private java.time.Instant credentialsExpire;
        private java.util.regex.Pattern hold;
        private boolean lostClass;
        private boolean overflowingListing;
        /** Counted down when the store is closed: a hung or slow listing ends then, as its connection does. */
        private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
        private long failWriteAfter = -1;
        private long failReadAfter = -1;
        /** The first read of each backup object that {@link #failReadAfter} cuts (1: every read). */
        private int failReadFrom = 1;
        private long stallReadAfter = -1;
        private final java.util.Set<String> prunedFolders = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final java.util.Map<String, Integer> reads = new java.util.concurrent.ConcurrentHashMap<>();

        FaultyStore(LocalStore local, boolean corrupt, boolean refuseUnfinished, boolean slowReads,
                    boolean pinAfterListing, boolean deleteAfterPin, String refuseDelete) {
            super(local);
            this.local = local;
            this.corrupt = corrupt;
            this.refuseUnfinished = refuseUnfinished;
            this.slowReads = slowReads;
            this.pinAfterListing = pinAfterListing;
            this.deleteAfterPin = deleteAfterPin;
            this.refuseDelete = refuseDelete;
        }

        @Override
        public void deleteAll(List<String> keys) throws IOException {
            List<String> wal = keys.stream().filter(k -> k.contains("/wal/")).toList();
            if (refuseWalDelete && !wal.isEmpty()) {
                throw io.dbbackup.core.DbBackupException.permanent("faulty store: delete of " + keys.size() + " objects failed "
                        + "for " + wal.size() + " of them, first " + wal.get(0) + ": AccessDenied (Access Denied); check the "
                        + "store's credentials and the bucket policy", null);
            }
            if (hold != null) {
                io.dbbackup.spi.HeldObjectException.deleteEach(describe(), keys, this::delete);
                return;
            }
            super.deleteAll(keys);
        }

        @Override
        public void delete(String key) throws IOException {
            if (hold != null && hold.matcher(key).find()) {
                throw new io.dbbackup.spi.HeldObjectException("faulty store: HTTP 403 AccessDenied (Access Denied because "
                        + "object protected by object lock.) for " + key);
            }
            if (refuseDelete != null && key.endsWith(refuseDelete)) {
                throw new IOException("faulty store: deleting " + key + " is denied");
            }
            if (slowDeletes && !key.endsWith(".sha256") && !key.endsWith(".manifest.json")) {
                try {
                    Thread.sleep(700);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted");
                }
            }
            delegate.delete(key);
        }

        @Override
        public List<io.dbbackup.core.StoredObject> listFolder(String folder) throws IOException {
            if (lostClass) {
                throw new NoClassDefFoundError("io/dbbackup/Injected");
            }
            if (overflowingListing) {
                throw new StackOverflowError();
            }
            if (slowListing || hungListing) {
                java.nio.file.Files.writeString(local.root().resolve(".listing"), folder);
                long end = System.nanoTime() + (hungListing ? 90_000_000_000L : 2_000_000_000L);
                for (long left; (left = end - System.nanoTime()) > 0; ) {
                    try {
                        if (closed.await(left, java.util.concurrent.TimeUnit.NANOSECONDS)) {
                            throw new IOException("faulty store: the listing of " + folder + " was cut: the store was closed");
                        }
                    } catch (InterruptedException e) {
                        // the request runs to its end, or until its connection is closed: an interrupt does not stop it
                    }
                }
            }
            List<io.dbbackup.core.StoredObject> listed = delegate.listFolder(folder);
            if (listTwice) {
                List<io.dbbackup.core.StoredObject> twice = new java.util.ArrayList<>(listed);
                twice.addAll(listed);
                listed = twice;
            }
            if (pinAfterListing) {
                java.util.Optional<String> oldest = listed.stream().map(io.dbbackup.core.StoredObject::key)
                        .filter(k -> !k.endsWith(".sha256") && !k.endsWith(".manifest.json") && !k.endsWith(".pin")).sorted().findFirst();
                if (oldest.isPresent()) {
                    delegate.put(oldest.get() + ".pin", "{\"note\": \"pinned by another host\"}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8), null);
                }
            }
            if (deleteAfterListing > 0 && prunedFolders.add(folder)) {
                for (String backup : listed.stream().map(io.dbbackup.core.StoredObject::key).filter(k -> !k.endsWith(".sha256")
                        && !k.endsWith(".manifest.json") && !k.endsWith(".pin")).distinct().sorted().limit(deleteAfterListing).toList()) {
                    delegate.delete(backup);
                    delegate.delete(backup + ".sha256");
                    delegate.delete(backup + ".manifest.json");
                }
            }
            return listed;
        }

        @Override
        public void put(String key, byte[] bytes, OperationContext ctx) throws IOException {
            delegate.put(key, bytes, ctx);
            if (deleteAfterPin && key.endsWith(".pin")) {
                delegate.delete(key.substring(0, key.length() - ".pin".length()));
            }
        }

        @Override
        public java.util.Optional<java.time.Instant> credentialsExpire() {
            return java.util.Optional.ofNullable(credentialsExpire);
        }

        @Override
        public List<UnfinishedUpload> listUnfinished(String prefix) throws IOException {
            if (refuseUnfinished) {
                throw new IOException("faulty store: listing unfinished uploads under " + prefix + " is denied");
            }
            return delegate.listUnfinished(prefix);
        }

        @Override
        public Upload upload(String key, OperationContext ctx) throws IOException {
            boolean object = !key.endsWith(".sha256") && !key.endsWith(".manifest.json");
            if (twin != null && object && java.nio.file.Files.exists(twin.resolve(key))
                    && !java.nio.file.Files.exists(local.root().resolve(key))) {
                for (String k : List.of(key + ".sha256", key + ".manifest.json", key)) { // the other run's order: commit last
                    delegate.put(k, java.nio.file.Files.readAllBytes(twin.resolve(k)), ctx);
                }
            }
            Upload real = delegate.upload(key, ctx);
            java.io.OutputStream failing = failWriteAfter < 0 || !object ? real.stream() : new java.io.FilterOutputStream(real.stream()) {
                private long written;

                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    if ((written += len) > failWriteAfter) {
                        throw new IOException("faulty store: connection reset while uploading " + key);
                    }
                    out.write(b, off, len);
                }
            };
            return new ForwardingUpload(real) {
                @Override
                public java.io.OutputStream stream() {
                    return failing;
                }

                @Override
                public void commit() throws IOException {
                    if (refuseCommit && object) {
                        throw new IOException("faulty store: the commit of " + key + " failed");
                    }
                    if (stuckCommit && object) {
                        java.nio.file.Files.writeString(local.root().resolve(".commit-stuck"), key);
                        long end = System.nanoTime() + 30_000_000_000L;
                        for (long left; (left = end - System.nanoTime()) > 0; ) {
                            try {
                                Thread.sleep(Math.max(1, left / 1_000_000));
                            } catch (InterruptedException e) {
                                // nothing here stops it
                            }
                        }
                    }
                    super.commit();
                    if (corrupt && !key.endsWith(".sha256") && !key.endsWith(".manifest.json")) {
                        TestBytes.flipMiddleByte(local.root().resolve(key));
                    }
                }
            };
        }

        @Override
        public InputStream open(String key) throws IOException {
            if (refuseManifestReads && key.endsWith(".manifest.json")) {
                throw new IOException("faulty store: reading " + key + " is denied");
            }
            if (slowManifests && key.endsWith(".manifest.json")) {
                long end = System.nanoTime() + 700_000_000L;
                for (long left; (left = end - System.nanoTime()) > 0; ) {
                    try {
                        Thread.sleep(Math.max(1, left / 1_000_000));
                    } catch (InterruptedException e) {
                        // the request runs to its end: nothing here stops it
                    }
                }
            }
            int read = key.endsWith(".sha256") || key.endsWith(".manifest.json") ? 0 : reads.merge(key, 1, Integer::sum);
            InputStream in = read < failReadFrom ? delegate.open(key) : stallAfter(cutAfter(delegate.open(key), key), key);
            if (damageFirstRead && read == 1 || damageSecondRead && read == 2) {
                return new java.io.FilterInputStream(in) { // byte 1000 flipped on its way; the file is intact
                    private long at;

                    @Override
                    public int read() throws IOException {
                        int b = super.read();
                        return b < 0 ? b : (at++ == 1000 ? b ^ 0x01 : b);
                    }

                    @Override
                    public int read(byte[] buf, int off, int len) throws IOException {
                        int n = super.read(buf, off, len);
                        if (n > 0 && at <= 1000 && at + n > 1000) {
                            buf[off + (int) (1000 - at)] ^= 0x01;
                        }
                        at += Math.max(n, 0);
                        return n;
                    }
                };
            }
            if (!slowReads || key.endsWith(".sha256") || key.endsWith(".manifest.json")) {
                return in;
            }
            return new java.io.FilterInputStream(in) { // 16 KiB per 20 ms: a slow link, for a signal to land mid-read
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new java.io.InterruptedIOException("interrupted");
                    }
                    return in.read(b, off, Math.min(len, 16 << 10));
                }
            };
        }

        /** {@code in}, failing once {@code fail_read_after} bytes of it were read when {@code key} is a backup object. */
        private InputStream cutAfter(InputStream in, String key) {
            if (failReadAfter < 0 || key.endsWith(".sha256") || key.endsWith(".manifest.json")) {
                return in;
            }
            return new java.io.FilterInputStream(in) {
                private long read;

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (read >= failReadAfter) {
                        throw new IOException("faulty store: connection reset while downloading " + key);
                    }
                    int n = super.read(b, off, (int) Math.min(len, failReadAfter - read));
                    read += Math.max(n, 0);
                    return n;
                }
            };
        }

        /** {@code in}, stalling once {@code stall_read_after} bytes of it were read when {@code key} is a backup object. */
        private InputStream stallAfter(InputStream in, String key) {
            if (stallReadAfter < 0 || key.endsWith(".sha256") || key.endsWith(".manifest.json")) {
                return in;
            }
            java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
            return new java.io.FilterInputStream(in) {
                private long read;

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (read >= stallReadAfter) {
                        stall();
                    }
                    int n = super.read(b, off, (int) Math.min(len, stallReadAfter - read));
                    read += Math.max(n, 0);
                    return n;
                }

                private void stall() throws IOException {
                    java.nio.file.Files.writeString(local.root().resolve(".read-stalled"), key);
                    long end = System.nanoTime() + STALL_TIMEOUT.toNanos();
                    for (long left; (left = end - System.nanoTime()) > 0; ) {
                        try {
                            if (closed.await(left, java.util.concurrent.TimeUnit.NANOSECONDS)) {
                                throw new IOException("faulty store: the stalled download of " + key + " was closed");
                            }
                        } catch (InterruptedException e) {
                            // a blocked socket read does not hear interrupts either
                        }
                    }
                    throw new java.net.SocketTimeoutException("faulty store: the download of " + key + " stalled for "
                            + STALL_TIMEOUT.toSeconds() + " s");
                }

                @Override
                public void close() throws IOException {
                    closed.countDown();
                    super.close();
                }
            };
        }

        @Override
        public String describe() {
            return "faulty " + local.root();
        }

        @Override
        public void close() throws IOException {
            closed.countDown();
            super.close();
        }
    }
}
