package io.dbbackup.testkit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/**
 * WAL segments for tests without a server: random bytes behind the long page header PostgreSQL opens every
 * segment with (little-endian, as on x86 and ARM), for the position its name says and a given system.
 */
public final class FakeWal {
    public static final long SYSTEM = 7_000_000_000_000_000_001L;

    private FakeWal() {
    }

    /** A {@code size}-byte segment named {@code name} (24 hex digits) of system {@link #SYSTEM}, random after its header. */
    public static byte[] segment(String name, int size, int seed) {
        return segment(name, size, seed, SYSTEM);
    }

    public static byte[] segment(String name, int size, int seed, long system) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        java.util.Arrays.fill(b, Math.min(1000, size), size, (byte) 0);
        long log = Long.parseLong(name.substring(8, 16), 16);
        long seg = Long.parseLong(name.substring(16, 24), 16);
        header(b, Long.parseLong(name.substring(0, 8), 16), (log * (0x1_0000_0000L / size) + seg) * size, system, size);
        return b;
    }

    /** Writes a long page header for {@code pageAddress} into {@code b}. */
    public static void header(byte[] b, long timeline, long pageAddress, long system, int segmentSize) {
        ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        h.putShort(0, (short) 0xD110).putShort(2, (short) 0x0006).putInt(4, (int) timeline).putLong(8, pageAddress)
                .putInt(16, 0).putInt(20, 0).putLong(24, system).putInt(32, segmentSize).putInt(36, 8192);
    }

    /** The start of a {@code global/pg_control} of system {@code system}. */
    public static byte[] pgControl(long system) {
        return ByteBuffer.allocate(296).order(ByteOrder.LITTLE_ENDIAN).putLong(0, system).array();
    }
}
