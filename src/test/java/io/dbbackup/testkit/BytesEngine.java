package io.dbbackup.testkit;

import io.dbbackup.core.DumpFormat;
import io.dbbackup.spi.DumpInfo;
import io.dbbackup.spi.Engine;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.RestoreOptions;
import io.dbbackup.spi.TargetState;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Random;

/** An engine whose dump is {@code size} pseudo-random bytes of {@code seed} (a database named {@code db}, SQL). */
public record BytesEngine(long size, long seed) implements Engine {
    @Override
    public String database() {
        return "db";
    }

    @Override
    public DumpFormat format() {
        return DumpFormat.SQL;
    }

    @Override
    public DumpInfo dump(OutputStream out, OperationContext ctx) throws java.io.IOException {
        Random r = new Random(seed);
        byte[] buf = new byte[64 * 1024];
        for (long left = size; left > 0; left -= buf.length) {
            ctx.cancellation().throwIfCancelled();
            r.nextBytes(buf);
            out.write(buf, 0, (int) Math.min(buf.length, left));
        }
        return DumpInfo.of(Map.of("server_version", "bytes 1.0"));
    }

    @Override
    public TargetState inspectTarget(OperationContext ctx) {
        return new TargetState(false, 0, "");
    }

    @Override
    public void restore(InputStream in, DumpFormat format, RestoreOptions options, OperationContext ctx) {
    }

    @Override
    public String describe() {
        return "bytes";
    }
}
