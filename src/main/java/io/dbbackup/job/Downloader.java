package io.dbbackup.job;

import io.dbbackup.codec.Decryptor;
import io.dbbackup.codec.Sha256;
import io.dbbackup.config.JobConfig;
import io.dbbackup.core.BackupKey;
import io.dbbackup.core.Compression;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.FileFailure;
import io.dbbackup.core.FilePermissions;
import io.dbbackup.core.StoredObject;
import io.dbbackup.pipeline.ArtifactReader;
import io.dbbackup.pipeline.Failures;
import io.dbbackup.spi.Store;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Fetches a stored backup to a local file or to stdout ({@code dbbackup download}): the object is
 * checked against its {@code .sha256} sidecar while it is written, optionally decrypted and
 * decompressed, written to a hidden temporary file beside the output and moved into place only after
 * the whole object was read, the digest matched and decoding finished. A corrupt object leaves no
 * output file (exit 3). On stdout the bytes cannot be taken back: a mismatch is reported after them.
 */
public final class Downloader {
    /** What to fetch and how; {@code output} empty = the object's (adjusted) file name in the working directory. */
    public record Request(String job, Optional<String> key, Optional<Path> output, boolean toStdout, boolean decrypt,
                          boolean decompress, boolean force, boolean withSidecar) {
        /**
         * The options after JOB KEY that make another backup's download this one (where to, how decoded), for the next
         * older backup named when this one is bad. Not {@code --force}: a suggested download replaces nothing unasked.
         */
        List<String> sameDownloadArgs() {
            List<String> args = new ArrayList<>();
            if (toStdout) {
                args.addAll(List.of("-o", "-"));
            } else {
                output.ifPresent(o -> args.addAll(List.of("-o", o.toString())));
            }
            if (decrypt) {
                args.add("--decrypt");
            }
            if (decompress) {
                args.add("--decompress");
            }
            if (withSidecar) {
                args.add("--with-sidecar");
            }
            return args;
        }
    }

    /** What was written: {@code file} is null for stdout; {@code sidecar} null unless asked for. */
    public record Result(BackupKey key, Path file, Path sidecar, long bytes, String sha256, boolean decrypted,
                         boolean decompressed) {
    }

    private static final int BUFFER = 1 << 16;

    private final Workspace ws;
    private final DecryptionKeys keys;
    private final Path workingDir;
    private final OutputStream stdout;
    private final Progress progress;
    private volatile String cancelled;
    private volatile ArtifactReader.Decoded reading;
    /** The thread writing to stdout, while it does: a reader that stalls holds it in a write that only an interrupt ends. */
    private volatile Thread writingStdout;

    /** {@code stdout}: where {@code toStdout} writes (the process's binary standard output). */
    public Downloader(Workspace ws, DecryptionKeys keys, Path workingDir, OutputStream stdout, Progress progress) {
        this.ws = ws;
        this.keys = keys;
        this.workingDir = workingDir;
        this.stdout = stdout;
        this.progress = progress;
    }

    /** Stops a running download (a signal); its temporary file is removed. Safe from any thread. */
    public void cancel(String reason) {
        cancelled = reason;
        Thread writer = writingStdout;
        if (writer != null) {
            writer.interrupt(); // a stdout whose reader stopped reading (a psql waiting on a lock) must not hold a signal
        }
        ArtifactReader.Decoded in = reading;
        if (in != null) {
            // the store's stream closed under the read, not the decoder: a zstd decoder's close waits on its read, which a
            // stalled connection holds until the store's stall timeout
            in.abortRead(reason);
        }
    }

