package io.dbbackup.job;

import io.dbbackup.core.DbBackupException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Splits the jobs of {@code backup --all} across N pods (an Indexed Job, or N CronJobs): job
 * {@code name} belongs to shard {@code floorMod(first 8 bytes of SHA-256(name), N)}. A hash of the
 * name (not {@code String.hashCode}, not the position in a sorted list) keeps a job on its shard when
 * other jobs are added or removed, and gives the same answer on every JVM and every pod.
 */
public final class Sharding {
    /** Environment variable Kubernetes sets in each pod of an Indexed Job (0-based). */
    public static final String INDEX_ENV = "JOB_COMPLETION_INDEX";
    /** Environment variable the manifest sets to the Job's {@code completions} (Kubernetes does not). */
    public static final String COUNT_ENV = "JOB_COMPLETIONS";

    /** Shard {@code index} of {@code count}: 0 ≤ index < count, count ≥ 1. */
    public record Shard(int index, int count) {
        public Shard {
            if (count < 1) {
                throw DbBackupException.user("shard count must be at least 1, got " + count);
            }
            if (index < 0 || index >= count) {
                throw DbBackupException.user("shard index must be between 0 and " + (count - 1) + ", got " + index);
            }
        }

        /** Parses {@code I/N}, e.g. {@code 0/3}. */
        public static Shard parse(String text) {
            String[] parts = text.trim().split("/", -1);
            if (parts.length != 2) {
                throw DbBackupException.user("--shard must be I/N (e.g. 0/3), got '" + text + "'");
            }
            return new Shard(number(parts[0], "--shard index"), number(parts[1], "--shard count"));
        }

        /** Whether the job named {@code jobName} belongs to this shard. */
        public boolean owns(String jobName) {
            return shardOf(jobName, count) == index;
        }

        @Override
        public String toString() {
            return index + "/" + count;
        }
    }

    private Sharding() {
    }

    /** The shard (0 ≤ result < count) that job {@code jobName} belongs to. */
    public static int shardOf(String jobName, int count) {
        if (count < 1) {
            throw DbBackupException.user("shard count must be at least 1, got " + count);
        }
        return (int) Math.floorMod(ByteBuffer.wrap(sha256(jobName)).getLong(), (long) count);
    }

    /** The items of {@code all} whose name belongs to {@code shard}, in their original order. */
    public static <T> List<T> select(List<T> all, Function<T, String> name, Shard shard) {
        return all.stream().filter(item -> shard.owns(name.apply(item))).toList();
    }

    /**
     * The shard named by an Indexed Job's environment: both {@value #INDEX_ENV} and
     * {@value #COUNT_ENV} set → that shard; neither → empty; only one → a user error (every pod
     * would otherwise run every job).
     */
    public static Optional<Shard> fromEnvironment(Map<String, String> env) {
        String index = blankToNull(env.get(INDEX_ENV));
        String count = blankToNull(env.get(COUNT_ENV));
        if (index == null && count == null) {
            return Optional.empty();
        }
        if (index == null || count == null) {
            String missing = index == null ? INDEX_ENV : COUNT_ENV;
            String present = index == null ? COUNT_ENV : INDEX_ENV;
            throw DbBackupException.user(present + " is set but " + missing + " is not: set both (an Indexed Job sets "
                    + INDEX_ENV + "; set " + COUNT_ENV + " to the Job's completions) or pass --shard I/N");
        }
        return Optional.of(new Shard(number(index, INDEX_ENV), number(count, COUNT_ENV)));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static int number(String text, String what) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw DbBackupException.user(what + " must be a whole number, got '" + text + "'");
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
