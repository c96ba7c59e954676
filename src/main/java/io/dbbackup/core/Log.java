package io.dbbackup.core;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The tool's own log: one line per step on stderr, human text by default or JSON objects
 * ({@code --log-format json}). Every line passes the {@link Redactor}.
 */
public final class Log {
    public enum Format { TEXT, JSON }

    public enum Level { DEBUG, INFO, WARN, ERROR }

    private static volatile Log current = new Log(new PrintWriter(System.err, true), Format.TEXT, Level.INFO,
            Clock.systemUTC());

    private final PrintWriter err;
    private final Format format;
    private final Level threshold;
    private final Clock clock;
    private volatile Overdraw overdraw;
    /** Non-null: this log is a view of {@code under} that adds {@code key=value} to each line ({@link #with}). */
    private final Log under;
    private final String key;
    private final Object value;

    /** A line drawn on the same stream without a newline (a progress line): cleared before each log line, drawn again after it. */
    public interface Overdraw {
        void clear();

        void redraw();
    }

    public Log(PrintWriter err, Format format, Level threshold, Clock clock) {
        this.err = err;
        this.format = format;
        this.threshold = threshold;
        this.clock = clock;
        this.under = null;
        this.key = null;
        this.value = null;
    }

    private Log(Log under, String key, Object value) {
        this.err = under.err;
        this.format = under.format;
        this.threshold = under.threshold;
        this.clock = under.clock;
        this.under = under;
        this.key = key;
        this.value = value;
    }

    /**
     * This log with {@code key=value} first on each line that does not give {@code key} itself: what an engine or a
     * store says during a job names the job, when the lines of parallel jobs interleave.
     */
    public Log with(String key, Object value) {
        return new Log(this, key, value);
    }

    public static Log get() {
        return current;
    }

    /**
     * Tags each line this thread logs with {@code key=value} (unless the line gives {@code key} itself), through any
     * {@link Log} — {@link #get()}, a plugin's, a library's — until closed: a job runner tags the thread that runs a job, so
     * that every line said on its behalf names it, whatever code says it. Threads dbbackup's own code starts meanwhile
     * inherit the tag (see {@link Tagging}).
     */
    public static Tagging tag(String key, Object value) {
        Tagging t = new Tagging(key);
        t.to(value);
        return t;
    }

    /** A tag not set yet: {@link Tagging#to} sets it (a loop over jobs sets it to each in turn). */
    public static Tagging tag(String key) {
        return new Tagging(key);
    }

    /**
     * One key's tag on the thread that opened it. Closing it ends it everywhere, also on threads that inherited it, so a
     * thread kept by a pool after its job does not name that job on another's lines. Only a thread that dbbackup's own code
     * starts inherits it (the nearest caller outside the JDK is {@code io.dbbackup}); a library's shared threads (an SDK's
     * event loop started during one job and serving the next) do not, and their lines are not tagged, rather than tagged
     * with the wrong job.
     */
    public static final class Tagging implements AutoCloseable {
        private final String key;
        private final Thread owner = Thread.currentThread();
        private final Tag outer = TAGS.get();
        private Tag current;

        private Tagging(String key) {
            this.key = key;
        }

        /** Tags with {@code value} from now on (in place of the value before). */
        public void to(Object value) {
            close();
            current = new Tag(key, value, outer);
            if (Thread.currentThread() == owner) {
                TAGS.set(current);
            }
        }

        @Override
        public void close() {
            Tag t = current;
            if (t == null) {
                return;
            }
            t.open = false;
            current = null;
            if (Thread.currentThread() == owner && TAGS.get() == t) {
                TAGS.set(outer);
            }
        }
    }

    /**
     * {@code task} run without the tags of the thread that starts its thread: for a thread that serves every job (a timer
     * shared by the process), which must not name the job that happened to start it. The thread that runs it has its
     * tags back afterwards (a pool's thread, or the caller's own).
     */
    public static Runnable untagged(Runnable task) {
        return () -> {
            Tag found = TAGS.get();
            TAGS.remove();
            try {
                task.run();
            } finally {
                TAGS.set(found);
            }
        };
    }

    private static final class Tag {
        final String key;
        final Object value;
        final Tag outer;
        volatile boolean open = true;

        Tag(String key, Object value, Tag outer) {
            this.key = key;
            this.value = value;
            this.outer = outer;
        }
    }

