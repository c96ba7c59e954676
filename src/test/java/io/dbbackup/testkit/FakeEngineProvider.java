package io.dbbackup.testkit;

import io.dbbackup.core.DumpFormat;
import io.dbbackup.spi.ChildProcess;
import io.dbbackup.spi.ConfigSection;
import io.dbbackup.spi.DumpInfo;
import io.dbbackup.spi.Engine;
import io.dbbackup.spi.EngineProvider;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.RestoreOptions;
import io.dbbackup.spi.TargetState;
import io.dbbackup.spi.ToolFailedException;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Test-only {@code engine: fake} (registered in src/test/resources/META-INF/services), to inject
 * faults a real database cannot produce on demand:
 * <ul>
 * <li>{@code size} bytes of deterministic data, spread over {@code duration} (cancellable);</li>
 * <li>{@code fail_attempts: N}: attempts 1..N fail like a dump tool that exited 1 (transient),
 * counted in {@code attempts_file}, which gets one line (epoch millis) per attempt;</li>
 * <li>{@code ignore_cancel: true}: the generated dump does not watch the cancellation token (like an
 * engine busy in a library call);</li>
 * <li>{@code command: [...]}: the dump is that child process's stdout, run through {@link ChildProcess}
 * (killed on cancellation like pg_dump would be).</li>
 * </ul>
 */
public final class FakeEngineProvider implements EngineProvider {
    @Override
    public String type() {
        return "fake";
    }

    @Override
    public Engine create(ConfigSection s) {
        String database = s.string("database").orElse(s.name());
        int size = s.integer("size", 1, Integer.MAX_VALUE).orElse(64 * 1024);
        Duration duration = s.duration("duration").orElse(Duration.ZERO);
        int failAttempts = s.integer("fail_attempts", 0, Integer.MAX_VALUE).orElse(0);
        Path attemptsFile = s.path("attempts_file").orElse(null);
        List<String> command = s.stringList("command");
        boolean ignoreCancel = s.bool("ignore_cancel").orElse(false);
        boolean physical = s.bool("physical").orElse(false);
        Duration restoreDuration = s.duration("restore_duration").orElse(Duration.ZERO);
        String startWalFile = s.string("start_wal_file").orElse(null);
        if (failAttempts > 0 && attemptsFile == null) {
            s.error("attempts_file", "fail_attempts needs attempts_file");
        }
        return new FakeEngine(database, size, duration, failAttempts, attemptsFile, command, ignoreCancel, physical, restoreDuration,
                startWalFile);
    }

    /**
     * With {@code physical: true} it makes "base backups": its dump is restored into a directory as 20 files
     * {@code part-NN}, written over {@code restore_duration}; {@code start_wal_file: NAME} puts that fact in each
     * backup's manifest (where its WAL starts, as a PostgreSQL base backup's does), so that prune decides about the
     * job's archived WAL.
     */
    record FakeEngine(String database, int size, Duration duration, int failAttempts, Path attemptsFile,
                      List<String> command, boolean ignoreCancel, boolean physical, Duration restoreDuration,
                      String startWalFile) implements Engine {
        @Override
        public DumpFormat format() {
            return physical ? DumpFormat.TAR : DumpFormat.SQL;
        }

        @Override
        public boolean physical() {
            return physical;
        }

        @Override
        public void restoreFiles(InputStream in, DumpFormat format, io.dbbackup.spi.DirectoryRestore request, OperationContext ctx)
                throws IOException {
            if (!physical) {
                Engine.super.restoreFiles(in, format, request, ctx);
                return;
            }
            byte[] all = in.readAllBytes();
            int slice = Math.max(1, (all.length + 19) / 20);
            for (int i = 0, off = 0; off < all.length; i++, off += slice) {
                Files.write(request.directory().resolve(String.format("part-%02d", i)),
                        java.util.Arrays.copyOfRange(all, off, Math.min(all.length, off + slice)));
                pause(restoreDuration.toNanos() / 20, ctx);
            }
        }

        @Override
        public DumpInfo dump(OutputStream out, OperationContext ctx) throws IOException {
            int attempt = recordAttempt();
            if (attempt <= failAttempts) {
                throw new ToolFailedException("fake-dump", 1, "fake-dump: connecting to " + database + "\n"
                        + "fake-dump: error: injected failure on attempt " + attempt + "\n"
                        + "fake-dump: FATAL: could not dump " + database, true);
            }
            if (!command.isEmpty()) {
                ChildProcess.of(command).name("fake-dump").run(null, out, ctx.cancellation());
                return DumpInfo.of(Map.of("fake", "command"));
            }
            Random random = new Random(size);
            byte[] buf = new byte[Math.max(1, size / 20)];
            long sliceNanos = duration.toNanos() / 20;
            int left = size;
            while (left > 0) {
                if (!ignoreCancel) {
                    ctx.cancellation().throwIfCancelled();
                }
                random.nextBytes(buf);
                int n = Math.min(left, buf.length);
                out.write(buf, 0, n);
                left -= n;
                pause(sliceNanos, ignoreCancel ? new OperationContext(new io.dbbackup.spi.Cancellation(), ctx.log(),
                        ctx.scratchDir()) : ctx);
            }
            return DumpInfo.of(startWalFile == null ? Map.of("fake", "generated")
                    : Map.of("fake", "generated", "start_wal_file", startWalFile));
        }

        private static void pause(long nanos, OperationContext ctx) throws InterruptedIOException {
            long end = System.nanoTime() + nanos;
            while (System.nanoTime() < end) {
                ctx.cancellation().throwIfCancelled();
                try {
                    Thread.sleep(Math.max(1, Math.min(10, (end - System.nanoTime()) / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted");
                }
            }
        }

        private int recordAttempt() throws IOException {
            if (attemptsFile == null) {
                return Integer.MAX_VALUE;
            }
            synchronized (FakeEngine.class) {
                Files.writeString(attemptsFile, System.currentTimeMillis() + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                return Files.readAllLines(attemptsFile).size();
            }
        }

        @Override
        public TargetState inspectTarget(OperationContext ctx) {
            return new TargetState(false, 0, "fake");
        }

        @Override
        public void restore(InputStream in, DumpFormat format, RestoreOptions options, OperationContext ctx) {
            throw new UnsupportedOperationException("the fake engine does not restore");
        }

        @Override
        public String describe() {
            return "fake " + database;
        }
    }
}
