package io.dbbackup.engine.postgres;

import io.dbbackup.core.Human;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

/**
 * Extracts a pg_basebackup tar stream into a folder: folders 0700, files 0600 (what PostgreSQL requires
 * of a data directory), nothing outside the folder (absolute names and {@code ..} are refused), no links
 * or devices (pg_basebackup's single-tablespace stream has none; an extra tablespace's files come as
 * {@code pg_tblspc/<oid>/...} entries, which can be sent to a folder of their own). Reads the input to its very end, so a
 * checking stream beneath sees every byte. Given a {@link FileSyncer}, each file is handed to it once closed.
 */
final class TarExtractor {
    private static final FileAttribute<Set<PosixFilePermission>> DIR_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    private static final FileAttribute<Set<PosixFilePermission>> FILE_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final int BUFFER = 1 << 20;
    /** Where a base backup holds the extra tablespaces' files (the paths of {@code backup_manifest}). */
    static final String TABLESPACES = "pg_tblspc/";
    /** A large file's pages are flushed every this many bytes while it is written ({@link FileSyncer#early}). */
    static final long EARLY = 64L << 20;

    /** What was extracted. */
    record Result(long files, long bytes) {
    }

    private TarExtractor() {
    }

    static Result extract(InputStream in, Path dir) throws IOException {
        return extract(in, dir, null);
    }

    /** As {@link #extract(InputStream, Path)}, handing each file and folder written to {@code sync} (null: none). */
    static Result extract(InputStream in, Path dir, FileSyncer sync) throws IOException {
        return extract(in, dir, sync, Map.of());
    }

    /**
     * As above, with the entries under {@code pg_tblspc/<oid>/} of each tablespace in {@code tablespaces} (OID to
     * folder) written into that folder instead; those of any other OID stay in {@code dir}.
     */
    static Result extract(InputStream in, Path dir, FileSyncer sync, Map<String, Path> tablespaces) throws IOException {
        TarReader tar = new TarReader(in);
        byte[] buf = new byte[BUFFER];
        long files = 0;
        long bytes = 0;
        TarHeader h;
        while ((h = tar.next()) != null) {
            String name = safeName(h.name());
            Path target = target(dir, name, tablespaces);
            if (h.isDirectory()) {
                mkdirs(target, sync);
            } else if (h.isFile()) {
                if (name.isEmpty()) {
                    throw new IOException("the backup holds a file without a name");
                }
                mkdirs(target.getParent(), sync);
                try (Written out = Written.open(target)) {
                    int n;
                    long unflushed = 0;
                    while ((n = tar.read(buf, 0, buf.length)) > 0) { // the backup's own errors pass unchanged
                        out.write(ByteBuffer.wrap(buf, 0, n));
                        bytes += n;
                        unflushed += n;
                        if (sync != null && unflushed >= EARLY) {
                            sync.early(target);
                            unflushed = 0;
                        }
                    }
                }
                if (sync != null) {
                    sync.file(target);
                }
                files++;
            } else {
                throw new IOException("the backup holds '" + h.name() + "' of tar type '" + h.type()
                        + "' (a link or device): not something pg_basebackup writes; refusing to extract it");
            }
        }
        onlyZerosAfterTheEnd(in, tar.position());
        return new Result(files, bytes);
    }

    /**
     * Reads what follows the end-of-archive block to the stream's very end (so that a checking stream beneath sees every
     * byte, and a checksum that does not hold is said as that): zeros, as tar pads an archive to its record size
     * (10240 bytes) and pg_basebackup ends it with a second zero block, are accepted; anything else means the stream is
     * not the archive that was backed up (something appended to it, or two archives one after the other), whose rest
     * would silently not be restored: an integrity failure (exit 3), and the caller removes what was extracted.
     */
    private static void onlyZerosAfterTheEnd(InputStream in, long end) throws IOException {
        byte[] buf = new byte[64 << 10];
        long after = 0;
        long firstData = -1;
        for (int n; (n = in.read(buf, 0, buf.length)) >= 0; ) {
            for (int i = 0; i < n && firstData < 0; i++) {
                if (buf[i] != 0) {
                    firstData = after + i;
                }
            }
            after += n;
        }
        if (firstData >= 0) {
            throw new io.dbbackup.codec.IntegrityException("the tar stream goes on after its end-of-archive block, which ends at "
                    + "byte " + end + ": " + Human.count(after, "more byte") + ", not all zeros (the first non-zero one at byte "
                    + (end + firstData) + "), so it is not the archive that was backed up and its rest would not be "
                    + "restored");
        }
    }

    /** Where entry {@code name} (a {@link #safeName}) goes: under its tablespace's folder, else under {@code dir}. */
    private static Path target(Path dir, String name, Map<String, Path> tablespaces) {
        if (name.isEmpty()) {
            return dir;
        }
        if (!tablespaces.isEmpty() && name.startsWith(TABLESPACES)) {
            String[] parts = name.substring(TABLESPACES.length()).split("/", 2);
            Path folder = tablespaces.get(parts[0]);
            if (folder != null) {
                return parts.length == 1 ? folder : folder.resolve(parts[1]);
            }
        }
        return dir.resolve(name);
    }

    /** The entry's path relative to the target, without {@code ./} and trailing '/'; unsafe names are errors. */
    static String safeName(String raw) throws IOException {
        String n = raw;
        while (n.startsWith("./")) {
            n = n.substring(2);
        }
        while (n.endsWith("/")) {
            n = n.substring(0, n.length() - 1);
        }
        if (n.isEmpty() || n.equals(".")) {
            return "";
        }
        if (n.startsWith("/") || n.contains("\\") || n.contains("\0")) {
            throw new IOException("the backup holds an unsafe path '" + raw + "'; refusing to extract it");
        }
        for (String part : n.split("/")) {
            if (part.isEmpty() || part.equals("..") || part.equals(".")) {
                throw new IOException("the backup holds an unsafe path '" + raw + "'; refusing to extract it");
            }
        }
        return n;
    }

    /**
     * A file being restored: its failures (open, write, close) said with the file. A resource, so that a
     * close failing after a read error of the backup is kept beside that error, not in its place.
     */
    private record Written(FileChannel ch, Path target) implements AutoCloseable {
        static Written open(Path target) throws IOException {
            try {
                return new Written(FileChannel.open(target, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING), FILE_MODE), target);
            } catch (IOException e) {
                throw cannot("create", target, e);
            }
        }

        void write(ByteBuffer bb) throws IOException {
            try {
                while (bb.hasRemaining()) {
                    ch.write(bb);
                }
            } catch (IOException e) {
                throw cannot("write", target, e);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                ch.close();
            } catch (IOException e) {
                throw cannot("write", target, e);
            }
        }
    }

    /** A failure of the target file system, said with the file (which disk is full or read-only). */
    private static IOException cannot(String action, Path file, IOException e) {
        return io.dbbackup.core.FileFailure.of("", action, file, e);
    }

    /** Creates the folder and any missing parents; each created one, and the parent of the topmost, goes to {@code sync}. */
    private static void mkdirs(Path dir, FileSyncer sync) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (sync != null) {
            for (Path p = dir; p != null; p = p.getParent()) {
                sync.folder(p);
                if (Files.isDirectory(p)) {
                    break;
                }
            }
        }
        try {
            Files.createDirectories(dir, DIR_MODE);
        } catch (IOException e) {
            throw cannot("create folder", dir, e);
        }
    }
}
