package io.dbbackup.spi;

import java.io.IOException;
import java.io.OutputStream;

/** An upload that hands every call to another: the base of decorators that change one thing. */
public class ForwardingUpload implements Upload {
    protected final Upload delegate;

    public ForwardingUpload(Upload delegate) {
        this.delegate = delegate;
    }

    @Override
    public OutputStream stream() {
        return delegate.stream();
    }

    @Override
    public void commit() throws IOException {
        delegate.commit();
    }

    @Override
    public void abort() {
        delegate.abort();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
