package io.dbbackup.engine.postgres;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code BASE_BACKUP} over our own replication connection (PostgreSQL 15 and later, whose server sends
 * one terminated tar per tablespace and the manifest in one COPY stream), written as the single tar
 * {@code pg_basebackup -D - -Ft -X fetch} writes: the server's {@code base.tar} with {@code backup_manifest}
 * added as its last entry, before the two zero blocks that end it, and, unlike pg_basebackup's stream, with
 * each extra tablespace's files inside it under {@code pg_tblspc/<oid>/}. No child process and no pipe
 * between the server and the compressor.
 */
final class BuiltinBaseBackup {
    /** The first server version whose BASE_BACKUP answers in the one-stream form read here. */
    static final int MIN_SERVER = 150000;
    private static final int TRAILER = 2 * TarHeader.BLOCK;

    private BuiltinBaseBackup() {
    }

    /**
     * A replication connection of our own when this client can do all that libpq would for the datasource
     * (one host, over TCP or a Unix socket; trust/password/md5/SCRAM, peer on a socket; sslmode without client
     * certificates; PostgreSQL 15 or later); {@link LibpqOnly} when pg_basebackup must do it (nothing but a
     * start-up reached the server then).
     * The password is the configured one, else {@code ~/.pgpass}'s, as libpq would find it.
     */
    static ReplicationConnection connect(PostgresSettings c, Path home, Duration connectTimeout) throws IOException {
        if (c.host().startsWith("@")) {
            throw new LibpqOnly("an abstract Unix socket");
        }
        if (c.host().contains(",")) {
            throw new LibpqOnly("a list of hosts");
        }
        PgTls tls = PgTls.of(c, home);
        String password = c.password() != null ? c.password().reveal()
                : PgPassFile.lookup(home, PgPassFile.hostField(c.host()), c.port(), "replication", c.user()).orElse(null);
        ReplicationConnection conn = ReplicationConnection.open(c.host(), c.port(), c.user(), new PgAuth(c.user(), password),
                tls, connectTimeout);
        try {
            if (conn.serverVersion().num() < MIN_SERVER) {
                throw new LibpqOnly("PostgreSQL " + conn.serverVersion().text());
            }
            return conn;
        } catch (IOException | RuntimeException e) {
            conn.close();
            throw e;
        }
    }

    /**
     * The BASE_BACKUP command: label, checkpoint, the WAL inside the tar, the manifest, an optional rate limit
     * (kB/s); the options pg_basebackup sends for {@code -Ft -X fetch}: {@code WAIT false} (the WAL the backup
     * needs is in the tar, so the server need not wait until the archiver has stored the last segment) and
     * {@code TABLESPACE_MAP} (the {@code tablespace_map} file a tar-format backup carries).
     */
    static String command(String label, boolean fastCheckpoint, Long maxRateKb) {
        StringBuilder sql = new StringBuilder("BASE_BACKUP ( LABEL '").append(label.replace("'", "''"))
                .append("', CHECKPOINT '").append(fastCheckpoint ? "fast" : "spread")
                .append("', WAL true, WAIT false, TABLESPACE_MAP true, MANIFEST 'yes'");
        if (maxRateKb != null) {
            sql.append(", MAX_RATE ").append(maxRateKb);
        }
        return sql.append(" )").toString();
    }

    /** pg_basebackup's {@code --max-rate}: kB/s, or with a suffix k (kB/s) or M (MB/s). */
    static long maxRateKb(String rate) {
        if (rate.endsWith("M")) {
            return Long.parseLong(rate.substring(0, rate.length() - 1)) * 1024;
        }
        return Long.parseLong(rate.endsWith("k") ? rate.substring(0, rate.length() - 1) : rate);
    }

    /**
     * Runs {@code command} on {@code conn} and writes the base backup's tar to {@code out}; returns the extra
     * tablespaces it holds (OID to the server's location), in the order they came.
     */
    static Map<String, String> run(ReplicationConnection conn, String command, OutputStream out) throws IOException {
        Sink sink = new Sink(out);
        conn.copyOut(command, sink);
        sink.finish();
        return sink.tablespaces();
    }

    /**
     * Demultiplexes the COPY stream: 'n' a new archive, 'd' data, 'm' the manifest begins, 'p' progress. Each
     * extra tablespace's archive ({@code <oid>.tar}, whatever its place in the stream) goes into the one tar with
     * its entries under {@code pg_tblspc/<oid>/}, the paths its files have in {@code backup_manifest}; every
     * archive's end-of-archive blocks are dropped, and one terminator follows the manifest.
     */
    static final class Sink implements ReplicationConnection.CopySink {
        private static final Pattern TABLESPACE_ARCHIVE = Pattern.compile("(\\d+)\\.tar");
        private final OutputStream out;
        private final byte[] held = new byte[TRAILER];
        private int heldLen;
        private boolean inArchive;
        private boolean sawBase;
        private Relocator relocator;
        private boolean inManifest;
        private final ByteArrayOutputStream manifest = new ByteArrayOutputStream();
        private final Map<String, String> tablespaces = new LinkedHashMap<>();

        Sink(OutputStream out) {
            this.out = out;
        }

        /** The extra tablespaces seen so far: OID to the location the server named. */
        Map<String, String> tablespaces() {
            return Collections.unmodifiableMap(tablespaces);
        }

