package io.dbbackup.engine.postgres;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * {@code BASE_BACKUP} over our own replication connection (PostgreSQL 15 and later, whose server sends
 * one terminated tar per tablespace and the manifest in one COPY stream), written as the single tar
 * {@code pg_basebackup -D - -Ft -X fetch} writes: the server's {@code base.tar} with {@code backup_manifest}
 * added as its last entry, before the two zero blocks that end it. No child process and no pipe between
 * the server and the compressor.
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

    /** Runs {@code command} on {@code conn} and writes the base backup's tar to {@code out}. */
    static void run(ReplicationConnection conn, String command, OutputStream out) throws IOException {
        Sink sink = new Sink(out);
        conn.copyOut(command, sink);
        sink.finish();
    }

    /** Demultiplexes the COPY stream: 'n' a new archive, 'd' data, 'm' the manifest begins, 'p' progress. */
    static final class Sink implements ReplicationConnection.CopySink {
        private final OutputStream out;
        private final byte[] held = new byte[TRAILER];
        private int heldLen;
        private int archives;
        private boolean inManifest;
        private final ByteArrayOutputStream manifest = new ByteArrayOutputStream();

        Sink(OutputStream out) {
            this.out = out;
        }

        @Override
        public void copyData(byte[] buf, int len) throws IOException {
            if (len == 0) {
                return;
            }
            switch (buf[0]) {
                case 'n' -> {
                    if (++archives > 1) {
                        String[] names = ReplicationConnection.cstrings(Arrays.copyOfRange(buf, 1, len));
                        throw new IOException("the cluster has a tablespace outside its data directory ("
                                + (names.length > 1 ? names[1] : "?") + "): one base backup stream cannot hold it");
                    }
                }
                case 'm' -> inManifest = true;
                case 'd' -> {
                    if (archives == 0) {
                        throw new IOException("BASE_BACKUP sent data before naming its archive");
                    }
                    if (inManifest) {
                        manifest.write(buf, 1, len - 1);
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

        /** Checks the archive ended with its terminator, then adds the manifest and the terminator. */
        void finish() throws IOException {
            if (archives == 0) {
                throw new IOException("BASE_BACKUP ended without sending an archive");
            }
            if (heldLen != TRAILER || !allZero(held)) {
                throw new IOException("the server's tar did not end with its two zero blocks: the base backup is incomplete");
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
}
