package io.dbbackup.config;

import java.util.Locale;

/** One thing wrong (or worth a warning) in a config file, at a 1-based line and column. */
public record Problem(String file, int line, int column, Severity severity, String message) {

    public enum Severity { ERROR, WARNING }

    /** The file's name and the message as one safe line each ({@link ProblemText}): they may hold what the YAML says. */
    public Problem {
        file = ProblemText.clean(file);
        message = ProblemText.clean(message);
    }

    /** {@code config.yaml:12:7: error: jobs.app.retention.keep_daily: must be 0 or more (got -1)} */
    public String format() {
        return file + ":" + line + ":" + column + ": " + severity.name().toLowerCase(Locale.ROOT) + ": " + message;
    }
}
