package io.dbbackup.config;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.ExitStatus;

import java.util.List;
import java.util.stream.Collectors;

/** The config has errors: every one of them, each on its own line as {@code file:line:col: error: ...}. */
public class ConfigException extends DbBackupException {
    private final List<Problem> problems;

    public ConfigException(List<Problem> problems) {
        super(ExitStatus.USER_ERROR, problems.stream().map(Problem::format).collect(Collectors.joining("\n")), null, false);
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
