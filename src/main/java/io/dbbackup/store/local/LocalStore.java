package io.dbbackup.store.local;

import io.dbbackup.core.FilePermissions;
import io.dbbackup.core.FolderSync;
import io.dbbackup.core.Log;
import io.dbbackup.core.ShellWords;
import io.dbbackup.core.StoredObject;
import io.dbbackup.core.UnfinishedUpload;
import io.dbbackup.spi.NoSuchKeyException;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.Store;
import io.dbbackup.spi.Upload;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A folder store. Uploads go to a hidden temporary file in the key's folder, are fsynced and then
 * renamed atomically onto the key (and the folder fsynced), so a crash never leaves a partial file
 * under a final name; an aborted upload deletes its temporary file. While an upload is written, what it
 * holds so far is flushed every {@link WriteBehind#STEP} bytes beside the writing, so the final fsync
 * waits for the last part only.
 */
public final class LocalStore implements Store {
    static final String TEMP_PREFIX = ".dbbackup-tmp-";
    /** A temporary file's name: the prefix, the file name it is written for, a random UUID. */
    private static final Pattern TEMP_NAME = Pattern.compile(Pattern.quote(TEMP_PREFIX) + "(.+)\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    /** What a replacement without an atomic rename links the old object aside as, {@code REPLACED} ending it. */
    static final String REPLACED = ".replaced";
    /**
     * An old object a replacement set aside ({@link LocalUpload#replaceByLinks}): the prefix, the file name, 8 random hex
     * digits, {@link #REPLACED}. Hidden as a temporary file is (never listed), but not one ({@link #TEMP_NAME} does not
     * match it), so prune never removes it as an abandoned upload.
     */
    private static final Pattern ASIDE_NAME = Pattern.compile(Pattern.quote(TEMP_PREFIX) + "(.+)\\.[0-9a-f]{8}"
            + Pattern.quote(REPLACED));

    private final Path root;
    private final boolean fsync;
    private final long writeBehindStep;
    private final LocalModes modes;
    /**
     * The folders this store's committed uploads made: once one is empty again (its backup deleted, as a backup that
     * failed its read-back is), {@link #delete} removes it; folders that were there before are never removed.
     */
    private final java.util.Set<Path> madeForCommits = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** {@link Files#move}, as a commit renames; a test swaps in a file system's refusal. */
    interface Move {
        void move(Path from, Path to, java.nio.file.CopyOption... options) throws IOException;
    }

    private Move move = Files::move;

    /** {@link Files#createLink}, as a replacement without an atomic rename links; a test swaps in a refusal. */
    interface Link {
        void link(Path link, Path existing) throws IOException;
    }

    private Link link = Files::createLink;

    /** This store, its commits renaming with {@code move} (a fault injected). */
    LocalStore movingWith(Move move) {
        this.move = move;
        return this;
    }

    /** This store, its replacements without an atomic rename linking with {@code link} (a fault injected). */
    LocalStore linkingWith(Link link) {
        this.link = link;
        return this;
    }

    public LocalStore(Path root, boolean fsync) {
        this(root, fsync, FilePermissions.OWNER_ONLY);
    }

    /** A store whose files get {@code mode} (its folders the same with x where r is set). */
    public LocalStore(Path root, boolean fsync, FilePermissions mode) {
        this(root, fsync, WriteBehind.STEP, mode);
    }

    /** A store whose uploads, when it fsyncs, are flushed every {@code writeBehindStep} bytes as they are written. */
    LocalStore(Path root, boolean fsync, long writeBehindStep) {
        this(root, fsync, writeBehindStep, FilePermissions.OWNER_ONLY);
    }

    private LocalStore(Path root, boolean fsync, long writeBehindStep, FilePermissions mode) {
        this.root = root.toAbsolutePath().normalize();
        this.fsync = fsync;
        this.writeBehindStep = writeBehindStep;
        this.modes = new LocalModes(mode);
    }

    Path resolve(String key) throws IOException {
        if (key.isEmpty() || key.startsWith("/") || key.contains("\\")) {
            throw new IOException("invalid key: " + key);
        }
        Path p = root.resolve(key).normalize();
        if (!p.startsWith(root) || p.equals(root)) {
            throw new IOException("key escapes the store root: " + key);
        }
        return p;
    }

    @Override
    public Upload upload(String key, OperationContext ctx) throws IOException {
        Path target = resolve(key);
        Path temp = target.resolveSibling(TEMP_PREFIX + target.getFileName() + "." + UUID.randomUUID());
        try {
            for (int attempt = 1; ; attempt++) {
                List<Path> made = createFolders(target.getParent());
                try {
                    FileChannel channel = modes.createForWriting(temp); // the store's mode from the first byte
                    return new LocalUpload(target, temp, channel, ctx == null ? null : ctx.log(),
                            ctx == null ? io.dbbackup.spi.Commands.PLAIN : ctx.commands(), made);
                } catch (NoSuchFileException gone) {
                    // another upload's abort removed a folder it had made, between our creating and our opening: again
                    if (attempt == 3) {
                        throw gone;
                    }
                }
            }
        } catch (IOException e) {
            IOException said = failure("create", target, e instanceof java.nio.file.AccessDeniedException denied
                    ? deniedFolder(target, denied) : e);
            if (e instanceof java.nio.file.AccessDeniedException || e instanceof java.nio.file.FileSystemException
                    && !(e instanceof NoSuchFileException) && PermissionDenied.mayNotWriteBeside(target)) {
                // a refusal (permission denied; a :ro mount, a disk remounted read-only after errors) is not retried,
                // as the SFTP, S3 and Azure stores retry none of theirs: each attempt would dump the database again
                throw io.dbbackup.core.DbBackupException.permanent(said.getMessage(), e);
            }
            throw said;
        }
    }

    /**
     * {@code denied} with a reason that names the folder {@code target} would go in (or the nearest one above it that
     * exists: the one a missing job folder could not be made in), its mode and owner against this process's ids and the
     * fix: a bare "permission denied" at 3 am says neither whose the folder is nor who this process is.
     */
    private static IOException deniedFolder(Path target, java.nio.file.AccessDeniedException denied) {
        for (Path p = target.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p)) {
                IOException said = new java.nio.file.FileSystemException(denied.getFile(), null,
                        io.dbbackup.core.DeniedFile.whyFolder(p));
                said.initCause(denied);
                return said;
            }
        }
        return denied;
    }

    /**
     * Creates {@code folder} and its missing parents with the store's folder mode (0700 by default; folders that exist,
     * the store's path among them, keep theirs); returns the ones this call made, deepest first.
     */
    private List<Path> createFolders(Path folder) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path p = folder; p != null && !Files.isDirectory(p); p = p.getParent()) {
            missing.add(p);
        }
        modes.createFolders(folder, missing);
        return missing;
    }

    /**
     * Removes the folders an aborted upload made (deepest first), as long as they are empty: a backup that never landed
     * leaves no empty job folder behind. A folder that meanwhile holds something (another job's upload) stays.
     */
    private static void removeFolders(List<Path> made) {
        for (Path p : made) {
            if (!removeIfEmptyFolder(p)) {
                return; // its parents are not empty either
            }
        }
    }

    /**
     * Removes {@code p} if it is an empty folder, as rmdir (the SFTP server's RMDIR) does, never what was put at its name
     * after this store made it (a symbolic link to the folder moved to another disk, a file), which
     * {@link Files#delete} would remove as readily: true when it is gone, false when it stays.
     */
    private static boolean removeIfEmptyFolder(Path p) {
        if (!Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return Files.notExists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        }
        try {
            Files.delete(p);
            return true;
        } catch (NoSuchFileException gone) {
            return true; // removed already
        } catch (IOException notEmptyOrRefused) {
            return false;
        }
    }

    /**
     * Exclusive: the content goes to a temporary file, which is then linked under the key — {@code link} fails when the
     * name exists, in one step. A file system without hard links gets a look and a move instead.
     */
    @Override
    public boolean putIfAbsent(String key, byte[] content, OperationContext ctx) throws IOException {
        LocalUpload up = (LocalUpload) upload(key, ctx);
        try {
            up.stream().write(content);
            return up.commitIfAbsent();
        } finally {
            up.abort(); // nothing once committed; else the temporary file goes
        }
    }

    /** A failed write, said with the store and the file (which volume filled up); a cancellation passes unchanged. */
    IOException failure(String action, Path file, IOException e) {
        return io.dbbackup.core.FileFailure.ofStore(root, action, file, e);
    }

    @Override
    public InputStream open(String key) throws IOException {
        try {
            return Files.newInputStream(resolve(key));
        } catch (NoSuchFileException e) {
            throw new NoSuchKeyException(key);
        } catch (java.nio.file.AccessDeniedException e) {
            throw PermissionDenied.explained(e, "; the store's files are readable by the user that wrote them alone unless "
                    + "the store's file_mode gives its group read, e.g. \"0640\"");
        }
    }

    @Override
    public List<StoredObject> listFolder(String folder) throws IOException {
        Store.requireFolder(folder);
        List<StoredObject> out = new ArrayList<>();
        Path dir = folder.isEmpty() ? root : resolve(folder.substring(0, folder.length() - 1));
        if (!isFolder(dir)) { // a job folder that is a link (to another disk) is followed, as writes follow it
            requireNoFileAtRoot();
            return out;
        }
        try (java.nio.file.DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path file : entries) {
                BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                String name = file.getFileName().toString();
                if (attrs.isRegularFile() && !name.startsWith(TEMP_PREFIX)) {
                    out.add(new StoredObject(folder + name, attrs.size(), attrs.lastModifiedTime().toInstant()));
                }
            }
        }
        out.sort(Comparator.comparing(StoredObject::key));
        return out;
    }

    @Override
    public List<StoredObject> list(String prefix) throws IOException {
        return list(prefix, false);
    }

    @Override
    public List<StoredObject> listReadable(String prefix) throws IOException {
        return list(prefix, true);
    }

    private List<StoredObject> list(String prefix, boolean skipUnreadable) throws IOException {
        List<StoredObject> out = new ArrayList<>();
        walk(prefix, false, skipUnreadable, (key, attrs) -> {
            if (key.startsWith(prefix)) {
                out.add(new StoredObject(key, attrs.size(), attrs.lastModifiedTime().toInstant()));
            }
        });
        out.sort(Comparator.comparing(StoredObject::key));
        return out;
    }

    /** An upload's temporary file beside its key, {@code .dbbackup-tmp-<file name>.<uuid>}: longer than the file's name. */
    @Override
    public Optional<String> longestEntryName(String fileName) {
        return Optional.of(TEMP_PREFIX + fileName + "." + new UUID(0, 0));
    }

    /** The temporary files of uploads under {@code prefix}: {@code .dbbackup-tmp-<file name>.<uuid>} beside their key. */
    @Override
    public List<UnfinishedUpload> listUnfinished(String prefix) throws IOException {
        List<UnfinishedUpload> out = new ArrayList<>();
        walk(prefix, true, false, (tempKey, attrs) -> {
            UnfinishedUpload.keyOfTemporary(tempKey, TEMP_NAME).filter(key -> key.startsWith(prefix))
                    .ifPresent(key -> out.add(new UnfinishedUpload(key, tempKey, attrs.size(), attrs.lastModifiedTime().toInstant())));
        });
        out.sort(Comparator.comparing(UnfinishedUpload::key));
        return out;
    }

    /**
     * The old objects a replacement without an atomic rename set aside under {@code prefix} that are still there
     * ({@code .dbbackup-tmp-<file name>.<8 hex>.replaced} beside their key): left by a process killed between its
     * unlink of the key and its link of the new object (then the key's only copy), or whose delete of it failed.
     */
    @Override
    public List<UnfinishedUpload> listSetAside(String prefix) throws IOException {
        List<UnfinishedUpload> out = new ArrayList<>();
        walk(prefix, true, false, (asideKey, attrs) -> {
            UnfinishedUpload.keyOfTemporary(asideKey, ASIDE_NAME).filter(key -> key.startsWith(prefix))
                    .ifPresent(key -> out.add(new UnfinishedUpload(key, asideKey, attrs.size(), attrs.lastModifiedTime().toInstant())));
        });
        out.sort(Comparator.comparing(UnfinishedUpload::key));
        return out;
    }

    @Override
    public void removeUnfinished(UnfinishedUpload upload) throws IOException {
        Path temp = resolve(upload.name());
        if (!temp.getFileName().toString().startsWith(TEMP_PREFIX)) {
            throw new IOException("not a temporary file of this store: " + upload.name());
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            throw failure("delete", temp, e);
        }
    }

    /**
     * Every regular file in the deepest folder {@code prefix} names and below it, with its key: the temporary
     * files of uploads when {@code temps}, the stored objects otherwise. A folder that cannot be read fails the
     * walk: a listing is complete or nothing — unless {@code skipUnreadable}, which leaves out a folder below the
     * start that this user may not open.
     */
    private void walk(String prefix, boolean temps, boolean skipUnreadable,
                      java.util.function.BiConsumer<String, BasicFileAttributes> visit)
            throws IOException {
        if (!isFolder(root)) {
            requireNoFileAtRoot();
            return; // a store nothing was written to yet
        }
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? root : resolve(prefix.substring(0, slash));
        if (!isFolder(start)) {
            return;
        }
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile() && file.getFileName().toString().startsWith(TEMP_PREFIX) == temps) {
                    visit.accept(root.relativize(file).toString().replace(java.io.File.separatorChar, '/'), attrs);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException && !file.equals(start)) {
                    return FileVisitResult.CONTINUE; // committed, aborted or deleted meanwhile: no longer there
                }
                if (skipUnreadable && exc instanceof java.nio.file.AccessDeniedException && !file.equals(start)) {
                    return FileVisitResult.CONTINUE; // a hint's listing: what this user may read
                }
                throw exc; // never return a partial listing
            }
        });
    }

    /**
     * Whether {@code dir} is a folder (links followed); false when it is missing or something else. A folder this
     * user may not reach (a parent or itself owner-only for another user: wal-fetch runs as postgres) is an error,
     * never "missing": {@link Files#isDirectory} says false for it, and a listing that came out empty for that made
     * wal-fetch answer "not archived" and PostgreSQL end a recovery early, silently.
     */
    private static boolean isFolder(Path dir) throws IOException {
        try {
            return Files.readAttributes(dir, BasicFileAttributes.class).isDirectory();
        } catch (java.nio.file.AccessDeniedException e) {
            throw PermissionDenied.explained(e, "");
        } catch (IOException e) {
            return false; // missing, or a file on the way: as before
        }
    }

    /** A store path that names something other than a folder (a file, a device) is an error, not an empty store. */
    private void requireNoFileAtRoot() throws IOException {
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw new IOException("the store's path is not a folder");
        }
    }

    @Override
    public Optional<StoredObject> stat(String key) throws IOException {
        Path p = resolve(key);
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            return a.isRegularFile() ? Optional.of(new StoredObject(key, a.size(), a.lastModifiedTime().toInstant()))
                    : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public void delete(String key) throws IOException {
        Path file = resolve(key);
        try {
            Files.deleteIfExists(file);
        } catch (java.nio.file.AccessDeniedException e) {
            throw PermissionDenied.explained(e, "");
        }
        removeEmptyMadeFolders(file.getParent());
    }

    /**
     * Removes {@code folder} and its parents, deepest first, while each is one this store's uploads made and is empty:
     * a run whose backup was deleted again leaves no empty folder it created. Another upload into one of them that
     * found it there and lost it before opening its file makes it again ({@link #upload}).
     */
    private void removeEmptyMadeFolders(Path folder) {
        for (Path p = folder; p != null && madeForCommits.contains(p); p = p.getParent()) {
            if (!removeIfEmptyFolder(p)) {
                return; // its parents are not empty either
            }
            madeForCommits.remove(p);
        }
    }

    /** The store's path when nothing is there (not even a broken link): deleted, moved away, a volume not mounted. */
    @Override
    public java.util.Optional<String> missingRoot() {
        return Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS) ? java.util.Optional.empty()
                : java.util.Optional.of(root.toString());
    }

    @Override
    public String describe() {
        return "local " + root;
    }

    /** {@code 'echo "LINE" > /abs/path/KEY'}: the file by its absolute path, so the command runs from any folder. */
    @Override
    public String howToWrite(String key, String line) {
        return ShellWords.echoInto(line, root.resolve(key).normalize().toString());
    }

    /**
     * The folder's real path: spelled any way, and reached through any symbolic link (a store path, or a folder on it,
     * that links to another's), one folder is one location. The part that does not exist yet is taken as written.
     */
    @Override
    public String location(String folder) {
        Path p = root.toAbsolutePath().normalize().resolve(folder).normalize();
        java.util.Deque<Path> missing = new java.util.ArrayDeque<>();
        Path existing = p;
        while (existing != null && !Files.exists(existing)) {
            missing.push(existing.getFileName());
            existing = existing.getParent();
        }
        Path real = p;
        if (existing != null) {
            try {
                real = existing.toRealPath();
                while (!missing.isEmpty()) {
                    real = real.resolve(missing.pop());
                }
            } catch (IOException unreadable) {
                real = p; // as written: the check still catches every spelling of it
            }
        }
        return "local " + real + "/";
    }

    public Path root() {
        return root;
    }

    private final class LocalUpload implements Upload {
        private final Path target;
        private final Path temp;
        private final FileChannel channel;
        private final OutputStream stream;
        /** Flushes the file as it grows when the store fsyncs (null when it does not). */
        private final WriteBehind behind;
        private final Log log;
        private final io.dbbackup.spi.Commands commands;
        /** The folders {@link #upload} made for this one, deepest first: removed again when it is aborted. */
        private final List<Path> madeFolders;
        private boolean done;

        LocalUpload(Path target, Path temp, FileChannel channel, Log log, io.dbbackup.spi.Commands commands,
                List<Path> madeFolders) {
            this.log = log;
            this.commands = commands;
            this.madeFolders = madeFolders;
            this.target = target;
            this.temp = temp;
            this.channel = channel;
            this.behind = fsync ? new WriteBehind(() -> channel.force(false), writeBehindStep, target.getFileName().toString()) : null;
            OutputStream file = Channels.newOutputStream(channel);
            OutputStream said = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    try {
                        file.write(b, off, len);
                    } catch (IOException e) {
                        throw failure("write", target, e);
                    }
                    if (behind != null) {
                        try {
                            behind.wrote(len);
                        } catch (IOException e) {
                            throw failure("flush", target, e);
                        }
                    }
                }
            };
            this.stream = new BufferedOutputStream(said, 1 << 16) {
                @Override
                public void close() throws IOException {
                    flush(); // closing the stream must not close the channel before commit's fsync
                }
            };
        }

        @Override
        public OutputStream stream() {
            return stream;
        }

        @Override
        public void commit() throws IOException {
            finish();
            try {
                move.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                moveWithoutReplacing(e);
            } catch (IOException e) {
                throw failure("rename the finished upload onto", target, e);
            }
            done = true;
            madeForCommits.addAll(madeFolders);
            if (fsync) {
                flushFolders();
            }
        }

        /**
         * The commit where the file system renames nothing in one step ({@code EXDEV} within one folder: the key is a
         * mount point, some FUSE file systems). {@link Files#move} without {@code ATOMIC_MOVE} would delete the old object
         * first and then copy the new one in: a failed copy (a full disk) or a crash between the two loses both, the
         * new one with the temporary file that the abort (or prune) removes. A new key is linked in
         * ({@link #placeWithoutRename}); an existing one is replaced through hard links ({@link #replaceByLinks}), and
         * where the file system links neither, it is kept and the commit fails, saying so.
         */
        private void moveWithoutReplacing(AtomicMoveNotSupportedException refused) throws IOException {
            boolean placed;
            try {
                placed = placeWithoutRename();
            } catch (IOException e) {
                throw failure("move the finished upload onto", target, e);
            }
            if (!placed) {
                replaceByLinks(refused);
            }
        }

        /**
         * Puts the finished (fsynced) temporary file under the key, which must be free, without a rename: linked in
         * ({@code link(2)}: the whole object or none under the key, whenever the process dies), then the temporary
         * name removed. False, with nothing changed, when the key is taken. Where the file system links nothing either,
         * the only way left is a copy into the final name ({@link #copyIn}); a second temporary name in the key's folder
         * would not help, the temporary file is in that folder already and a rename there is what was refused.
         */
        private boolean placeWithoutRename() throws IOException {
            try {
                link.link(target, temp);
            } catch (FileAlreadyExistsException taken) {
                return false;
            } catch (UnsupportedOperationException | java.nio.file.FileSystemException noLinks) {
                return copyIn();
            }
            try {
                Files.deleteIfExists(temp); // a second name of the stored object now
            } catch (IOException e) {
                if (log != null) {
                    log.warn("stored an object but could not remove its temporary name, a second link to it; '"
                            + commands.command("prune", "--all") + "' removes it once it is a day old",
                            "path", temp, "error", String.valueOf(e.getMessage()));
                }
            }
            return true;
        }

        /**
         * Where the file system neither renames nor links: the temporary file moved by {@link Files#move}, which
         * copies it into the final name (creating it exclusively, and removing what it copied when the copy fails),
         * then the copy fsynced, as the JDK does not. A process killed mid-copy still leaves a part under the key, with
         * no {@code .sha256} sidecar (written after it), so nothing reads it as a backup; storing nothing at all on
         * such a file system was the other choice. False when the key is taken.
         */
        private boolean copyIn() throws IOException {
            if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            try {
                move.move(temp, target); // without REPLACE_EXISTING: refused when the name exists, nothing deleted
            } catch (FileAlreadyExistsException taken) {
                return false;
            }
            if (fsync) {
                try (FileChannel copy = FileChannel.open(target, java.nio.file.StandardOpenOption.READ)) {
                    copy.force(true);
                }
            }
            return true;
        }

        /**
         * Replaces the object under the key with the finished (fsynced) temporary file without a rename: the old object
         * is linked aside ({@link #ASIDE_NAME}: hidden, reported by {@link #listSetAside}), the key unlinked, the new
         * object linked in whole, then the aside name and the temporary file removed. The key holds no object only
         * between the unlink and the link, two calls, and never a part of one. A link in that fails puts the old object
         * back; if that fails too, the error names where it is kept. A copy job's re-copy of an archived WAL file cut
         * short relies on it: refused, the copy never healed.
         */
        private void replaceByLinks(AtomicMoveNotSupportedException refused) throws IOException {
            String words = "local store " + root + ": ";
            Path aside = target.resolveSibling(TEMP_PREFIX + target.getFileName() + "."
                    + UUID.randomUUID().toString().substring(0, 8) + REPLACED);
            try {
                link.link(aside, target);
            } catch (IOException | UnsupportedOperationException noLinks) {
                throw new io.dbbackup.core.LocalFileException(words + "cannot replace " + target + ": the file system "
                        + "cannot rename onto it in one step (" + refused.getMessage() + "), and deleting it first could "
                        + "lose both; the old object is kept, the new one was not stored", refused, words, root.toString());
            }
            try {
                Files.delete(target);
                link.link(target, temp);
            } catch (IOException | UnsupportedOperationException e) {
                try {
                    if (Files.notExists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        link.link(target, aside);
                    }
                } catch (IOException | UnsupportedOperationException back) {
                    throw new io.dbbackup.core.LocalFileException(words + "cannot replace " + target + " ("
                            + e.getMessage() + "): the object it was to replace could not be put back (" + back.getMessage()
                            + ") and is kept as " + aside + " (rename it back to " + target + ")", e, words, root.toString());
                }
                Files.deleteIfExists(aside);
                throw new io.dbbackup.core.LocalFileException(words + "cannot replace " + target + " (" + e.getMessage()
                        + "): the old object is back under it; the new one was not stored", e, words, root.toString());
            }
            Files.deleteIfExists(temp); // a second name of the object now: prune removes it a day later if this fails
            try {
                Files.delete(aside);
            } catch (IOException e) {
                if (log != null) {
                    log.warn("replaced an object but could not delete the old one, linked aside; it is hidden, list and "
                            + "prune report it", "path", aside, "error", String.valueOf(e.getMessage()));
                }
            }
        }

        /**
         * The folder of the key, and the parent of each folder made for this upload: a folder's own entry is in its
         * parent, so a backup in a folder made tonight (a new job or database) is on disk only once that entry is too.
         */
        private void flushFolders() {
            FolderSync.flush(target.getParent());
            for (Path made : madeFolders) {
                if (made.getParent() != null) {
                    FolderSync.flush(made.getParent());
                }
            }
        }

        /**
         * Commits unless {@code target} exists (then false, and {@link #abort} removes the temporary file): linked in as
         * a commit without an atomic rename does it ({@link #placeWithoutRename}), through the store's link.
         */
        boolean commitIfAbsent() throws IOException {
            finish();
            try {
                if (!placeWithoutRename()) {
                    return false;
                }
            } catch (IOException e) {
                throw failure("link the finished upload as", target, e);
            }
            done = true;
            madeForCommits.addAll(madeFolders);
            if (fsync) {
                flushFolders();
            }
            return true;
        }

        private void finish() throws IOException {
            if (done) {
                throw new IOException("upload already finished");
            }
            stream.flush();
            try {
                if (fsync) {
                    behind.finish();
                    channel.force(true);
                }
                channel.close();
            } catch (IOException e) {
                throw failure("flush", target, e);
            }
        }

        /**
         * Removes the temporary file unless committed, and then the folders made for this upload that are empty: after a
         * commit the object holds them, unless the caller removed it again (a commit that failed after the rename, at
         * the folder's fsync, whose backup the pipeline discards).
         */
        @Override
        public void abort() {
            if (!done) {
                done = true;
                discard();
            }
            removeFolders(madeFolders);
        }

        private void discard() {
            try {
                if (behind != null) {
                    behind.stop(); // no flush of the file may run on once it is deleted
                }
            } catch (IOException ignored) {
                // interrupted: the flush thread ends when the channel closes
            }
            try {
                channel.close();
            } catch (IOException ignored) {
                // deleting is what matters
            }
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // hidden and never parsed as a backup, but as large as what was written: say where it is
                if (log != null) {
                    log.warn("cannot remove the aborted upload's temporary file; '" + commands.command("prune", "--all")
                            + "' removes it once it is a day old",
                            "path", temp, "error", String.valueOf(e.getMessage()));
                }
            }
        }

        @Override
        public void close() {
            abort();
        }
    }
}