    public Result download(Request r) {
        JobConfig job = ws.job(r.job());
        Catalog catalog = new Catalog(ws);
        BackupKey key = catalog.resolve(job, r.key());
        boolean decrypt = r.decrypt() && key.encrypted();
        boolean decompress = r.decompress() && key.compression() != Compression.NONE;
        if (decompress && key.encrypted() && !decrypt) {
            throw DbBackupException.user(key.fileName() + " is encrypted: --decompress needs --decrypt too");
        }
        if (r.withSidecar() && (r.toStdout() || decrypt || decompress)) {
            throw DbBackupException.user("--with-sidecar writes the stored checksum beside the stored artifact: it cannot be "
                    + "combined with " + (r.toStdout() ? "-o -" : "--decrypt/--decompress") + ", which write other bytes");
        }
        Path file = r.toStdout() ? null : outputFile(r, key, decrypt, decompress);
        Path sidecar = file != null && r.withSidecar() ? file.resolveSibling(file.getFileName() + BackupKey.SHA256_SUFFIX) : null;
        // the backup's own file name (no -o, or -o a folder): on S3 or Azure it may be longer than a file system takes
        boolean ownName = r.output().map(o -> Files.isDirectory(workingDir.resolve(o))).orElse(true);
        for (Path p : new Path[] {file, sidecar}) {
            if (p != null) {
                nameProblem(p, p == sidecar ? BackupKey.SHA256_SUFFIX.length() : 0, ownName).ifPresent(w -> {
                    throw DbBackupException.user(w);
                });
            }
        }
        for (Path p : new Path[] {file, sidecar}) {
            if (p != null && !r.force()) {
                requireNothingAt(p);
            }
        }
        Decryptor decryptor = decrypt ? Encryption.decryptorFor(key, job, keys, ws) : null;
        Store store = catalog.store(job);
        ArtifactReader reader = ArtifactReader.forRecovery(store);
        reader.expectedSha256(key); // a backup nothing can check stops here, before anything is written
        long total;
        try {
            total = store.stat(key.key()).map(StoredObject::size).orElse(-1L);
        } catch (IOException e) {
            throw Failures.unreachable(store, key.key(), e);
        }
        ws.log().info("download started", "key", key.key(), "to", file == null ? "stdout" : file, "decrypt", decrypt,
                "decompress", decompress);
        Read read;
        try {
            read = file == null ? toStdout(reader, key, decryptor, decompress, total)
                    : toFile(reader, key, decryptor, decompress, total, file, sidecar, r.force());
        } catch (IOException | RuntimeException e) {
            // a bad backup: the next older one, with the same download, is the user's next step (as restore says)
            throw catalog.pointingToOlder(job, key, Failures.map("download of " + key.key() + " failed", e), "download",
                    r.sameDownloadArgs(), r.decrypt() ? keys : null);
        }
        ws.log().info("download finished", "key", key.key(), "to", file == null ? "stdout" : file, "bytes", read.bytes(),
                "sha256", read.sha256());
        return new Result(key, file, sidecar, read.bytes(), read.sha256(), decrypt, decompress);
    }

    /**
     * Without --force, nothing may be at {@code p}: an existing file (or a link to one) is refused, and so is a link that
     * leads nowhere, before anything is read. The file is moved into place by a rename, which replaces the link itself
     * rather than write where it leads (so would --force), and the rename without --force refused it only after the
     * whole download; as GNU cp, dbbackup does not write through a dangling link.
     */
    private static void requireNothingAt(Path p) {
        if (Files.exists(p)) {
            throw DbBackupException.user(p + " already exists; pass --force to replace it");
        }
        if (Files.isSymbolicLink(p)) {
            String to;
            try {
                to = p.resolveSibling(Files.readSymbolicLink(p)).normalize().toString();
            } catch (IOException e) {
                to = "a file";
            }
            throw DbBackupException.user(p + " is a symbolic link to " + to + ", which does not exist: give -o " + to
                    + " to write there, or pass --force to replace the link with the downloaded file");
        }
    }

    /** What {@link #toFile} puts around a file's name for its temporary file: {@code .NAME.dbbackup-tmp-UUID}. */
    private static final String TEMP_TAG = ".dbbackup-tmp-";
    private static final int TEMP_EXTRA_BYTES = 1 + TEMP_TAG.length() + 36;

