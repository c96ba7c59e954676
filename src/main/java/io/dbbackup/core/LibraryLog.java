package io.dbbackup.core;

import java.util.Set;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Where the libraries' own log lines go (sshj, the AWS and Azure SDKs log through SLF4J): into the
 * tool's {@link Log}, so they follow {@code --log-format json}, {@code -q} and the {@link Redactor}
 * like every other line. Only their warnings and errors, as warnings with the library's logger named;
 * sshj's are debug lines, because the SFTP store reports every failure they describe in its own words
 * (a dropped connection otherwise printed "Dying because - Broken transport" beside the store's message).
 */
public final class LibraryLog implements SLF4JServiceProvider {
    /** Libraries whose failures always reach the tool as exceptions that a store words itself. */
    private static final Set<String> WORDED_BY_STORE = Set.of("net.schmizz.", "com.hierynomus.");

    private final ILoggerFactory loggers = LibraryLogger::new;
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        // nothing to set up: every line goes to Log.get() at the time it is written
    }

    /** The tool's level for a library line at {@code level} from logger {@code name}; null: not shown at all. */
    static Log.Level levelFor(String name, Level level) {
        if (level != Level.WARN && level != Level.ERROR) {
            return null;
        }
        for (String prefix : WORDED_BY_STORE) {
            if (name.startsWith(prefix)) {
                return Log.Level.DEBUG;
            }
        }
        return Log.Level.WARN;
    }

    /** The line a library's call becomes: its formatted message, then its exception's message (no stack trace). */
    static String lineFor(String pattern, Object[] args, Throwable thrown) {
        String text = MessageFormatter.basicArrayFormat(pattern, args);
        if (thrown != null && thrown.getMessage() != null && (text == null || !text.contains(thrown.getMessage()))) {
            text = text + ": " + thrown.getMessage();
        }
        return text;
    }

    private static final class LibraryLogger extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;

        LibraryLogger(String name) {
            this.name = name;
        }

        private boolean shown(Level level) {
            return levelFor(name, level) != null;
        }

        @Override
        public boolean isTraceEnabled() {
            return false;
        }

        @Override
        public boolean isDebugEnabled() {
            return false;
        }

        @Override
        public boolean isInfoEnabled() {
            return false;
        }

        @Override
        public boolean isWarnEnabled() {
            return shown(Level.WARN);
        }

        @Override
        public boolean isErrorEnabled() {
            return shown(Level.ERROR);
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args,
                Throwable thrown) {
            Log.Level to = levelFor(name, level);
            if (to != null) {
                Log.get().log(to, lineFor(pattern, args, thrown), "library", name);
            }
        }
    }

    /** For tests: the logger SLF4J hands a library. */
    static Logger logger(String name) {
        return new LibraryLogger(name);
    }
}
