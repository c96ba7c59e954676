package io.dbbackup.spi;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A sink that learns from a stream and keeps none of it: every byte goes to a {@link LineFilter} whose rule takes notes
 * and passes nothing on ({@link #scanner}); once the filter has seen the last line, {@link #finish} judges what was
 * learnt (a dump's table of contents checked against the selection of a restore in part, say).
 */
public abstract class ScanningSink extends OutputStream {
    /** The filter that reads the stream; it writes nowhere ({@link OutputStream#nullOutputStream()}). */
    protected abstract LineFilter scanner();

    /** After the last line: judges what the scanner learnt. Default: nothing to judge. */
    protected void finish() throws IOException {
    }

    @Override
    public final void write(int b) throws IOException {
        scanner().write(b);
    }

    @Override
    public final void write(byte[] b, int off, int len) throws IOException {
        scanner().write(b, off, len);
    }

    @Override
    public final void close() throws IOException {
        scanner().close();
        finish();
    }
}
