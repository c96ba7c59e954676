package io.dbbackup.spi;

import java.io.IOException;
import java.io.InputStream;

/**
 * An output stream that can read what it is given straight into its own buffers. A tool's stdout is
 * then read into the pipeline's chunks directly, instead of into a buffer that is copied into them
 * (one copy of the whole dump less; {@link ChildProcess} uses it when its sink offers it).
 */
public interface ReadingSink {
    /** Reads {@code in} to its end into this stream (closing neither); returns the number of bytes read. */
    long readFrom(InputStream in) throws IOException;
}
