package io.dbbackup.job;

import io.dbbackup.pipeline.ArtifactReader;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Told how far a long read of a stored backup got (download, restore); the CLI draws a line on a terminal. */
public interface Progress {
    Progress NONE = new Progress() {
    };

    /** {@code what}: what is being done to which file; {@code total}: stored bytes, or -1 when the store does not say. */
    default void started(String what, long total) {
    }

    /** {@code stored}: stored bytes read so far. */
    default void advanced(long stored) {
    }

    /** Ends the read's report; a second call, or one for a read that never started, does nothing. */
    default void finished() {
    }

    /**
     * {@code decoded} as the engine reads it, telling this progress the stored bytes read so far after
     * every read; {@link #finished} is the caller's.
     */
    default InputStream watch(ArtifactReader.Decoded decoded) {
        if (this == NONE) {
            return decoded;
        }
        return new FilterInputStream(decoded) {
            @Override
            public int read() throws IOException {
                int b = in.read();
                advanced(decoded.storedBytes());
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, len);
                advanced(decoded.storedBytes());
                return n;
            }
        };
    }
}
