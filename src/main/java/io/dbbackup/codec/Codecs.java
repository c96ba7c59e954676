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
import java.util.zip.GZIPOutputStream;

/**
 * Compression streams whose output the standard CLIs read ({@code gzip -d}, {@code zstd -d},
 * {@code lz4 -d}): gzip members, zstd frames with a content checksum, LZ4 frames (not LZ4 blocks)
 * with block and content checksums.
 */
public final class Codecs {
    static final int BUFFER = 1 << 16;

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
            case GZIP -> new LeveledGzipOutputStream(out, level);
            case ZSTD -> new ZstdOutputStream(out, level).setChecksum(true);
            case LZ4 -> new LZ4FrameOutputStream(out, LZ4FrameOutputStream.BLOCKSIZE.SIZE_4MB, -1L,
                    level <= 1 ? LZ4Factory.fastestInstance().fastCompressor()
                            : LZ4Factory.fastestInstance().highCompressor(level),
                    XXHashFactory.fastestInstance().hash32(),
                    LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE, LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM);
        };
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

    private static final class LeveledGzipOutputStream extends GZIPOutputStream {
        LeveledGzipOutputStream(OutputStream out, int level) throws IOException {
            super(out, BUFFER);
            def.setLevel(level <= 0 ? Deflater.DEFAULT_COMPRESSION : level);
        }
    }
}
