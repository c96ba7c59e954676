package io.dbbackup.spi;

import io.dbbackup.core.StoredObject;
import io.dbbackup.core.UnfinishedUpload;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A store that hands every call to another: the base of decorators that change one thing ({@link RateLimitedStore}). */
public abstract class ForwardingStore implements Store {
    protected final Store delegate;

    protected ForwardingStore(Store delegate) {
        this.delegate = delegate;
    }

    @Override
    public Upload upload(String key, OperationContext ctx) throws IOException {
        return delegate.upload(key, ctx);
    }

    @Override
    public void put(String key, byte[] content, OperationContext ctx) throws IOException {
        delegate.put(key, content, ctx);
    }

    @Override
    public boolean putIfAbsent(String key, byte[] content, OperationContext ctx) throws IOException {
        return delegate.putIfAbsent(key, content, ctx);
    }

    @Override
    public InputStream open(String key) throws IOException {
        return delegate.open(key);
    }

    @Override
    public List<StoredObject> list(String prefix) throws IOException {
        return delegate.list(prefix);
    }

    @Override
    public List<StoredObject> listReadable(String prefix) throws IOException {
        return delegate.listReadable(prefix);
    }

    @Override
    public List<StoredObject> listFolder(String folder) throws IOException {
        return delegate.listFolder(folder);
    }

    @Override
    public Optional<StoredObject> stat(String key) throws IOException {
        return delegate.stat(key);
    }

    @Override
    public void delete(String key) throws IOException {
        delegate.delete(key);
    }

    @Override
    public void deleteAll(List<String> keys) throws IOException {
        delegate.deleteAll(keys);
    }

    @Override
    public List<UnfinishedUpload> listUnfinished(String prefix) throws IOException {
        return delegate.listUnfinished(prefix);
    }

    @Override
    public List<UnfinishedUpload> listSetAside(String prefix) throws IOException {
        return delegate.listSetAside(prefix);
    }

    @Override
    public void removeUnfinished(UnfinishedUpload upload) throws IOException {
        delegate.removeUnfinished(upload);
    }

    @Override
    public Optional<Instant> credentialsExpire() {
        return delegate.credentialsExpire();
    }

    @Override
    public Optional<String> missingRoot() throws IOException {
        return delegate.missingRoot();
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public String nameOf(String key) {
        return delegate.nameOf(key);
    }

    @Override
    public String howToWrite(String key, String line) {
        return delegate.howToWrite(key, line);
    }

    @Override
    public String location(String folder) {
        return delegate.location(folder);
    }

    @Override
    public String keyPrefix() {
        return delegate.keyPrefix();
    }

    @Override
    public java.util.OptionalInt keySegmentLimit() {
        return delegate.keySegmentLimit();
    }

    @Override
    public java.util.Optional<String> longestEntryName(String fileName) {
        return delegate.longestEntryName(fileName);
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
