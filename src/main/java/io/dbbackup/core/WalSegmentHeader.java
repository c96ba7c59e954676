package io.dbbackup.core;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * The long page header that opens every WAL segment ({@code XLogLongPageHeaderData}): the WAL position of the
 * segment's first page ({@code xlp_pageaddr}), the database system it belongs to ({@code xlp_sysid}) and the
 * segment size ({@code xlp_seg_size}), in the server's byte order. It tells whether a file is really the segment
 * its name says: PostgreSQL rejects a segment whose first page is for another position or system only when it
 * replays it, and in archive recovery takes that for the end of the WAL (and promotes) instead of failing.
 */
public record WalSegmentHeader(long pageAddress, long systemIdentifier, int segmentSize, ByteOrder order) {
    /** The bytes of the header that are read: magic, info, timeline, page address, rem_len, padding, sysid, sizes. */
    public static final int LENGTH = 40;
    private static final int XLP_LONG_HEADER = 0x0002;

    /** The header of {@code first} (the file's first {@link #LENGTH} or more bytes), if it is one (either byte order). */
    public static Optional<WalSegmentHeader> parse(byte[] first) {
        if (first.length < LENGTH) {
            return Optional.empty();
        }
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            ByteBuffer b = ByteBuffer.wrap(first, 0, LENGTH).order(order);
            int info = b.getShort(2) & 0xFFFF;
            int segmentSize = b.getInt(32);
            int blockSize = b.getInt(36);
            if ((info & XLP_LONG_HEADER) != 0 && powerOfTwo(segmentSize, 1 << 20, 1 << 30) && powerOfTwo(blockSize, 1 << 10, 1 << 15)) {
                return Optional.of(new WalSegmentHeader(b.getLong(8), b.getLong(24), segmentSize, order));
            }
        }
        return Optional.empty();
    }

    /**
     * Why {@code first} (the first bytes of a file of {@code size} bytes) is not WAL segment (or {@code .partial})
     * {@code name}; empty when it is. Other kinds of file (history, backup history) are not checked.
     */
    public static Optional<String> mismatch(WalFileName name, byte[] first, long size) {
        if (name.kind() != WalFileName.Kind.SEGMENT && name.kind() != WalFileName.Kind.PARTIAL) {
            return Optional.empty();
        }
        Optional<WalSegmentHeader> parsed = parse(first);
        if (parsed.isEmpty()) {
            return Optional.of("it does not start with a WAL segment header");
        }
        WalSegmentHeader h = parsed.get();
        long perLog = 0x1_0000_0000L / h.segmentSize();
        long log = name.position() >>> 32;
        long seg = name.position() & 0xFFFF_FFFFL;
        if (seg >= perLog) {
            return Optional.of("its name is no segment of " + h.segmentSize() / (1 << 20) + " MiB WAL");
        }
        long expected = (log * perLog + seg) * h.segmentSize();
        if (h.pageAddress() != expected) {
            return Optional.of("its first page is WAL position " + new Lsn(h.pageAddress()) + ", segment "
                    + name.segment() + " starts at " + new Lsn(expected));
        }
        if (name.kind() == WalFileName.Kind.SEGMENT && size != h.segmentSize()) {
            return Optional.of("it holds " + size + " bytes, a segment " + h.segmentSize());
        }
        return Optional.empty();
    }

    /**
     * Why segment {@code name} (its first bytes {@code first}) cannot belong to the cluster whose {@code global/pg_control}
     * starts with {@code pgControl} (its system identifier first, in the same byte order); empty when it can, or when
     * either is not what it should be (the caller checks the segment itself with {@link #mismatch}).
     */
    public static Optional<String> otherSystem(WalFileName name, byte[] first, byte[] pgControl) {
        if (name.kind() != WalFileName.Kind.SEGMENT && name.kind() != WalFileName.Kind.PARTIAL || pgControl.length < 8) {
            return Optional.empty();
        }
        return parse(first).flatMap(h -> {
            long cluster = ByteBuffer.wrap(pgControl, 0, 8).order(h.order()).getLong();
            return cluster == h.systemIdentifier() ? Optional.empty() : Optional.of("it was written by database system "
                    + Long.toUnsignedString(h.systemIdentifier()) + ", this data directory is database system "
                    + Long.toUnsignedString(cluster));
        });
    }

    private static boolean powerOfTwo(int v, int min, int max) {
        return v >= min && v <= max && Integer.bitCount(v) == 1;
    }
}