    /**
     * Why {@code p} cannot be written: its name, or its temporary name ({@link #temp}), over the 255 bytes a file system
     * takes; checked before anything is read. {@code added}: the bytes {@code p}'s name has beyond the name given to -o
     * (the sidecar's ".sha256"); {@code ownName}: the name is the backup's own (no -o, or -o a folder), which on S3 or
     * Azure can be longer than any file name. A name that fits, but not its temporary name, failed with the file system's
     * "File name too long" after "download started" (exit 2), naming the temporary file.
     */
    static Optional<String> nameProblem(Path p, int added, boolean ownName) {
        int bytes = p.getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes + TEMP_EXTRA_BYTES <= BackupKey.MAX_NAME_BYTES) {
            return Optional.empty();
        }
        String name = (ownName ? "the backup's file name is " : "its name is ") + bytes + " bytes";
        String fix = "give -o a " + (ownName ? "shorter " : "") + "name of at most "
                + (BackupKey.MAX_NAME_BYTES - TEMP_EXTRA_BYTES - added) + " bytes";
        if (bytes > BackupKey.MAX_NAME_BYTES) {
            return Optional.of("cannot write " + p + ": " + name + ", over the " + BackupKey.MAX_NAME_BYTES
                    + " bytes a file name can have: " + fix);
        }
        return Optional.of("cannot write " + p + ": " + name + ", and download writes it first as a temporary file whose "
                + "name is " + TEMP_EXTRA_BYTES + " bytes longer; a file name is at most " + BackupKey.MAX_NAME_BYTES
                + " bytes: " + fix);
    }

    /** Where {@code p} is written before it is moved into place: beside it, hidden, {@code tag} its run's. */
    private static Path temp(Path p, String tag) {
        return p.resolveSibling("." + p.getFileName() + tag);
    }

    /** Bytes written, and the SHA-256 the stored bytes were found to have (the sidecar's, or the manifest's). */
    private record Read(long bytes, String sha256) {
    }

    private Path outputFile(Request r, BackupKey key, boolean decrypt, boolean decompress) {
        String name = key.fileName();
        if (decrypt) {
            name = name.substring(0, name.length() - BackupKey.ENCRYPTED_SUFFIX.length());
        }
        if (decompress) {
            name = name.substring(0, name.length() - key.compression().suffix().length());
        }
        Path p = workingDir.resolve(r.output().orElse(Path.of(name)));
        if (Files.isDirectory(p)) {
            p = p.resolve(name);
        }
        if (!Files.isDirectory(p.toAbsolutePath().getParent())) {
            throw DbBackupException.user("cannot write " + p + ": folder " + p.toAbsolutePath().getParent() + " does not exist");
        }
        return p.toAbsolutePath().normalize();
    }

    private Read toStdout(ArtifactReader reader, BackupKey key, Decryptor decryptor, boolean decompress, long total)
            throws IOException {
        writingStdout = Thread.currentThread();
        try (ArtifactReader.Decoded in = reader.open(key, decryptor, decompress)) {
            return new Read(copy(in, stdout, key, total), in.sha256());
        } finally {
            writingStdout = null;
            Thread.interrupted(); // this cancellation's, if any: said by the exception on its way
            stdout.flush();
        }
    }

    private Read toFile(ArtifactReader reader, BackupKey key, Decryptor decryptor, boolean decompress, long total, Path file,
                        Path sidecar, boolean force) throws IOException {
        String tag = TEMP_TAG + UUID.randomUUID();
        Path temp = temp(file, tag);
        Path sidecarTemp = sidecar == null ? null : temp(sidecar, tag);
        try {
            long n;
            String sha;
            try (ArtifactReader.Decoded in = reader.open(key, decryptor, decompress);
                 FileChannel ch = FilePermissions.OWNER_ONLY.createForWriting(temp)) { // database content: 0600 from the first byte
                n = copy(in, FileFailure.naming(Channels.newOutputStream(ch), temp), key, total);
                sha = in.sha256();
                try {
                    ch.force(true);
                } catch (IOException e) {
                    throw FileFailure.of("", "write", temp, e);
                }
            }
            List<Path[]> moves = new ArrayList<>();
            if (sidecarTemp != null) {
                try (FileChannel ch = FilePermissions.OWNER_ONLY.createForWriting(sidecarTemp)) { // 0600 as the backup beside it
                    FileFailure.naming(Channels.newOutputStream(ch), sidecarTemp).write(Sha256.sidecar(sha, file.getFileName().toString()));
                }
                moves.add(new Path[] {sidecarTemp, sidecar});
            }
            moves.add(0, new Path[] {temp, file});
            for (Path[] m : moves) {
                moveIntoPlace(m[0], m[1], force);
            }
            return new Read(n, sha);
        } finally {
            Files.deleteIfExists(temp);
            if (sidecarTemp != null) {
                Files.deleteIfExists(sidecarTemp);
            }
        }
    }

    private static void moveIntoPlace(Path from, Path to, boolean force) throws IOException {
        if (!force) {
            try {
                Files.move(from, to); // fails rather than replace a file that appeared meanwhile
                return;
            } catch (FileAlreadyExistsException e) {
                throw DbBackupException.user(to + " already exists; pass --force to replace it");
            }
        }
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private long copy(ArtifactReader.Decoded in, OutputStream out, BackupKey key, long total) throws IOException {
        reading = in;
        progress.started(key.fileName(), total);
        long n = 0;
        try {
            byte[] buf = new byte[BUFFER];
            int r;
            while (true) {
                try {
                    r = in.read(buf);
                } catch (IOException e) {
                    throwIfCancelled();
                    throw e;
                }
                throwIfCancelled();
                if (r < 0) {
                    break;
                }
                try {
                    out.write(buf, 0, r);
                } catch (IOException e) {
                    throwIfCancelled();
                    throw e;
                }
                n += r;
                progress.advanced(in.storedBytes());
            }
            progress.advanced(total >= 0 ? total : n);
            return n;
        } finally {
            reading = null;
            progress.finished();
        }
    }

    private void throwIfCancelled() throws InterruptedIOException {
        if (cancelled != null) {
            throw new InterruptedIOException("cancelled: " + cancelled);
        }
    }
}
