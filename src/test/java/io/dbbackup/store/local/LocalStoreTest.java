package io.dbbackup.store.local;

import io.dbbackup.spi.Store;
import io.dbbackup.spi.StoreContract;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
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

    /**
     * A file system that renames nothing in one step (EXDEV within a folder: the key a mount point, some FUSE file
     * systems) refuses the commit's atomic rename. Files.move without ATOMIC_MOVE deletes the old object first and then
     * copies the new one in; a copy that fails (here: no space, as the JDK's move does it) lost both, the new one with the
     * temporary file the abort removed. Now the old object is kept and the commit fails saying so (where the file system
     * makes no hard links either: with them it is replaced, below); a new key still lands.
     */
    @Test
    void aFileSystemWithoutAtomicRenamesNeverLosesTheOldObject() throws Exception {
        Path base = Files.createDirectories(scratch.resolve("no-atomic"));
        LocalStore store = LocalStoreFaults.withoutHardLinks(new LocalStore(base, false)).movingWith((from, to, options) -> {
            java.util.List<java.nio.file.CopyOption> o = java.util.List.of(options);
            if (o.contains(java.nio.file.StandardCopyOption.ATOMIC_MOVE)) {
                throw new java.nio.file.AtomicMoveNotSupportedException(from.toString(), to.toString(), "Invalid cross-device link");
            }
            if (Files.exists(to)) {
                if (!o.contains(java.nio.file.StandardCopyOption.REPLACE_EXISTING)) {
                    throw new java.nio.file.FileAlreadyExistsException(to.toString());
                }
                Files.delete(to); // what the JDK's move does first, before its rename fails with EXDEV and it copies
                throw new FileSystemException(to.toString(), null, "No space left on device");
            }
            Files.move(from, to, options);
        });
        store.put("app/app-20260101-040000.sql.gz.sha256", "old".getBytes(), ctx());

        Throwable t = org.assertj.core.api.Assertions.catchThrowable(
                () -> store.put("app/app-20260101-040000.sql.gz.sha256", "new".getBytes(), ctx()));

        assertThat(Files.readString(base.resolve("app/app-20260101-040000.sql.gz.sha256"))).as("the old object")
                .isEqualTo("old");
        assertThat(t).isInstanceOf(IOException.class).hasMessageContaining("cannot replace " + base
                + "/app/app-20260101-040000.sql.gz.sha256: the file system cannot rename onto it in one step")
                .hasMessageEndingWith("the old object is kept, the new one was not stored");
        try (Stream<Path> s = Files.list(base.resolve("app"))) {
            assertThat(s.map(p -> p.getFileName().toString())).as("no temporary file left")
                    .containsExactly("app-20260101-040000.sql.gz.sha256");
        }
    }

    /**
     * Without an atomic rename, a NEW key was moved in by Files.move, which copies into the final name: a process killed
     * mid-copy (SIGKILL, OOM, power loss) left a partial file under the key. The kill is injected where the store puts
     * the object under its key: the copy writes part of the file and dies; a link dies before it links (a link is whole
     * or absent). Nothing may be under the key afterwards; the object is linked in, so no copy runs at all.
     */
    @Test
    void aNewKeyWithoutAtomicRenamesIsNeverPartialWhenKilledWhileMovedIn() throws Exception {
        Path base = Files.createDirectories(scratch.resolve("no-atomic-new"));
        class Killed extends Error {
        }
        java.util.List<String> copies = new java.util.ArrayList<>();
        LocalStore store = new LocalStore(base, true).movingWith((from, to, options) -> {
            if (java.util.List.of(options).contains(java.nio.file.StandardCopyOption.ATOMIC_MOVE)) {
                throw new java.nio.file.AtomicMoveNotSupportedException(from.toString(), to.toString(), "Invalid cross-device link");
            }
            copies.add(to.getFileName().toString());
            byte[] all = Files.readAllBytes(from);
            Files.write(to, java.util.Arrays.copyOf(all, all.length / 2), java.nio.file.StandardOpenOption.CREATE_NEW);
            throw new Killed(); // the process dies mid-copy: nothing of the store's runs after this
        }).linkingWith((link, existing) -> {
            throw new Killed(); // dies before the link: the key is absent (after it, whole)
        });

        org.assertj.core.api.Assertions.catchThrowable(
                () -> store.put("app/app-20260101-040000.sql.gz", "the whole backup".getBytes(), ctx()));

        assertThat(base.resolve("app/app-20260101-040000.sql.gz")).as("a part of the object under its key").doesNotExist();
        assertThat(copies).as("copied into the final name").isEmpty();
    }

    /** Without an atomic rename a new key is linked in whole and its temporary file removed; nothing left beside it. */
    @Test
    void aNewKeyWithoutAtomicRenamesIsLinkedIn() throws Exception {
        Path base = Files.createDirectories(scratch.resolve("no-atomic-link-new"));
        java.util.List<String> copies = new java.util.ArrayList<>();
        LocalStore store = new LocalStore(base, true).movingWith((from, to, options) -> {
            if (java.util.List.of(options).contains(java.nio.file.StandardCopyOption.ATOMIC_MOVE)) {
                throw new java.nio.file.AtomicMoveNotSupportedException(from.toString(), to.toString(), "Invalid cross-device link");
            }
            copies.add(to.getFileName().toString());
            Files.move(from, to, options);
        });

        store.put("app/app-20260101-040000.sql.gz", "the whole backup".getBytes(), ctx());

        assertThat(Files.readString(base.resolve("app/app-20260101-040000.sql.gz"))).isEqualTo("the whole backup");
        assertThat(copies).as("copied into the final name").isEmpty();
        try (Stream<Path> s = Files.list(base.resolve("app"))) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("app-20260101-040000.sql.gz");
        }
    }

    /**
     * putIfAbsent links with the store's link (the no_hard_links fault reaches it): where links fail it still stores a
     * new key and still refuses a taken one, and never through Files.createLink behind the fault's back.
     */
    @Test
    void putIfAbsentLinksThroughTheStoresLink() throws Exception {
        Path base = Files.createDirectories(scratch.resolve("no-links-exclusive"));
        java.util.List<String> links = new java.util.ArrayList<>();
        LocalStore store = new LocalStore(base, false).linkingWith((link, existing) -> {
            links.add(link.getFileName().toString());
            throw new FileSystemException(link.toString(), existing.toString(), "Operation not permitted");
        });

        assertThat(store.putIfAbsent("app/app.sql.gz.sha256", "first".getBytes(), ctx())).isTrue();
        assertThat(store.putIfAbsent("app/app.sql.gz.sha256", "second".getBytes(), ctx())).isFalse();

        assertThat(links).as("links asked of the store's link").containsExactly("app.sql.gz.sha256", "app.sql.gz.sha256");
        assertThat(Files.readString(base.resolve("app/app.sql.gz.sha256"))).isEqualTo("first");
        try (Stream<Path> s = Files.list(base.resolve("app"))) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("app.sql.gz.sha256");
        }
    }

    /**
     * Without an atomic rename, an existing object is replaced through hard links: the old one linked aside, the key
     * unlinked, the new one (whole, fsynced) linked in. It was refused ("cannot replace"), so that a copy job's re-copy
     * of an archived WAL file cut short failed every run. Nothing is left beside the key.
     */
    @Test
    void aFileSystemWithoutAtomicRenamesReplacesThroughHardLinks() throws Exception {
        Path base = Files.createDirectories(scratch.resolve("no-atomic-links"));
        LocalStore store = LocalStoreFaults.withoutAtomicRenames(new LocalStore(base, true));
        store.put("wal/000000010000000000000002-ab", "cut".getBytes(), ctx());

        store.put("wal/000000010000000000000002-ab", "the whole segment".getBytes(), ctx());

        assertThat(Files.readString(base.resolve("wal/000000010000000000000002-ab"))).isEqualTo("the whole segment");
        try (Stream<Path> s = Files.list(base.resolve("wal"))) {
            assertThat(s.map(p -> p.getFileName().toString())).as("nothing left beside the key")
                    .containsExactly("000000010000000000000002-ab");
        }
        assertThat(store.listSetAside("")).isEmpty();
    }

    /** A link in that fails once the key was unlinked puts the old object back under the key; nothing left aside. */
    @Test
    void aReplacementWhoseLinkInFailsPutsTheOldObjectBack() throws Exception {
        Path base = Files.createDirectories(scratch.resolve("no-atomic-link-in"));
        LocalStore store = LocalStoreFaults.withoutAtomicRenames(new LocalStore(base, false)).linkingWith((link, existing) -> {
            if (existing.getFileName().toString().startsWith(LocalStore.TEMP_PREFIX)
                    && !existing.getFileName().toString().endsWith(LocalStore.REPLACED)) {
                throw new FileSystemException(link.toString(), null, "No space left on device");
            }
            Files.createLink(link, existing);
        });
        store.put("app/app.pin", "old".getBytes(), ctx());

        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> store.put("app/app.pin", "new".getBytes(), ctx()));

        assertThat(t).isInstanceOf(IOException.class).hasMessageContaining("cannot replace " + base.resolve("app/app.pin"))
                .hasMessageEndingWith("the old object is back under it; the new one was not stored");
        assertThat(Files.readString(base.resolve("app/app.pin"))).isEqualTo("old");
        try (Stream<Path> s = Files.list(base.resolve("app"))) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("app.pin");
        }
    }

    /**
     * A link in that fails and a put-back that fails too: the error says where the old object is kept, and the store
     * reports it as set aside (the key's only copy) until someone renames it back.
     */
    @Test
    void aReplacementThatCannotPutTheOldObjectBackSaysWhereItIs() throws Exception {
        Path base = Files.createDirectories(scratch.resolve("no-atomic-no-back"));
        LocalStore store = LocalStoreFaults.withoutAtomicRenames(new LocalStore(base, false)).linkingWith((link, existing) -> {
            if (!link.getFileName().toString().startsWith(LocalStore.TEMP_PREFIX)) {
                throw new FileSystemException(link.toString(), null, "Input/output error"); // every link onto the key
            }
            Files.createLink(link, existing);
        });
        store.put("app/app.pin", "old".getBytes(), ctx());

        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> store.put("app/app.pin", "new".getBytes(), ctx()));

        java.util.List<io.dbbackup.core.UnfinishedUpload> aside = store.listSetAside("app/");
        assertThat(aside).extracting(io.dbbackup.core.UnfinishedUpload::key).containsExactly("app/app.pin");
        Path kept = base.resolve(aside.get(0).name());
        assertThat(Files.readString(kept)).isEqualTo("old");
        assertThat(t).isInstanceOf(IOException.class).hasMessageContaining("cannot replace " + base.resolve("app/app.pin"))
                .hasMessageContaining("the object it was to replace could not be put back")
                .hasMessageEndingWith("is kept as " + kept + " (rename it back to " + base.resolve("app/app.pin") + ")");
        assertThat(Files.exists(base.resolve("app/app.pin"))).isFalse();
        assertThat(store.listUnfinished("app/")).as("the new object's temporary file removed by the abort").isEmpty();
    }

    /**
     * An old object a killed replacement left linked aside is reported as set aside (maybe the key's only copy): never
     * listed as an object, nor as an abandoned upload that prune would remove.
     */
    @Test
    void anObjectSetAsideByAKilledReplacementIsReportedNeverListed() throws Exception {
        Path base = Files.createDirectories(scratch.resolve("aside"));
        LocalStore store = new LocalStore(base, false);
        Files.writeString(Files.createDirectories(base.resolve("app")).resolve(LocalStore.TEMP_PREFIX + "app.pin.0a1b2c3d"
                + LocalStore.REPLACED), "old");

        assertThat(store.listSetAside("app/")).extracting(io.dbbackup.core.UnfinishedUpload::key,
                io.dbbackup.core.UnfinishedUpload::name).containsExactly(org.assertj.core.groups.Tuple.tuple("app/app.pin",
                "app/" + LocalStore.TEMP_PREFIX + "app.pin.0a1b2c3d" + LocalStore.REPLACED));
        assertThat(store.listSetAside("other/")).isEmpty();
        assertThat(store.list("app/")).isEmpty();
        assertThat(store.listUnfinished("app/")).isEmpty();
    }

    /** A missing folder is a store nothing was written to yet; a path that names a file is an error, never "no backups". */
    @Test
    void aStorePathThatIsAFileFailsTheListingAndAMissingOneIsEmpty() throws Exception {
        assertThat(new LocalStore(scratch.resolve("not-yet"), false).list("app/")).isEmpty();
        assertThat(new LocalStore(scratch.resolve("not-yet"), false).listFolder("app/")).isEmpty();
        Path file = Files.writeString(scratch.resolve("a-file"), "x");
        LocalStore store = new LocalStore(file, false);
        for (org.assertj.core.api.ThrowableAssert.ThrowingCallable listing : java.util.List.<org.assertj.core.api.ThrowableAssert.ThrowingCallable>of(
                () -> store.list("app/"), () -> store.listFolder("app/"), () -> store.listUnfinished("app/"))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(listing).isInstanceOf(IOException.class)
                    .hasMessage("the store's path is not a folder");
        }
    }

    /** The JDK says a refused create as the bare path and a full disk as the bare reason; the store says both and itself. */
    /** A job folder that is a link to another disk lists what was written through it (retention and restore see it). */
    @Test
    void aJobFolderThatIsALinkIsListed() throws Exception {
        Path disk = java.nio.file.Files.createDirectories(scratch.resolve("bigdisk"));
        java.nio.file.Files.writeString(disk.resolve("app-20261201-010000.sql.gz"), "x");
        Path root = java.nio.file.Files.createDirectories(scratch.resolve("linked/prod"));
        java.nio.file.Files.createSymbolicLink(root.resolve("app"), disk);
        LocalStore store = new LocalStore(scratch.resolve("linked"), false);
        assertThat(store.listFolder("prod/app/")).extracting(io.dbbackup.core.StoredObject::key)
                .containsExactly("prod/app/app-20261201-010000.sql.gz");
    }

    /** Through a link, to a store's path or to a folder on it, one folder is one location (the shared-folder check). */
    @Test
    void aFolderReachedThroughALinkHasTheLocationOfTheRealOne() throws Exception {
        Path real = Files.createDirectories(scratch.resolve("store6"));
        Files.createSymbolicLink(scratch.resolve("link6"), real);
        Files.createSymbolicLink(scratch.resolve("plink"), Files.createDirectories(real.resolve("p")));
        String location = new LocalStore(real, false).location("p/small/");
        assertThat(location).isEqualTo("local " + real.toRealPath() + "/p/small/");
        assertThat(new LocalStore(scratch.resolve("link6"), false).location("p/small/")).isEqualTo(location);
        assertThat(new LocalStore(scratch.resolve("plink"), false).location("small/")).isEqualTo(location);
        assertThat(new LocalStore(scratch.resolve("link6/../store6"), false).location("p/small/")).isEqualTo(location);
        assertThat(new LocalStore(scratch.resolve("not-yet"), false).location("p/small/"))
                .isEqualTo("local " + scratch.toRealPath() + "/not-yet/p/small/");
        assertThat(new LocalStore(scratch.resolve("other"), false).location("p/small/")).isNotEqualTo(location);
    }

    @Test
    void aFailedWriteNamesTheStoreTheFileAndTheReason() throws Exception {
        LocalStore store = new LocalStore(scratch, false);
        Path file = scratch.resolve("shop/shop-20260101-030000.sqlite.zst");
        assertThat(store.failure("create", file, new AccessDeniedException(file.toString())).getMessage())
                .isEqualTo("local store " + scratch + ": cannot create " + file + ": permission denied");
        assertThat(store.failure("write", file, new IOException("No space left on device")).getMessage())
                .isEqualTo("local store " + scratch + ": cannot write " + file + ": No space left on device");
        assertThat(store.failure("flush", file, new FileSystemException(file.toString(), null, "Input/output error")).getMessage())
                .isEqualTo("local store " + scratch + ": cannot flush " + file + ": Input/output error");
        ClosedByInterruptException cancelled = new ClosedByInterruptException();
        assertThat(store.failure("write", file, cancelled)).as("a cancelled backup's error passes unchanged").isSameAs(cancelled);
    }

    /** An fsyncing store flushes a large upload as it grows (the thread is there mid-upload), and the bytes land whole. */
    @Test
    void aLargeUploadIsFlushedAsItIsWrittenAndLandsWhole() throws Exception {
        byte[] data = new byte[8 << 20];
        new java.util.Random(7).nextBytes(data);
        String key = "app/app-20260101-030000.dump.zst";
        LocalStore store = new LocalStore(scratch.resolve("wb"), true, 1 << 20);
        try (io.dbbackup.spi.Upload up = store.upload(key, null)) {
            up.stream().write(data, 0, 4 << 20);
            assertThat(WriteBehindTest.threadNamed("fsync-app-20260101-030000.dump.zst")).as("flushing beside the writing").isTrue();
            up.stream().write(data, 4 << 20, data.length - (4 << 20));
            up.commit();
        }
        assertThat(WriteBehindTest.threadNamed("fsync-app-20260101-030000.dump.zst")).as("the thread ends with the upload").isFalse();
        assertThat(Files.readAllBytes(scratch.resolve("wb").resolve(key))).isEqualTo(data);

        LocalStore noFsync = new LocalStore(scratch.resolve("wb2"), false, 1 << 20);
        try (io.dbbackup.spi.Upload up = noFsync.upload(key, null)) {
            up.stream().write(data);
            assertThat(WriteBehindTest.threadNamed("fsync-app-20260101-030000.dump.zst")).as("fsync: false flushes nothing").isFalse();
            up.commit();
        }
    }

    @Test
    void anAbortedLargeUploadLeavesNothingAndNoThread() throws Exception {
        LocalStore store = new LocalStore(scratch.resolve("wb3"), true, 1 << 20);
        try (io.dbbackup.spi.Upload up = store.upload("app/app-20260101-040000.dump.zst", null)) {
            up.stream().write(new byte[3 << 20]);
            up.abort();
        }
        assertThat(WriteBehindTest.threadNamed("fsync-app-20260101-040000.dump.zst")).isFalse();
        assertThat(scratch.resolve("wb3")).doesNotExist(); // nor the folders made for it
    }

    /** A backup that never landed left its job folder (and the store's) behind, empty (config audit finding 1). */
    @Test
    void anAbortedUploadRemovesTheFoldersItMadeAndOnlyThose() throws Exception {
        Path base = scratch.resolve("made");
        LocalStore store = new LocalStore(base.resolve("store"), false);
        try (io.dbbackup.spi.Upload up = store.upload("daily/app/app-20260101-040000.sql.gz", null)) {
            up.stream().write(new byte[10]);
            up.abort();
        }
        assertThat(base.resolve("store")).doesNotExist();

        Files.createDirectories(base.resolve("store/daily"));
        try (io.dbbackup.spi.Upload up = store.upload("daily/app/app-20260101-040000.sql.gz", null)) {
            up.abort();
        }
        assertThat(base.resolve("store/daily")).isEmptyDirectory();

        try (io.dbbackup.spi.Upload up = store.upload("daily/app/app-20260101-040000.sql.gz", null)) {
            Files.writeString(base.resolve("store/daily/other"), "x"); // something else arrived meanwhile
            up.abort();
        }
        assertThat(base.resolve("store/daily/app")).doesNotExist();
        assertThat(base.resolve("store/daily/other")).exists();
    }

    /**
     * A backup deleted again by the run that stored it (one that failed its read-back) took the folders its upload made
     * with it once they are empty; a folder that was there before stays, as does one still holding something.
     */
    @Test
    void deletingWhatThisStoreCommittedRemovesTheFoldersItMadeOnceEmpty() throws Exception {
        Path base = Files.createDirectories(scratch.resolve("deleted/store/daily"));
        LocalStore store = new LocalStore(base.getParent(), false);
        String key = "daily/app/db/db-20260101-040000.sql.gz";
        store.put(key, new byte[10], null);
        store.put(key + ".sha256", new byte[10], null);
        store.delete(key);
        assertThat(base.resolve("app/db")).as("still holding the sidecar").isDirectory();
        store.delete(key + ".sha256");
        assertThat(base.resolve("app")).as("made for the backup").doesNotExist();
        assertThat(base).as("there before").isEmptyDirectory();

        store.put(key, new byte[10], null);
        store.put("daily/app/other", new byte[1], null);
        store.delete(key);
        assertThat(base.resolve("app/other")).exists();
        assertThat(base.resolve("app/db")).doesNotExist();
    }

    /**
     * A folder this store made that someone replaced meanwhile with a symbolic link (the job's folder moved to a bigger
     * disk and linked back) is not removed when the backup in it is deleted: only an empty real folder goes, as the SFTP
     * server's RMDIR would have it. The link was unlinked, whatever its target held (Files.delete removes what is there).
     */
    @Test
    void aFolderItMadeThatIsALinkNowStaysWhenItsBackupIsDeleted() throws Exception {
        Path root = Files.createDirectories(scratch.resolve("linked/store"));
        LocalStore store = new LocalStore(root, false);
        String key = "daily/app/db-20260101-040000.sql.gz";
        store.put(key, new byte[10], null);
        Path moved = Files.createDirectories(scratch.resolve("linked/bigger"));
        Files.move(root.resolve("daily"), moved.resolve("daily"));
        Files.createSymbolicLink(root.resolve("daily"), moved.resolve("daily"));
        Files.writeString(moved.resolve("daily/kept"), "x");

        store.delete(key);
        assertThat(moved.resolve("daily/app/db-20260101-040000.sql.gz")).doesNotExist();
        assertThat(root.resolve("daily")).as("the link put there meanwhile").isSymbolicLink();
        assertThat(moved.resolve("daily/kept")).exists();

        Path made = root.resolve("other");
        try (io.dbbackup.spi.Upload up = store.upload("other/db-20260101-040000.sql.gz", null)) {
            up.stream().write(new byte[10]);
            Files.delete(made.resolve(made.toFile().list()[0])); // the temporary file
            Files.delete(made);
            Files.writeString(made, "a file put where the folder was");
            up.abort();
        }
        assertThat(made).as("the file put there meanwhile").isRegularFile();
    }

    /**
     * The folders an upload made are held by the files written beside it (a backup's sidecars): an abort while they are
     * there removes neither them nor the folders, one after they are gone removes the folders it made, and never the
     * folders that were there before.
     */
    @Test
    void anAbortedUploadsHeldFoldersGoOnceWhatHeldThemIsGone() throws Exception {
        Path base = Files.createDirectories(scratch.resolve("held/store/daily"));
        LocalStore store = new LocalStore(base.getParent(), false);
        String key = "daily/app/db/db-20260101-040000.sql.gz";
        try (io.dbbackup.spi.Upload up = store.upload(key, null)) {
            up.stream().write(new byte[10]);
            assertThat(store.putIfAbsent(key + ".sha256", "digest".getBytes(), null)).isTrue();
            up.abort(); // the sidecar holds the folders
        }
        assertThat(base.resolve("app/db/db-20260101-040000.sql.gz.sha256")).hasContent("digest");
        store.delete(key + ".sha256");

        try (io.dbbackup.spi.Upload up = store.upload(key, null)) {
            up.stream().write(new byte[10]);
            assertThat(store.putIfAbsent(key + ".sha256", "digest".getBytes(), null)).isTrue();
            store.put(key.replace(".sql.gz", ".manifest.json"), "{}".getBytes(), null);
            store.delete(key + ".sha256");
            store.delete(key.replace(".sql.gz", ".manifest.json"));
            up.abort(); // what the pipeline does: the sidecars first, the upload last
        }
        assertThat(base.resolve("app/db")).exists(); // made by the first upload, not by this one
        Files.delete(base.resolve("app/db"));
        Files.delete(base.resolve("app"));

        try (io.dbbackup.spi.Upload up = store.upload(key, null)) {
            store.put(key + ".sha256", "digest".getBytes(), null);
            store.delete(key + ".sha256");
            up.abort();
        }
        assertThat(base.resolve("app")).doesNotExist();
        assertThat(base).as("the folder that was there before").isEmptyDirectory();
    }

    /**
     * Backups are readable by their owner alone: the upload's temporary file is 0600 before its first byte (the mode is
     * given to the open, no chmod after), so is the object renamed from it, the folders the store makes are 0700, and
     * the store's own folder, which exists, keeps its mode (fails without: 0644 / 0755 under the usual umask).
     */
    @Test
    void filesAreOwnerOnlyFromTheFirstByteAndTheFoldersItMakesOwnerOnlyToo() throws Exception {
        Path base = Files.createDirectories(scratch.resolve("modes/store"));
        Files.setPosixFilePermissions(base, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        LocalStore store = new LocalStore(base, false);
        try (io.dbbackup.spi.Upload up = store.upload("daily/app/app-20260101-040000.sql.gz", ctx())) {
            Path temp;
            try (Stream<Path> s = Files.list(base.resolve("daily/app"))) {
                temp = s.filter(p -> p.getFileName().toString().startsWith(LocalStore.TEMP_PREFIX)).findFirst().orElseThrow();
            }
            assertThat(Files.size(temp)).isZero();
            assertThat(mode(temp)).as("the temporary file before its first byte").isEqualTo("rw-------");
            up.stream().write("dump".getBytes());
            up.commit();
        }
        assertThat(store.putIfAbsent("daily/app/app-20260101-040000.sql.gz.sha256", "x".getBytes(), ctx())).isTrue();
        assertThat(mode(base.resolve("daily/app/app-20260101-040000.sql.gz"))).isEqualTo("rw-------");
        assertThat(mode(base.resolve("daily/app/app-20260101-040000.sql.gz.sha256"))).isEqualTo("rw-------");
        assertThat(mode(base.resolve("daily"))).isEqualTo("rwx------");
        assertThat(mode(base.resolve("daily/app"))).isEqualTo("rwx------");
        assertThat(mode(base)).as("the store's folder, which existed, keeps its mode").isEqualTo("rwxr-xr-x");

        // a store whose path does not exist yet makes it owner-only as well
        LocalStore fresh = new LocalStore(scratch.resolve("modes/fresh"), false);
        fresh.put("app/a.sql", new byte[] {1}, ctx());
        assertThat(mode(scratch.resolve("modes/fresh"))).isEqualTo("rwx------");
    }

    /** {@code file_mode: "0640"} (a group that ships backups to tape): files 0640, the folders the store makes 0750. */
    @Test
    void aWiderFileModeIsGivenToFilesAndWithSearchBitsToFolders() throws Exception {
        Path base = scratch.resolve("wide/store");
        LocalStore store = new LocalStore(base, false, io.dbbackup.core.FilePermissions.parse("0640"));
        store.put("daily/app/app-20260101-040000.sql.gz", new byte[] {1, 2}, ctx());
        assertThat(mode(base.resolve("daily/app/app-20260101-040000.sql.gz"))).isEqualTo("rw-r-----");
        assertThat(mode(base.resolve("daily/app"))).isEqualTo("rwxr-x---");
        assertThat(mode(base)).isEqualTo("rwxr-x---");
    }

    private static String mode(Path p) throws IOException {
        return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    /**
     * The warning of an abort that cannot remove its temporary file names the prune that will: with this run's
     * {@code -c FILE} (the operation's {@link io.dbbackup.spi.Commands}), so that pasted it prunes the same stores.
     * Before, it said a bare 'dbbackup prune', which reads the default config. The temporary file is made a folder
     * that is not empty, so that deleting it fails.
     */
    @Test
    void theHintOfATemporaryFileLeftBehindRepeatsTheConfig() throws Exception {
        Path base = Files.createDirectories(scratch.resolve("hinted"));
        java.io.StringWriter logged = new java.io.StringWriter();
        io.dbbackup.core.Log log = new io.dbbackup.core.Log(new java.io.PrintWriter(logged, true),
                io.dbbackup.core.Log.Format.TEXT, io.dbbackup.core.Log.Level.INFO, java.time.Clock.systemUTC());
        io.dbbackup.spi.OperationContext ctx = new io.dbbackup.spi.OperationContext(new io.dbbackup.spi.Cancellation(), log,
                scratch, words -> "dbbackup -c '/etc/conf dir/db.yaml' " + String.join(" ", words));
        io.dbbackup.spi.Upload upload = new LocalStore(base, false).upload("app/app-20260101-000000.sqlite", ctx);
        upload.stream().write(new byte[] {1, 2, 3});
        Path temp;
        try (Stream<Path> s = Files.list(base.resolve("app"))) {
            temp = s.filter(p -> p.getFileName().toString().startsWith(LocalStore.TEMP_PREFIX)).findFirst().orElseThrow();
        }
        Files.delete(temp);
        Files.createDirectories(temp).resolve("x").toFile().createNewFile();

        upload.abort();
        upload.close();

        assertThat(logged.toString()).contains("cannot remove the aborted upload's temporary file")
                .contains("'dbbackup -c '/etc/conf dir/db.yaml' prune --all' removes it");
    }
}
