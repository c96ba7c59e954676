package io.dbbackup.job;

import io.dbbackup.core.Human;
import io.dbbackup.core.Log;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The warnings about jobs of one command of several jobs ({@code prune --all}, {@code backup --all}) that would each
 * say the same thing — a store's condition (credentials about to expire, no permission to list unfinished uploads)
 * shared by 200 jobs printed 200 lines. Kept while open ({@link Workspace#groupingWarnings}), and on {@link #close}
 * one line per distinct warning (the same text but for the job's own folder, the same fields but the job): as it is
 * for a single job, else naming its jobs ({@link Human#names}) with {@code jobs=N}, a folder as "each job's folder".
 */
public final class GroupedWarnings implements AutoCloseable {
    /** A warning's text and its fields but {@code job}. */
    private record Said(String message, List<Object> fields) {
    }

    private final Workspace ws;
    /** Each warning (its job's folder abstracted) and its jobs, each with the warning as it is about that job. */
    private final Map<Said, Map<String, String>> jobs = new LinkedHashMap<>();

    GroupedWarnings(Workspace ws) {
        this.ws = ws;
    }

    /** What stands for a job's own folder in a warning kept ({@link Workspace#warnAbout}). */
    private static final String FOLDER = "\u0000folder\u0000";

    /** Keeps {@code message} about {@code job}; {@code folder}, when not null, is the job's own, told apart from the rest. */
    synchronized void add(String job, String folder, String message, Object... fields) {
        String said = folder == null || folder.isEmpty() ? message : message.replace(folder, FOLDER);
        jobs.computeIfAbsent(new Said(said, Arrays.asList(fields)), s -> new LinkedHashMap<>()).put(job, message);
    }

    /** Warns of each warning kept, once; from then on warnings about jobs are said at once again. */
    @Override
    public void close() {
        ws.stopGrouping(this);
        Map<Said, Map<String, String>> said;
        synchronized (this) {
            said = new LinkedHashMap<>(jobs);
            jobs.clear();
        }
        Log log = ws.log();
        said.forEach((s, about) -> {
            List<String> names = new ArrayList<>(about.keySet());
            if (names.size() == 1) {
                log.warn(about.get(names.get(0)), withJob("job", names.get(0), s.fields()));
            } else {
                log.warn(s.message().replace(FOLDER, "<each job's folder>/") + " (" + names.size() + " jobs: "
                        + Human.names(names) + ")", withJob("jobs", names.size(), s.fields()));
            }
        });
    }

    /** {@code key value} then the other fields, as the single job's warning always gave them. */
    static Object[] withJob(String key, Object value, List<Object> fields) {
        Object[] kv = new Object[fields.size() + 2];
        kv[0] = key;
        kv[1] = value;
        System.arraycopy(fields.toArray(), 0, kv, 2, fields.size());
        return kv;
    }
}
