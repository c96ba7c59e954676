package io.dbbackup.job;

import io.dbbackup.config.JobConfig;
import io.dbbackup.core.Redactor;
import io.dbbackup.spi.JobReport;

/**
 * The "what now" of a failed or interrupted report ({@link JobReport#next()}): the state the job's backups are in, as far
 * as this run knows it without asking the store again, and the commands to run next, each repeating the run's global
 * options ({@code -c FILE}: {@link Workspace#suggest}). Two lines; no secret (the redactor passes over them too).
 */
final class NextSteps {
    private NextSteps() {
    }

    /**
     * For a report of {@code operation} on {@code job} with {@code outcome}; {@code key}: the backup this run stored (a
     * backup whose prune, pin or read-back failed), else null. Null for a success.
     */
    static String of(Workspace ws, JobConfig job, JobReport.Operation operation, JobReport.Outcome outcome, String key) {
        if (outcome == JobReport.Outcome.SUCCESS) {
            return null;
        }
        String name = job.name();
        // each line ends with its command, which can be copied from there to the end of the line
        String list = ws.suggest("list", name);
        String then = outcome == JobReport.Outcome.INTERRUPTED ? "Next: when the run may go on, run: "
                : "Next: fix the cause above, then run: ";
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
                    next = then + ws.suggest("backup", name);
                }
            }
            case VERIFY -> {
                state = "Verify changes nothing in the store; the job's backups are as they were: " + list;
                next = then.replace("then run: ", "then store a fresh backup with: ") + ws.suggest("backup", name);
            }
            case PRUNE -> {
                state = "The prune stopped; the backups it had not deleted yet are kept: " + list;
                next = then + ws.suggest("prune", name);
            }
            case CHECK -> {
                state = "Check changes nothing in the store; the job's backups are as they were: " + list;
                next = then + ws.suggest("check", name);
            }
            case DRILL -> {
                state = "A drill never changes the store; the job's backups are as they were: " + list;
                next = then.replace("then run: ", "then read the newest backup back with: ") + ws.suggest("verify", name);
            }
            default -> {
                return null;
            }
        }
        return Redactor.redact(state + "\n" + next);
    }

    /** The key's file name, the KEY a command takes; the key itself when it has no folder. */
    private static String fileName(String key) {
        int slash = key.lastIndexOf('/');
        return slash < 0 ? key : key.substring(slash + 1);
    }
}