    private static final InheritableThreadLocal<Tag> TAGS = new InheritableThreadLocal<>() {
        @Override
        protected Tag childValue(Tag parent) {
            return parent != null && startedByDbbackup() ? parent : null;
        }
    };

    /** Whether the thread being made is made by dbbackup's code: the nearest caller outside the JDK is ours. */
    private static boolean startedByDbbackup() {
        return StackWalker.getInstance().walk(frames -> frames
                .map(StackWalker.StackFrame::getClassName)
                .filter(c -> !c.startsWith("java.") && !c.startsWith("jdk.") && !c.startsWith("sun.")
                        && !c.equals(Log.class.getName()) && !c.startsWith(Log.class.getName() + "$"))
                .findFirst()
                .map(c -> c.startsWith("io.dbbackup."))
                .orElse(false));
    }

    /** The open tags of this thread whose keys {@code fields} does not give, innermost first. */
    private static Map<String, Object> tagsBesides(Map<String, Object> fields) {
        Map<String, Object> tags = null;
        for (Tag t = TAGS.get(); t != null; t = t.outer) {
            if (t.open && !fields.containsKey(t.key) && (tags == null || !tags.containsKey(t.key))) {
                if (tags == null) {
                    tags = new LinkedHashMap<>();
                }
                tags.put(t.key, t.value);
            }
        }
        return tags;
    }

    public static void set(Log log) {
        current = log;
    }

    /** Shares stderr with {@code o} until {@link #stopOverdraw} (only one at a time). */
    public void overdraw(Overdraw o) {
        if (under != null) {
            under.overdraw(o);
            return;
        }
        overdraw = o;
    }

    /** Stops sharing with {@code o}, if it is the one sharing. */
    public void stopOverdraw(Overdraw o) {
        if (under != null) {
            under.stopOverdraw(o);
            return;
        }
        if (overdraw == o) {
            overdraw = null;
        }
    }

    public void debug(String message, Object... kv) {
        log(Level.DEBUG, message, kv);
    }

    public void info(String message, Object... kv) {
        log(Level.INFO, message, kv);
    }

    public void warn(String message, Object... kv) {
        log(Level.WARN, message, kv);
    }

    public void error(String message, Object... kv) {
        log(Level.ERROR, message, kv);
    }

    /** {@code kv} is alternating keys and values: {@code info("uploaded", "key", k, "bytes", n)}. */
    public void log(Level level, String message, Object... kv) {
        if (level.ordinal() < threshold.ordinal()) {
            return;
        }
        if (under != null) {
            for (int i = 0; i < kv.length; i += 2) {
                if (key.equals(String.valueOf(kv[i]))) {
                    under.log(level, message, kv);
                    return;
                }
            }
            Object[] more = new Object[kv.length + 2];
            more[0] = key;
            more[1] = value;
            System.arraycopy(kv, 0, more, 2, kv.length);
            under.log(level, message, more);
            return;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            fields.put(String.valueOf(kv[i]), kv[i + 1]);
        }
        Map<String, Object> tags = tagsBesides(fields);
        if (tags != null) { // first, as Log.with puts its key
            tags.putAll(fields);
            fields = tags;
        }
        String line;
        Instant now = clock.instant();
        if (format == Format.JSON) {
            Map<String, Object> obj = new LinkedHashMap<>();
            obj.put("time", now.toString());
            obj.put("level", level.name().toLowerCase(Locale.ROOT));
            // masked before they are escaped: a secret holding a quote or a backslash no longer matches once escaped
            obj.put("msg", Redactor.redact(message));
            fields.forEach((k, v) -> obj.put(k, v instanceof Number || v instanceof Boolean ? v
                    : Redactor.redact(String.valueOf(v))));
            line = Json.write(obj);
        } else {
            StringBuilder sb = new StringBuilder();
            sb.append(now.toString(), 0, Math.min(19, now.toString().length())).append("Z ");
            sb.append(String.format(Locale.ROOT, "%-5s ", level.name()));
            sb.append(message);
            fields.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
            line = sb.toString();
        }
        synchronized (err) {
            Overdraw o = overdraw;
            if (o != null) {
                o.clear();
            }
            err.println(Redactor.redact(line));
            if (o != null) {
                o.redraw();
            }
            err.flush();
        }
    }
}
