package io.dbbackup.cli;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.Json;
import io.dbbackup.core.Redactor;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * With {@code --json}, stdout is one JSON document also when the command fails before it has a result of its own (an
 * unknown job, arguments that do not go together or do not parse, a config that does not load, the one backup of
 * {@code verify JOB} that does not verify): {@code {"ok": false, "job", "exit", "error"}}, the keys of every failure row,
 * {@code job} only when the command line names exactly one ({@link #jobOf}). The {@code error:} line on stderr and the
 * exit code are unchanged; a command that already printed its own JSON (a failure row of {@code drill}/{@code prune}, a
 * run's summary) gets no second document.
 */
final class JsonFailure {
    private JsonFailure() {
    }

    /** Prints the failure object on {@code out} unless something was written there already; {@code job} null: none. */
    static void print(Watched out, Throwable ex, int code, String job) {
        if (out.used) {
            return;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", false);
        if (job != null) {
            m.put("job", job);
        }
        m.put("exit", code);
        m.put("error", message(ex));
        PrintWriter w = new PrintWriter(out, true);
        w.println(Json.pretty(m));
        w.flush();
    }

    /**
     * The verb whose {@code --json} an argument error must answer in JSON, or null: the command that failed when it
     * takes {@code --json} and the command line has it; else, for an error the root options caused before the verb ran
     * (an unknown root option, a root option without its value), the verb the command line names, when {@code --json}
     * follows it and the verb takes it. No verb, no {@code --json} ({@code dbbackup --json} stays a plain usage error).
     */
    static CommandLine jsonVerb(CommandLine failed, String[] args) {
        List<String> line = List.of(args);
        if (failed.getCommandSpec().findOption("--json") != null) {
            return line.contains("--json") ? failed : null;
        }
        CommandLine.ParseResult parsed = failed.getParseResult();
        CommandLine.ParseResult sub = parsed == null ? null : parsed.subcommand();
        if (sub != null) {
            return sub.commandSpec().findOption("--json") != null && sub.hasMatchedOption("--json") ? sub.commandSpec().commandLine()
                    : null;
        }
        Map<String, CommandLine> verbs = failed.getSubcommands();
        for (int i = 0; i < args.length; i++) {
            CommandLine verb = verbs.get(args[i]);
            if (verb != null && verb.getCommandSpec().findOption("--json") != null
                    && line.subList(i + 1, line.size()).contains("--json")) {
                return verb;
            }
        }
        return null;
    }

    /**
     * The one job a verb's (possibly partial) parse names: the values of its parameters and options labelled
     * {@code JOB} (of {@code JOB [KEY]} the first); null with {@code --all}, with none, or with several.
     */
    static String jobOf(CommandLine.ParseResult parsed) {
        if (parsed == null) {
            return null;
        }
        List<String> named = new ArrayList<>();
        for (CommandLine.Model.ArgSpec arg : parsed.matchedArgs()) {
            String label = arg.paramLabel();
            List<String> values = arg.stringValues();
            if (label.equals("JOB")) {
                named.addAll(values);
            } else if (label.startsWith("JOB ") && !values.isEmpty()) {
                named.add(values.get(0));
            }
        }
        return singleJob(parsed.hasMatchedOption("--all"), named);
    }

    /** {@code named}'s one job (named twice is once), or null with {@code all} or not exactly one. */
    static String singleJob(boolean all, List<String> named) {
        java.util.Set<String> jobs = new java.util.LinkedHashSet<>(named);
        return all || jobs.size() != 1 ? null : jobs.iterator().next();
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

        /** A PrintWriter on this one, flushing at each line (for {@link Main}, whose verification then loads no Watched). */
        PrintWriter printer() {
            return new PrintWriter(this, true);
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
