package io.dbbackup.codec;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import io.dbbackup.core.Compression;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import net.jpountz.xxhash.XXHashFactory;

import java.io.BufferedInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;

/**
 * Compression streams whose output the standard CLIs read ({@code gzip -d}, {@code zstd -d},
 * {@code lz4 -d}): gzip members, zstd frames with a content checksum, LZ4 frames (not LZ4 blocks)
 * with block and content checksums. zstd and gzip compress on {@link #WORKERS} threads of their own
 * (zstd's multi-threaded mode; gzip in blocks as pigz does), each still one standard frame/member,
 * so the writer only hands bytes over.
 */
public final class Codecs {
    static final int BUFFER = 1 << 16;

    /**
     * Compression threads (zstd's workers, gzip's block deflaters): one per available processor (the
     * JVM counts the container's CPU limit), at most 4. Each holds a few MiB at the usual levels, so
     * memory stays fixed.
     */
    public static final int WORKERS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

    /**
     * zstd's job size for levels up to {@link #ZSTD_SMALL_JOB_MAX_LEVEL} (window ≤ 4 MiB): 4 MiB instead of
     * zstd's default 4 × window, which cuts the compressor's memory by a third (~30 instead of ~60 MiB
     * with 2 workers) for the same ratio and speed. Higher levels keep zstd's default (their window is larger).
     */
    static final int ZSTD_JOB_SIZE = 4 << 20;
    static final int ZSTD_SMALL_JOB_MAX_LEVEL = 9;

    private Codecs() {
    }

    /** Wraps {@code out}; closing the result finishes the frame and closes {@code out}. */
    public static OutputStream compress(OutputStream out, Compression compression, int level) throws IOException {
        return switch (compression) {
            case NONE -> new FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }
            };
            case GZIP -> new ParallelGzipOutputStream(out, level <= 0 ? Deflater.DEFAULT_COMPRESSION : level, WORKERS);
            case ZSTD -> zstd(out, level);
            case LZ4 -> new LZ4FrameOutputStream(out, LZ4FrameOutputStream.BLOCKSIZE.SIZE_4MB, -1L,
                    level <= 1 ? LZ4Factory.fastestInstance().fastCompressor()
                            : LZ4Factory.fastestInstance().highCompressor(level),
                    XXHashFactory.fastestInstance().hash32(),
                    LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE, LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM);
        };
    }

    private static OutputStream zstd(OutputStream out, int level) throws IOException {
        ZstdOutputStream z = new ZstdOutputStream(out, level).setChecksum(true).setWorkers(WORKERS);
        if (level <= ZSTD_SMALL_JOB_MAX_LEVEL) {
            z.setJobSize(ZSTD_JOB_SIZE);
        }
        return z;
    }

    /** Wraps {@code in} with the decoder for {@code compression}; corrupt input raises an IOException. */
    public static InputStream decompress(InputStream in, Compression compression) throws IOException {
        return switch (compression) {
            case NONE -> in;
            case GZIP -> new GZIPInputStream(in, BUFFER);
            case ZSTD -> new ZstdInputStream(new BufferedInputStream(in, BUFFER));
            case LZ4 -> new LZ4FrameInputStream(new BufferedInputStream(in, BUFFER));
        };
    }

}
