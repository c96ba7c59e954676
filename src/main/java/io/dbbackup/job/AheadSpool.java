package io.dbbackup.job;

import io.dbbackup.codec.HashingOutputStream;
import io.dbbackup.core.WalFileName;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code pg_wal/dbbackup/}: one marker per WAL file archived before PostgreSQL's archiver asked for it,
 * holding the file's SHA-256, the archive it went to, and the config file and job that sent it there.
 * Only a file with exactly that content is acknowledged from a marker, for the same archive (or the same
 * unchanged config file and job, see {@link #acknowledge}); markers are removed when used and after a day.
 * PostgreSQL ignores the folder and pg_basebackup does not copy pg_wal's contents.
 */
public final class AheadSpool {
    static final String FOLDER = "dbbackup";
    private static final Duration STALE = Duration.ofDays(1);

    private final Path walDir;
    private final Path spool;
    private final String destination;
    private final String sender;
    private final java.time.Clock clock;

    private AheadSpool(Path walDir, String destination, String sender, java.time.Clock clock) {
        this.walDir = walDir;
        this.clock = clock;
        this.spool = walDir.resolve(FOLDER);
        this.destination = destination;
        this.sender = sender;
    }

    /**
     * The spool beside {@code file} when it lies in a pg_wal folder (with archive_status), else empty.
     * {@code destination}: the store and folder archived to; {@code config}, {@code job}: who archives; {@code clock}: the
     * workspace's, which dates the markers' age (a day).
     */
    static Optional<AheadSpool> beside(Path file, String destination, Path config, String job, java.time.Clock clock) {
        Path dir = walDirOf(file);
        if (dir == null) {
            return Optional.empty();
        }
        return Optional.of(new AheadSpool(dir, destination, sender(config, job), clock));
    }

    private static Path walDirOf(Path file) {
        Path dir = file.toAbsolutePath().normalize().getParent();
        if (dir == null || dir.getFileName() == null || !dir.getFileName().toString().equals("pg_wal")
                || !Files.isDirectory(dir.resolve("archive_status"))) {
            return null;
        }
        return dir;
    }

    /** The config file (path, size, modification time) and job: unchanged, they archive to the same place. */
    private static String sender(Path config, String job) {
        Path c = config.toAbsolutePath().normalize();
        try {
            return c + " " + Files.size(c) + " " + Files.getLastModifiedTime(c).toMillis() + " " + job;
        } catch (IOException e) {
            return c + " ? ? " + job;
        }
    }

    /**
     * The cheap path of {@code wal-push -c CONFIG --job JOB PATH NAME}, before any config is read: true (and the
     * marker used up) when {@code NAME} was archived ahead by the same unchanged config file and job, and
     * {@code file} still has the content archived.
     */
    public static boolean acknowledge(Path file, String name, Path config, String job) {
        Path dir = walDirOf(file);
        if (dir == null || WalFileName.parse(name).isEmpty()) {
            return false;
        }
        Path marker = dir.resolve(FOLDER).resolve(name);
        try {
            if (!Files.isRegularFile(marker)) {
                return false;
            }
            String[] lines = Files.readString(marker, StandardCharsets.UTF_8).split("\n");
            if (lines.length < 3 || !lines[2].equals(sender(config, job)) || !lines[0].equals(sha256(file))) {
                return false;
            }
            Files.deleteIfExists(marker);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether {@code name} with content {@code sha} was archived ahead to this destination; the marker is used up. */
    boolean pushedAhead(String name, String sha) {
        Path marker = spool.resolve(name);
        try {
            if (!Files.isRegularFile(marker)) {
                return false;
            }
            String[] lines = Files.readString(marker, StandardCharsets.UTF_8).split("\n");
            boolean ok = lines.length >= 2 && lines[0].equals(sha) && lines[1].equals(destination);
            Files.deleteIfExists(marker);
            return ok;
        } catch (IOException e) {
            return false;
        }
    }

    void mark(String name, String sha) {
        try {
            Files.createDirectories(spool);
            Path temp = spool.resolve("." + name + ".tmp");
            Files.writeString(temp, sha + "\n" + destination + "\n" + sender + "\n", StandardCharsets.UTF_8);
            Files.move(temp, spool.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // without a marker the archiver's own call archives (or finds) it again: only slower
        }
    }

    /**
     * Up to {@code max} files PostgreSQL marked ready for archiving, other than {@code current} and those
     * already archived ahead, oldest first (timeline history files first, as PostgreSQL orders them).
     */
    List<WalFileName> waiting(WalFileName current, int max) {
        removeStale();
        List<WalFileName> ready = new ArrayList<>();
        try (Stream<Path> s = Files.list(walDir.resolve("archive_status"))) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".ready"))
                    .map(n -> n.substring(0, n.length() - ".ready".length()))
                    .map(WalFileName::parse).flatMap(Optional::stream)
                    .filter(w -> !w.equals(current) && !Files.exists(spool.resolve(w.name()))
                            && Files.isRegularFile(walDir.resolve(w.name())))
                    .forEach(ready::add);
        } catch (IOException e) {
            return List.of();
        }
        ready.sort((a, b) -> {
            boolean ha = a.kind() == WalFileName.Kind.HISTORY;
            boolean hb = b.kind() == WalFileName.Kind.HISTORY;
            return ha != hb ? (ha ? -1 : 1) : a.name().compareTo(b.name());
        });
        return ready.subList(0, Math.min(max, ready.size()));
    }

    private void removeStale() {
        if (!Files.isDirectory(spool)) {
            return;
        }
        Instant cutoff = clock.instant().minus(STALE);
        try (Stream<Path> s = Files.list(spool)) {
            s.forEach(p -> {
                try {
                    FileTime t = Files.getLastModifiedTime(p);
                    if (t.toInstant().isBefore(cutoff) || !Files.exists(walDir.resolve(p.getFileName().toString()))) {
                        Files.deleteIfExists(p);
                    }
                } catch (IOException ignored) {
                    // next time
                }
            });
        } catch (IOException ignored) {
            // next time
        }
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            HashingOutputStream h = new HashingOutputStream(OutputStream.nullOutputStream());
            in.transferTo(h);
            return h.hex();
        }
    }
}
