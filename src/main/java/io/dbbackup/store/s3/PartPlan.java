package io.dbbackup.store.s3;

/**
 * How big each part of a multipart upload is. S3 allows at most 10,000 parts of 5 MiB to 5 GiB; the
 * length of a dump is unknown in advance, so the part size starts at {@code part_size} and doubles
 * after every 1,000 parts, capped at 1 GiB (a part is buffered in one array). With the default
 * 8 MiB the first 1,000 parts carry 8 GiB and 10,000 parts about 3.9 TiB (raise part_size beyond that); memory grows only for
 * dumps larger than {@code 1,000 × part_size}.
 */
record PartPlan(long firstPartSize) {
    static final long MIN_PART = 5L << 20;
    static final long MAX_PART = 1L << 30;
    static final int MAX_PARTS = 10_000;
    static final int PARTS_PER_STEP = 1_000;

    PartPlan {
        if (firstPartSize < MIN_PART || firstPartSize > MAX_PART) {
            throw new IllegalArgumentException("part size must be between 5 MiB and 1 GiB");
        }
    }

    /** The size of part {@code partNumber} (1-based). */
    long sizeOf(int partNumber) {
        int step = (partNumber - 1) / PARTS_PER_STEP;
        long size = firstPartSize;
        for (int i = 0; i < step && size < MAX_PART; i++) {
            size <<= 1;
        }
        return Math.min(size, MAX_PART);
    }

    /** The most bytes that fit in {@link #MAX_PARTS} parts. */
    long capacity() {
        long total = 0;
        for (int step = 0; step < MAX_PARTS / PARTS_PER_STEP; step++) {
            total += sizeOf(step * PARTS_PER_STEP + 1) * PARTS_PER_STEP;
        }
        return total;
    }
}
