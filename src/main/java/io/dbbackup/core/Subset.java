package io.dbbackup.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;

/**
 * Part {@code part} of {@code of} of a store's backups, for an audit that reads every backup over several runs instead of
 * all of them each time ({@code verify --all-backups --subset}, as restic's {@code check --read-data-subset n/t}): a
 * backup belongs to the part its key's SHA-256 picks, so the parts are disjoint, together hold every backup, and a
 * backup stays in its part as others come and go. {@code --subset T} picks the part from the date (the day since the
 * epoch, modulo T), so that the same daily command reads every backup once in T days.
 */
public record Subset(int part, int of) {
    /** The most parts a subset may be cut into. */
    public static final int MAX_PARTS = 10_000;

    public Subset {
        if (of < 1 || of > MAX_PARTS || part < 1 || part > of) {
            throw new IllegalArgumentException("a subset is part N of T with 1 <= N <= T <= " + MAX_PARTS + ", got " + part + "/" + of);
        }
    }

    /**
     * {@code N/T}, or {@code T} for the part of {@code today}; an {@link IllegalArgumentException} saying what is expected
     * when {@code text} is neither.
     */
    public static Subset parse(String text, LocalDate today) {
        String t = text.strip();
        try {
            int slash = t.indexOf('/');
            if (slash < 0) {
                int of = Integer.parseInt(t);
                if (of >= 1 && of <= MAX_PARTS) {
                    return new Subset((int) Math.floorMod(today.toEpochDay(), (long) of) + 1, of);
                }
            } else {
                int part = Integer.parseInt(t.substring(0, slash));
                int of = Integer.parseInt(t.substring(slash + 1));
                if (of >= 1 && of <= MAX_PARTS && part >= 1 && part <= of) {
                    return new Subset(part, of);
                }
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("expected N/T (part N of T, 1 <= N <= T <= " + MAX_PARTS + ") or T (the part of "
                + "the day: a daily run reads every backup once in T days), got '" + text + "'");
    }

    /** Whether the backup stored under {@code key} is in this part. */
    public boolean contains(String key) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (h[i] & 0xff);
            }
            return Long.remainderUnsigned(v, of) == part - 1;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    }

    @Override
    public String toString() {
        return part + "/" + of;
    }
}
