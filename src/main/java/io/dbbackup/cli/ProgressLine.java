package io.dbbackup.cli;

import io.dbbackup.core.Human;
import io.dbbackup.core.Log;
import io.dbbackup.job.Progress;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;

/**
 * One stderr line redrawn in place ({@code \r}) at most four times a second: name, bytes so far of
 * the total, percent and rate. Only ever used on a terminal.
 */
final class ProgressLine implements Progress, Log.Overdraw {
    private static final long EVERY_MS = 250;

    private final PrintWriter err;
    private final Clock clock;
    private String name;
    private long total;
    private long startedMs;
    private long lastDrawMs;
    private long done;
    private int width;
    private volatile boolean active;

    ProgressLine(PrintWriter err, Clock clock) {
        this.err = err;
        this.clock = clock;
    }

    /**
     * A line on {@code root}'s stderr when stderr itself is a terminal, unless {@code -q}, {@code --no-progress} or JSON
     * logs (a log pipeline reads every stderr line as an object).
     */
    static Progress forCommand(Root root, boolean noProgress) {
        return !noProgress && !root.quiet && root.logFormat != Log.Format.JSON && root.main.stderrIsTerminal()
                ? new ProgressLine(root.err, root.main.clock()) : Progress.NONE;
    }

    /**
     * Whether this process's stderr (fd 2) is a terminal: what {@code /proc/self/fd/2} links to is a terminal device.
     * Not {@link System#console()}, which asks stdin and stdout: {@code dbbackup restore … 2> log.txt} typed at a
     * terminal then wrote the progress line into the file. Without /proc, the console's answer.
     */
    static boolean stderrIsTerminal() {
        String target;
        try {
            target = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/2")).toString();
        } catch (java.io.IOException | RuntimeException e) {
            return System.console() != null;
        }
        return target.startsWith("/dev/pts/") || target.matches("/dev/tty[0-9A-Za-z]*") || target.equals("/dev/console");
    }

    @Override
    public void started(String name, long total) {
        this.name = name;
        this.total = total;
        this.startedMs = clock.millis();
        this.lastDrawMs = 0;
        this.done = 0; // a line per read (restore: the check, then the restore)
        this.width = 0;
        this.active = true;
        Log.get().overdraw(this);
        draw();
    }

    @Override
    public void advanced(long stored) {
        if (!active) {
            return;
        }
        done = stored;
        long now = clock.millis();
        if (now - lastDrawMs >= EVERY_MS) {
            lastDrawMs = now;
            draw();
        }
    }

    @Override
    public void finished() {
        if (!active) {
            return; // the read failed before it started
        }
        active = false;
        Log.get().stopOverdraw(this);
        draw();
        err.println();
        err.flush();
    }

    @Override
    public void clear() {
        synchronized (err) {
            err.print("\r" + " ".repeat(width) + "\r");
            width = 0;
        }
    }

    @Override
    public void redraw() {
        if (active) {
            draw();
        }
    }

    private void draw() {
        long ms = Math.max(1, clock.millis() - startedMs);
        String rate = Human.size(done * 1000 / ms) + "/s";
        String text = name + "  " + Human.size(done) + (total >= 0 ? " / " + Human.size(total) + "  "
                + (total == 0 ? 100 : done * 100 / total) + "%" : "") + "  " + rate + "  " + Human.duration(Duration.ofMillis(ms));
        synchronized (err) { // log lines from other threads clear and redraw it (Log.Overdraw)
            String pad = text.length() < width ? " ".repeat(width - text.length()) : "";
            width = text.length();
            err.print("\r" + text + pad);
            err.flush();
        }
    }
}