        @Override
        public void copyData(byte[] buf, int len) throws IOException {
            if (len == 0) {
                return;
            }
            switch (buf[0]) {
                case 'n' -> {
                    endArchive();
                    String[] names = ReplicationConnection.cstrings(Arrays.copyOfRange(buf, 1, len));
                    beginArchive(names.length > 0 ? names[0] : "", names.length > 1 ? names[1] : "");
                }
                case 'm' -> {
                    endArchive();
                    inManifest = true;
                }
                case 'd' -> {
                    if (inManifest) {
                        manifest.write(buf, 1, len - 1);
                    } else if (!inArchive) {
                        throw new IOException("BASE_BACKUP sent data before naming its archive");
                    } else if (relocator != null) {
                        relocator.write(buf, 1, len - 1);
                    } else {
                        archive(buf, 1, len - 1);
                    }
                }
                case 'p' -> {
                    // progress: not asked for
                }
                default -> throw new IOException("BASE_BACKUP sent an unknown COPY message '" + (char) buf[0] + "'");
            }
        }

        private void beginArchive(String name, String location) throws IOException {
            if (inManifest) {
                throw new IOException("BASE_BACKUP sent archive " + name + " after its manifest");
            }
            if (name.equals("base.tar")) {
                if (sawBase) {
                    throw new IOException("BASE_BACKUP sent base.tar twice");
                }
                sawBase = true;
                relocator = null;
            } else {
                Matcher m = TABLESPACE_ARCHIVE.matcher(name);
                if (!m.matches() || !location.startsWith("/") || tablespaces.containsKey(m.group(1))) {
                    throw new IOException("BASE_BACKUP sent an archive this client does not know: '" + name + "' ("
                            + location + ")");
                }
                tablespaces.put(m.group(1), location);
                relocator = new Relocator(out, "pg_tblspc/" + m.group(1), location);
            }
            inArchive = true;
        }

        /** An archive's end: its terminator must be there; it is dropped (one ends the whole tar). */
        private void endArchive() throws IOException {
            if (!inArchive) {
                return;
            }
            if (relocator != null) {
                relocator.finish();
                relocator = null;
            } else {
                if (heldLen != TRAILER || !allZero(held)) {
                    throw new IOException("the server's tar did not end with its two zero blocks: the base backup is incomplete");
                }
                heldLen = 0;
            }
            inArchive = false;
        }

        /** Writes all but the last 1,024 bytes seen so far: they may be the terminator the manifest goes before. */
        private void archive(byte[] b, int off, int len) throws IOException {
            int total = heldLen + len;
            if (total <= TRAILER) {
                System.arraycopy(b, off, held, heldLen, len);
                heldLen = total;
                return;
            }
            int release = total - TRAILER;
            int fromHeld = Math.min(heldLen, release);
            if (fromHeld > 0) {
                out.write(held, 0, fromHeld);
                System.arraycopy(held, fromHeld, held, 0, heldLen - fromHeld);
                heldLen -= fromHeld;
            }
            int fromNew = release - fromHeld;
            if (fromNew > 0) {
                out.write(b, off, fromNew);
            }
            System.arraycopy(b, off + fromNew, held, heldLen, len - fromNew);
            heldLen += len - fromNew;
        }

        /** Checks the archives ended with their terminators, then adds the manifest and the terminator. */
        void finish() throws IOException {
            endArchive();
            if (!sawBase) {
                throw new IOException("BASE_BACKUP ended without sending the data directory's archive (base.tar)");
            }
            if (manifest.size() == 0) {
                throw new IOException("BASE_BACKUP sent no backup_manifest");
            }
            out.write(TarHeader.file(TarWatcher.BACKUP_MANIFEST, manifest.size(), System.currentTimeMillis() / 1000));
            manifest.writeTo(out);
            int pad = (int) ((TarHeader.BLOCK - manifest.size() % TarHeader.BLOCK) % TarHeader.BLOCK);
            out.write(new byte[pad + TRAILER]);
        }

        private static boolean allZero(byte[] b) {
            for (byte x : b) {
                if (x != 0) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Passes one tablespace's tar on with each header's name moved under {@code dir}, content unchanged, and
     * stops at its end-of-archive block (after which only zeros may come).
     */
    static final class Relocator {
        private final OutputStream out;
        private final String dir;
        private final String location;
        private final byte[] header = new byte[TarHeader.BLOCK];
        private int headerFill;
        private long content;
        private boolean ended;

        Relocator(OutputStream out, String dir, String location) {
            this.out = out;
            this.dir = dir;
            this.location = location;
        }

        void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (ended) {
                    for (int i = off; i < off + len; i++) {
                        if (b[i] != 0) {
                            throw new IOException("the server's tar of tablespace " + location + " holds data after its end");
                        }
                    }
                    return;
                }
                if (content > 0) {
                    int n = (int) Math.min(len, content);
                    out.write(b, off, n);
                    content -= n;
                    off += n;
                    len -= n;
                    continue;
                }
                int n = Math.min(len, TarHeader.BLOCK - headerFill);
                System.arraycopy(b, off, header, headerFill, n);
                headerFill += n;
                off += n;
                len -= n;
                if (headerFill == TarHeader.BLOCK) {
                    headerFill = 0;
                    TarHeader h = TarHeader.parse(header, 0);
                    if (h == null) {
                        ended = true;
                    } else if (h.isFile() || h.isDirectory()) {
                        out.write(TarHeader.underFolder(header, 0, dir));
                        content = h.paddedSize();
                    } else {
                        throw new IOException("the server's tar of tablespace " + location + " holds '" + h.name()
                                + "' of tar type '" + h.type() + "', which this client does not relocate");
                    }
                }
            }
        }

        void finish() throws IOException {
            if (!ended || content > 0) {
                throw new IOException("the server's tar of tablespace " + location
                        + " did not end with its end-of-archive block: the base backup is incomplete");
            }
        }
    }
}
