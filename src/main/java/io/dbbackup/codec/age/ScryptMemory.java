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

    /** The heap this JVM may still take: its max heap less what is in use (after a collection when that is short). */
    static long available(long needed) {
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (free < needed + MARGIN) {
            System.gc(); // what is in use includes garbage: count only what a collection leaves
            free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        }
        return free;
    }

    /**
     * The user error when this JVM cannot hold scrypt's array at {@code workFactor} now. {@code what} says what needs it
     * ("scrypt_work_factor 19 (encryption of new backups)"); {@code lower}: whether lowering the work factor is a way out
     * (it is for new backups, not for opening one).
     */
    static void require(int workFactor, String what, boolean lower) {
        long needed = bytesNeeded(workFactor);
        long available = available(needed);
        if (available >= needed + MARGIN) {
            return;
        }
        throw DbBackupException.user(what + " needs " + mib(needed) + " of memory for scrypt, but this JVM can take only "
                + mib(Math.max(0, available)) + " more (max heap " + mib(Runtime.getRuntime().maxMemory()) + "): "
                + advice(workFactor) + (lower ? ", or lower encryption.scrypt_work_factor" : ""));
    }

    /**
     * A warning for {@code config validate}, when scrypt at {@code workFactor} needs more than this JVM's whole max heap
     * (it then fails every passphrase backup of the job), or empty.
     */
    public static Optional<String> warning(int workFactor) {
        long needed = bytesNeeded(workFactor);
        long max = Runtime.getRuntime().maxMemory();
        if (max >= needed + MARGIN) {
            return Optional.empty();
        }
        return Optional.of("scrypt_work_factor " + workFactor + " needs " + mib(needed) + " of memory, more than this JVM's"
                + " max heap of " + mib(max) + ": its backups would fail; " + advice(workFactor) + ", or lower it");
    }

    private static String advice(int workFactor) {
        return io.dbbackup.core.Heap.advice((bytesNeeded(workFactor) + (256L << 20)) >> 20);
    }

    static String mib(long bytes) {
        return bytes >= 1L << 30 && bytes % (1L << 30) == 0 ? (bytes >> 30) + " GiB" : (bytes >> 20) + " MiB";
    }
}
