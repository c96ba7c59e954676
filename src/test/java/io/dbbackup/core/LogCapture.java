package io.dbbackup.core;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;

/** What the process log ({@link Log#get()}) received, as text, while a piece of test code ran. */
public final class LogCapture {
    private LogCapture() {
    }

    /** The INFO-and-above lines {@code r} logged; the log before it is put back, also when {@code r} throws. */
    public static String of(Runnable r) {
        StringWriter logged = new StringWriter();
        Log before = Log.get();
        Log.set(new Log(new PrintWriter(logged, true), Log.Format.TEXT, Log.Level.INFO, Clock.systemUTC()));
        try {
            r.run();
        } finally {
            Log.set(before);
        }
        return logged.toString();
    }
}
