package io.dbbackup.engine.sqlite;

import io.dbbackup.core.ScratchFile;
import io.dbbackup.spi.OperationContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/** A backup written whole to the operation's scratch folder (SQLite opens files, not streams); deleted on close. */
final class ScratchCopy implements AutoCloseable {
    private final Path file;

    private ScratchCopy(Path file) {
        this.file = file;
    }

    /** Writes {@code in} to its end into a new file named {@code purpose-<random>.sqlite}. */
    static ScratchCopy of(InputStream in, String purpose, OperationContext ctx) throws IOException {
        Files.createDirectories(ctx.scratchDir());
        ScratchCopy copy = new ScratchCopy(ctx.scratchDir().resolve(purpose + "-" + UUID.randomUUID() + ".sqlite"));
        OutputStream out;
        try {
            out = Files.newOutputStream(copy.file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw ScratchFile.failure("create the copy of the backup", copy.file, e);
        }
        try (out) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) >= 0; ) {
                try {
                    out.write(buf, 0, n);
                } catch (IOException e) {
                    // the JDK's own is a bare "No space left on device": which disk? (a read's failure is the backup's)
                    throw ScratchFile.failure("write the copy of the backup", copy.file, e);
                }
            }
        } catch (IOException | RuntimeException e) {
            copy.close();
            throw e;
        }
        ctx.cancellation().throwIfCancelled();
        return copy;
    }

    Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(file);
    }
}
