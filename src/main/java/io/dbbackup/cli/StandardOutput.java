package io.dbbackup.cli;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.Log;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The process's standard output, which, unlike {@link System#out}, does not swallow a write that failed: a full disk
 * ({@code list --json > /full/inventory.json}), a closed descriptor ({@code >&-}), a reader that went away ({@code | head}),
 * nor one that would block on a stdout a parent left non-blocking (it waits, as on a blocking one).
 * The first failure is kept and every later write fails with it, without writing (no output with a hole in it if room
 * comes back); bytes a command writes ({@code download -o -}) fail it at once. {@link #verdict} turns a command that
 * otherwise succeeded, but whose output did not all get out, into a failure.
 */
final class StandardOutput extends OutputStream {
    private final WritableByteChannel fd;
    private final Path descriptor;
    private IOException failure;
    private boolean toPipe;

    StandardOutput(WritableByteChannel fd, Path descriptor) {
        this.fd = fd;
        this.descriptor = descriptor;
    }

    /** File descriptor 1 of the real process. */
    static StandardOutput system() {
        return new StandardOutput(new FileOutputStream(FileDescriptor.out).getChannel(), Path.of("/proc/self/fd/1"));
    }

    /** A PrintWriter on this one, flushing at each line (for {@link Main}, whose verification then loads no StandardOutput). */
    PrintWriter printer() {
        return new PrintWriter(new OutputStreamWriter(this, StandardCharsets.UTF_8), true);
    }

    /** This stream as what it is to {@link Main#binaryOut}. */
    OutputStream bytes() {
        return this;
    }

    @Override
    public synchronized void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        if (failure != null) {
            throw new IOException(failure.getMessage(), failure);
        }
        ByteBuffer bytes = ByteBuffer.wrap(b, off, len);
        // a thread's pending interrupt (a caught InterruptedException put back) would make the channel close stdout
        // instead of writing, where System.out wrote: it is set aside for the write and put back after
        boolean interrupted = Thread.interrupted();
        StandardError.settleInstalled(); // the log lines written before go first (2>&1 keeps their order)
        try {
            while (bytes.hasRemaining()) {
                if (fd.write(bytes) == 0) {
                    // a non-blocking stdout (a parent left O_NONBLOCK on the pipe) that is full: wait, as a blocking
                    // one does (a FileOutputStream would throw, having written an unknown part of the bytes)
                    Thread.sleep(2);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = new java.io.InterruptedIOException("cannot write to standard output: interrupted");
            throw failure;
        } catch (IOException e) {
            toPipe = isPipe();
            failure = new IOException("cannot write to standard output: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
            throw failure;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void flush() {
        // nothing is buffered here
    }

    @Override
    public void close() {
        // standard output stays open for whatever else writes there (the JVM itself, on its way out)
    }

    /** Whether descriptor 1 is a pipe or a socket: then a write fails only because the reader closed its end. */
    private boolean isPipe() {
        try {
            String target = Files.readSymbolicLink(descriptor).toString();
            return target.startsWith("pipe:") || target.startsWith("socket:");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The process's exit code, given the command's: unchanged when everything written got out, when the command failed
     * anyway (it said why), and when the reader of a pipe stopped reading ({@code list | head -1}: it took what it wanted
     * and answers for itself; bytes a command needed it to take, {@code download -o -}'s, failed that command at once).
     * Otherwise (a full disk, a closed descriptor) a command that succeeded fails, exit 2, with one {@code error:} line.
     */
    synchronized int verdict(int code, PrintWriter err, Log.Format format) {
        if (failure == null || code != 0 || toPipe) {
            return code;
        }
        return Main.report(err, DbBackupException.system(failure.getMessage() + ": the command's output is incomplete", failure),
                false, format, Clock.systemUTC());
    }
}
