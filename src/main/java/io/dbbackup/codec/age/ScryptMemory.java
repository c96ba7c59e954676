package io.dbbackup.codec.age;

import io.dbbackup.core.DbBackupException;

import java.util.Optional;

/**
 * What scrypt needs of the heap: {@code 128 · r · N} bytes (r = 8, N = 2^work factor), 256 MiB at age's default work
 * factor 18, 1 GiB at 20, 4 GiB at 22, in one piece of work. A JVM whose heap cannot hold it dies of an
 * OutOfMemoryError half-way through a backup (a temp file left in the store, no report): it is checked first, and the
 * shortfall is a user error naming the work factor, the memory and how to give the JVM more.
 */
public final class ScryptMemory {
    /** Left for the rest of the stream (the pipe's chunks, compression, the store's buffers) beside scrypt's array. */
    static final long MARGIN = 32L << 20;

    private ScryptMemory() {
    }

    /** The bytes scrypt's array takes at {@code workFactor}. */
    public static long bytesNeeded(int workFactor) {
        return 128L * 8 << workFactor;
    }

    /**
     * The heap scrypt's array really takes at {@code workFactor}: its bytes, plus a quarter under G1, whose 4 MiB chunks
     * (plus an array header) each fill one more region than their size.
     */
    static long footprint(int workFactor) {
        long bytes = bytesNeeded(workFactor);
        return g1() ? bytes + bytes / 4 : bytes;
    }

    private static boolean g1() {
        return java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                .anyMatch(b -> b.getName().startsWith("G1"));
    }

    /**
     * The most this JVM can ever give scrypt's array: the old generation's max when the heap has one of its own (the
     * launcher's serial collector puts large arrays there at once, and the young generation is a third of the heap),
     * else the max heap.
     */
    static long capacity() {
        long max = Runtime.getRuntime().maxMemory();
        for (java.lang.management.MemoryPoolMXBean pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP && pool.getName().equals("Tenured Gen")
                    && pool.getUsage().getMax() > 0) {
                return Math.min(max, pool.getUsage().getMax());
            }
        }
        return max;
    }

    /** What the JVM may still give: {@link #capacity} less what is in use (after a collection when that is short). */
    static long available(long needed) {
        long free = free();
        if (free < needed + MARGIN) {
            System.gc(); // what is in use includes garbage: count only what a collection leaves
            free = free();
        }
        return free;
    }

    private static long free() {
        for (java.lang.management.MemoryPoolMXBean pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP && pool.getName().equals("Tenured Gen")
                    && pool.getUsage().getMax() > 0) {
                return capacity() - pool.getUsage().getUsed();
            }
        }
        Runtime rt = Runtime.getRuntime();
        return capacity() - (rt.totalMemory() - rt.freeMemory());
    }

    /**
     * Before anything is dumped or written: whether this JVM can ever hold scrypt's array at {@code workFactor} (its
     * capacity, not what is free now: another job's scrypt may hold it for a second; the exact check runs when this
     * one's turn comes, {@link #require}).
     */
    static void requireCapacity(int workFactor, String what, boolean lower) {
        long needed = footprint(workFactor);
        if (capacity() >= needed + MARGIN) {
            return;
        }
        throw shortfall(workFactor, what, lower, capacity());
    }

    /**
     * The user error when this JVM cannot hold scrypt's array at {@code workFactor} now. {@code what} says what needs it
     * ("scrypt_work_factor 19 (encryption of new backups)"); {@code lower}: whether lowering the work factor is a way out
     * (it is for new backups, not for opening one).
     */
    static void require(int workFactor, String what, boolean lower) {
        long needed = footprint(workFactor);
        long available = available(needed);
        if (available >= needed + MARGIN) {
            return;
        }
        throw shortfall(workFactor, what, lower, available);
    }

    private static DbBackupException shortfall(int workFactor, String what, boolean lower, long available) {
        return DbBackupException.user(what + " needs " + mib(bytesNeeded(workFactor)) + " of memory for scrypt, but this JVM "
                + "can take only " + mib(Math.max(0, available)) + " more (max heap " + mib(Runtime.getRuntime().maxMemory())
                + "): " + advice(workFactor) + (lower ? ", or lower encryption.scrypt_work_factor" : ""));
    }

    /**
     * A warning for {@code config validate}, when scrypt at {@code workFactor} needs more than this JVM's whole max heap
     * (it then fails every passphrase backup of the job), or empty.
     */
    public static Optional<String> warning(int workFactor) {
        long needed = bytesNeeded(workFactor);
        long max = Runtime.getRuntime().maxMemory();
        if (capacity() >= footprint(workFactor) + MARGIN) {
            return Optional.empty();
        }
        return Optional.of("scrypt_work_factor " + workFactor + " needs " + mib(needed) + " of memory, more than this JVM's"
                + " max heap of " + mib(max) + ": its backups would fail; " + advice(workFactor) + ", or lower it");
    }

    private static String advice(int workFactor) {
        // twice the array: the launcher's old generation is two thirds of the heap, G1 wastes a quarter; and room for the rest
        return io.dbbackup.core.Heap.advice((2 * bytesNeeded(workFactor) + (256L << 20)) >> 20);
    }

    static String mib(long bytes) {
        return bytes >= 1L << 30 && bytes % (1L << 30) == 0 ? (bytes >> 30) + " GiB" : (bytes >> 20) + " MiB";
    }
}
