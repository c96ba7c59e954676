package io.dbbackup.cli;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.Json;
import io.dbbackup.core.Redactor;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * With {@code --json}, stdout is one JSON document also when the command fails before it has a result of its own (an
 * unknown job, arguments that do not go together or do not parse, a config that does not load, the one backup of
 * {@code verify JOB} that does not verify): {@code {"ok": false, "exit", "error"}}, the keys of every failure row. The
 * {@code error:} line on stderr and the exit code are unchanged; a command that already printed its own JSON (a failure
 * row of {@code drill}/{@code prune}, a run's summary) gets no second document.
 */
final class JsonFailure {
    private JsonFailure() {
    }

    /** Prints the failure object on {@code out} unless something was written there already. */
    static void print(Watched out, Throwable ex, int code) {
        if (out.used) {
            return;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", false);
        m.put("exit", code);
        m.put("error", message(ex));
        PrintWriter w = new PrintWriter(out, true);
        w.println(Json.pretty(m));
        w.flush();
    }

    /** What the stderr line says: the message dbbackup explains, or an internal error's class and message. */
    private static String message(Throwable ex) {
        String message = Redactor.redact(ex.getMessage() == null ? ex.getClass().getName() : ex.getMessage());
        return ex instanceof DbBackupException || ex instanceof picocli.CommandLine.ParameterException ? message
                : "internal error: " + ex.getClass().getSimpleName() + ": " + message;
    }

    /** Standard output, noting whether anything was written to it. */
    static final class Watched extends Writer {
        private final Writer out;
        private volatile boolean used;

        Watched(Writer out) {
            this.out = out;
        }

        @Override
        public void write(int c) throws IOException {
            used = true;
            out.write(c);
        }

        @Override
        public void write(char[] chars, int off, int len) throws IOException {
            used |= len > 0;
            out.write(chars, off, len);
        }

        @Override
        public void write(String s, int off, int len) throws IOException {
            used |= len > 0;
            out.write(s, off, len);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
