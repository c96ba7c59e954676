package io.dbbackup.spi;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;

/** An object being written to a store: invisible under its key until committed. */
public interface Upload extends Closeable {

    /** Where the bytes go. Closing it does not commit. */
    OutputStream stream();

    /** Makes the object visible under its key (rename, CompleteMultipartUpload...). */
    void commit() throws IOException;

    /** Discards everything written; safe to call more than once and after a failed commit. */
    void abort();

    /** Aborts unless committed. */
    @Override
    void close();
}
