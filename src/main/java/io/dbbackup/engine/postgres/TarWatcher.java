package io.dbbackup.engine.postgres;

import io.dbbackup.spi.WatchingSink;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * Passes a tar stream through unchanged while reading its headers as they go by, keeping the content of
 * {@code backup_label} and the tail of {@code backup_manifest}: the facts of a base backup come from the
 * backup itself, with no second connection and no copy of the stream.
 */
final class TarWatcher extends WatchingSink {
    static final String BACKUP_LABEL = "backup_label";
    static final String BACKUP_MANIFEST = "backup_manifest";
    private static final int LABEL_MAX = 1 << 16;
    private static final int MANIFEST_TAIL = 1 << 14;

    private final byte[] header = new byte[TarHeader.BLOCK];
    private int headerFill;
    private long content;
    private long padding;
    private boolean ended;
    private ByteArrayOutputStream capture;
    private boolean captureTail;
    private byte[] label;
    private byte[] manifestTail;
    private String capturing;
    private long entries;

    TarWatcher(OutputStream out) {
        super(out);
    }

    @Override
    protected void watch(byte[] b, int off, int len) throws IOException {
        while (len > 0 && !ended) {
            if (content > 0) {
                int n = (int) Math.min(len, content);
                if (capture != null) {
                    capture.write(b, off, n);
                    if (captureTail && capture.size() > 2 * MANIFEST_TAIL) {
                        byte[] all = capture.toByteArray();
                        capture.reset();
                        capture.write(all, all.length - MANIFEST_TAIL, MANIFEST_TAIL);
                    }
                }
                content -= n;
                off += n;
                len -= n;
                if (content == 0) {
                    finishEntry();
                }
            } else if (padding > 0) {
                int n = (int) Math.min(len, padding);
                padding -= n;
                off += n;
                len -= n;
            } else {
                int n = Math.min(len, TarHeader.BLOCK - headerFill);
                System.arraycopy(b, off, header, headerFill, n);
                headerFill += n;
                off += n;
                len -= n;
                if (headerFill == TarHeader.BLOCK) {
                    headerFill = 0;
                    startEntry(TarHeader.parse(header, 0));
                }
            }
        }
    }

    private void startEntry(TarHeader h) {
        if (h == null) {
            ended = true;
            return;
        }
        entries++;
        content = h.size();
        padding = h.paddedSize() - h.size();
        String name = h.name().startsWith("./") ? h.name().substring(2) : h.name();
        capture = null;
        capturing = null;
        if (h.isFile() && (name.equals(BACKUP_LABEL) && h.size() <= LABEL_MAX || name.equals(BACKUP_MANIFEST))) {
            capture = new ByteArrayOutputStream();
            capturing = name;
            captureTail = name.equals(BACKUP_MANIFEST);
        }
        if (content == 0) {
            finishEntry();
        }
    }

    private void finishEntry() {
        if (capture != null) {
            byte[] data = capture.toByteArray();
            if (capturing.equals(BACKUP_LABEL)) {
                label = data;
            } else {
                manifestTail = data.length > MANIFEST_TAIL ? Arrays.copyOfRange(data, data.length - MANIFEST_TAIL, data.length) : data;
            }
        }
        capture = null;
        capturing = null;
    }

    Optional<String> backupLabel() {
        return Optional.ofNullable(label).map(b -> new String(b, StandardCharsets.UTF_8));
    }

    /** The last 16 KiB of the manifest (its WAL ranges and checksum). */
    Optional<String> manifestTail() {
        return Optional.ofNullable(manifestTail).map(b -> new String(b, StandardCharsets.UTF_8));
    }

    boolean sawEnd() {
        return ended;
    }

    long entries() {
        return entries;
    }
}
