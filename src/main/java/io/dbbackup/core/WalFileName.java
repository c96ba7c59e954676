package io.dbbackup.core;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A file name PostgreSQL's archiver hands to {@code archive_command} and asks of {@code restore_command}:
 * a WAL segment {@code TTTTTTTTLLLLLLLLSSSSSSSS} (timeline, log, segment in hex), a {@code .partial}
 * segment (the last one of a timeline left at a promotion), a backup history file
 * {@code <segment>.<offset>.backup}, or a timeline history file {@code TTTTTTTT.history}. Anything else
 * is not a name PostgreSQL archives, and is refused.
 */
public record WalFileName(String name, Kind kind, long timeline, long position) implements Comparable<WalFileName> {
    /** What kind of file PostgreSQL archived. */
    public enum Kind { SEGMENT, PARTIAL, BACKUP, HISTORY }

    private static final Pattern SEGMENT = Pattern.compile("([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})(\\.partial|\\.[0-9A-F]{8}\\.backup)?");
    private static final Pattern HISTORY = Pattern.compile("([0-9A-F]{8})\\.history");

    public static Optional<WalFileName> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        Matcher m = SEGMENT.matcher(name);
        if (m.matches()) {
            String suffix = m.group(4);
            Kind kind = suffix == null ? Kind.SEGMENT : suffix.equals(".partial") ? Kind.PARTIAL : Kind.BACKUP;
            long position = Long.parseLong(m.group(2), 16) << 32 | Long.parseLong(m.group(3), 16);
            return Optional.of(new WalFileName(name, kind, Long.parseLong(m.group(1), 16), position));
        }
        m = HISTORY.matcher(name);
        if (m.matches()) {
            return Optional.of(new WalFileName(name, Kind.HISTORY, Long.parseLong(m.group(1), 16), -1));
        }
        return Optional.empty();
    }

    /** The segment this file belongs to ({@code TTTTTTTTLLLLLLLLSSSSSSSS}), or the name itself for a history file. */
    public String segment() {
        return kind == Kind.HISTORY ? name : name.substring(0, 24);
    }

    /**
     * The archive sub-folder: segments (and their .partial/.backup files) are grouped by timeline and log
     * (the first 16 characters, at most 256 files of 16 MiB per folder); history files have none.
     */
    public String folder() {
        return kind == Kind.HISTORY ? "" : name.substring(0, 16) + "/";
    }

    /**
     * The WAL segment size (a power of two from 1 MiB to 1 GiB, as {@code initdb --wal-segsize} allows) with which this
     * segment holds {@code lsn}, as a backup_label's START WAL LOCATION names both; the largest when more than one fits
     * (a start in a log's first segment), empty when none does or this is no segment's name.
     */
    public java.util.OptionalLong segmentSizeHolding(Lsn lsn) {
        if (kind == Kind.HISTORY || lsn.value() >>> 32 != position >>> 32) {
            return java.util.OptionalLong.empty();
        }
        long offset = lsn.value() & 0xFFFF_FFFFL;
        long seg = position & 0xFFFF_FFFFL;
        for (long size = 1L << 30; size >= 1L << 20; size >>>= 1) {
            if (offset / size == seg) {
                return java.util.OptionalLong.of(size);
            }
        }
        return java.util.OptionalLong.empty();
    }

    /** The first LSN after this segment, for segments of {@code segmentSize} bytes (a history file has none). */
    public Lsn end(long segmentSize) {
        if (kind == Kind.HISTORY) {
            throw new IllegalStateException(name + " is not a WAL segment");
        }
        return new Lsn((position >>> 32 << 32) + ((position & 0xFFFF_FFFFL) + 1) * segmentSize);
    }

    /** Timeline first, then position in the WAL, then name (history files first on their timeline). */
    @Override
    public int compareTo(WalFileName o) {
        int c = Long.compare(timeline, o.timeline);
        if (c == 0) {
            c = Long.compareUnsigned(position + 1, o.position + 1);
        }
        return c != 0 ? c : name.compareTo(o.name);
    }

    @Override
    public String toString() {
        return name;
    }
}
