package io.dbbackup.job;

import io.dbbackup.config.JobConfig;
import io.dbbackup.core.Redactor;
import io.dbbackup.spi.JobReport;

import java.util.ArrayList;
import java.util.List;

/**
 * The "what now" of a failed or interrupted report ({@link JobReport#next()}): the state the job's backups are in, as far
 * as this run knows it without asking the store again, and the command to run next, each repeating the run's global
 * options ({@code -c FILE}: {@link Workspace#suggest}). Two lines, each built from its parts ({@link Advice}); no secret
 * (the redactor passes over them too). A failed backup's report puts the job's newest good backup before them
 * ({@link NewestGoodBackup}, which does ask the store).
 */
final class NextSteps {
    private NextSteps() {
    }

    /**
     * What to do next and the command that does it: the line {@code Next: fix the cause above, then WHAT: COMMAND}
     * after a failure, {@code Next: when the run may go on, WHAT: COMMAND} after a signal. The command ends the line,
     * to be copied from there to its end.
     */
    record Advice(String what, String command) {
        String line(JobReport.Outcome outcome) {
            return (outcome == JobReport.Outcome.INTERRUPTED ? "Next: when the run may go on, " : "Next: fix the cause above, then ")
                    + what + ": " + command;
        }
    }

    /**
     * For a report of {@code operation} on {@code job} with {@code outcome}; {@code key}: the backup this run stored (a
     * backup whose prune, pin or read-back failed), or the one a drill was asked for ({@code drill JOB KEY}), else null.
     * Null for a success.
     */
    static String of(Workspace ws, JobConfig job, JobReport.Operation operation, JobReport.Outcome outcome, String key) {
        return of(ws, job, operation, outcome, key, false);
    }

    /**
     * As {@link #of(Workspace, JobConfig, JobReport.Operation, JobReport.Outcome, String)}; {@code dryRun}: the run was a
     * {@code prune --dry-run}, which deleted nothing and is what to run again (a plain prune would delete).
     */
    static String of(Workspace ws, JobConfig job, JobReport.Operation operation, JobReport.Outcome outcome, String key,
                     boolean dryRun) {
        if (outcome == JobReport.Outcome.SUCCESS) {
            return null;
        }
        String name = job.name();
        String list = ws.suggest("list", name);
        String state;
        String next;
        switch (operation) {
            case BACKUP -> {
                if (key != null) {
                    state = "This run's backup is stored as " + key + "; the job's earlier backups are there too: " + list;
                    next = (outcome == JobReport.Outcome.INTERRUPTED ? "Next: " : "Next: fix the cause above; ")
                            + "read this backup back with: " + ws.suggest("verify", name, fileName(key));
                } else {
                    state = "This run stored no backup; the job's earlier backups are untouched (a failed backup deletes "
                            + "none): " + list;
                    next = new Advice("run", ws.suggest("backup", name)).line(outcome);
                }
            }
            case VERIFY -> {
                state = "Verify changes nothing in the store; the job's backups are as they were: " + list;
                next = (outcome == JobReport.Outcome.INTERRUPTED ? new Advice("run", ws.suggest("verify", name))
                        : new Advice("store a fresh backup with", ws.suggest("backup", name))).line(outcome);
            }
            case PRUNE -> {
                if (dryRun) {
                    state = "A dry run deletes nothing; the job's backups are as they were: " + list;
                    next = new Advice("run", ws.suggest("prune", name, "--dry-run")).line(outcome);
                } else {
                    state = "The prune stopped; the backups it had not deleted yet are kept: " + list;
                    next = new Advice("run", ws.suggest("prune", name)).line(outcome);
                }
            }
            case CHECK -> {
                state = "Check changes nothing in the store; the job's backups are as they were: " + list;
                next = new Advice("run", ws.suggest("check", name)).line(outcome);
            }
            case DRILL -> {
                state = "A drill never changes the store; the job's backups are as they were: " + list;
                // a drill of one backup asked for: that one is read back, not the newest (which verify JOB reads)
                next = (key != null ? new Advice("read the backup drilled back with", ws.suggest("verify", name, fileName(key)))
                        : new Advice("read the newest backup back with", ws.suggest("verify", name))).line(outcome);
            }
            default -> {
                return null;
            }
        }
        return Redactor.redact(state + "\n" + next);
    }

    /**
     * For a job of a command over several jobs that a signal kept from starting ({@code backup --all}, {@code prune
     * --all}): it never started, so nothing was written or deleted for it — not "the prune stopped" of one cut short —
     * and the command to run for it once the run may go on, with the run's {@code options} that it needs too
     * ({@code --dry-run} of a prune dry run, a drill's {@code --to TARGET}).
     */
    static String notStarted(Workspace ws, JobConfig job, JobReport.Operation operation, String... options) {
        String verb = operation.name().toLowerCase(java.util.Locale.ROOT);
        String state = "The " + verb + " of job " + job.name() + " never started (the run was stopped before it): nothing "
                + "was written or deleted for it; its backups are as they were: " + ws.suggest("list", job.name());
        List<String> words = new ArrayList<>(List.of(verb, job.name()));
        words.addAll(List.of(options));
        String command = ws.suggest(words.toArray(String[]::new));
        return Redactor.redact(state + "\n" + new Advice("run", command).line(JobReport.Outcome.INTERRUPTED));
    }

    /** The key's file name, the KEY a command takes; the key itself when it has no folder. */
    private static String fileName(String key) {
        int slash = key.lastIndexOf('/');
        return slash < 0 ? key : key.substring(slash + 1);
    }
}
