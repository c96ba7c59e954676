package io.dbbackup.job;

import io.dbbackup.core.Human;
import io.dbbackup.core.Log;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The warnings about jobs of one command of several jobs ({@code prune --all}, {@code backup --all}) that would each
 * say the same thing — a store's condition (credentials about to expire, no permission to list unfinished uploads)
 * shared by 200 jobs printed 200 lines. Kept while open ({@link Workspace#groupingWarnings}), and on {@link #close}
 * one line per distinct warning (the same text but for the job's own folder, the same fields but the job): as it is
 * for a single job, else naming its jobs ({@link Human#names}) with {@code jobs=N}, a folder as "each job's folder".
 * A warning about one of a job's objects (a pin, a file in its folder: its key is the job's own) is kept under its
 * kind ({@link #addOf}): a single job's are each said as they are, the kind of several jobs' once.
 */
public final class GroupedWarnings implements AutoCloseable {
    /** A warning's text and its fields but {@code job}. */
    private record Said(String message, List<Object> fields) {
    }

    private final Workspace ws;
    /** Each warning (its job's folder abstracted) and its jobs, each with the warnings as they are about that job. */
    private final Map<Said, Map<String, Set<About>>> jobs = new LinkedHashMap<>();

    GroupedWarnings(Workspace ws) {
        this.ws = ws;
    }

    /** What stands for a job's own folder in a warning kept ({@link Workspace#warnAbout}). */
    private static final String FOLDER = "\u0000folder\u0000";
    /** What stands for the job's own config section ({@code jobs.NAME.}) in a warning kept: a key merged from one block. */
    private static final String SECTION = "\u0000section\u0000";

    /** A warning as said about one job: its text and fields but {@code job}. */
    private record About(String message, List<Object> fields) {
    }

    /** Keeps {@code message} about {@code job}; {@code folder}, when not null, is the job's own, told apart from the rest. */
    synchronized void add(String job, String folder, String message, Object... fields) {
        List<Object> alike = new ArrayList<>(fields.length);
        for (Object f : fields) {
            alike.add(f instanceof String text ? abstracted(text, job, folder) : f);
        }
        keep(new Said(abstracted(message, job, folder), alike), job, new About(message, Arrays.asList(fields)));
    }

    /**
     * Keeps {@code message} about one of {@code job}'s objects: said as it is when no other job has a warning of
     * {@code kind}, else {@code kind} once for them all, naming the jobs.
     */
    synchronized void addOf(String job, String kind, String message, Object... fields) {
        keep(new Said(kind, List.of()), job, new About(message, Arrays.asList(fields)));
    }

    private void keep(Said said, String job, About about) {
        jobs.computeIfAbsent(said, s -> new LinkedHashMap<>()).computeIfAbsent(job, j -> new LinkedHashSet<>()).add(about);
    }

    /**
     * {@code text} with the job's own folder and config section ({@code jobs.NAME.}, in a reason naming the key that
     * could not be read) abstracted: the same problem of an {@code x-} block merged by 200 jobs is one warning.
     */
    private static String abstracted(String text, String job, String folder) {
        String out = folder == null || folder.isEmpty() ? text : text.replace(folder, FOLDER);
        return out.replace("jobs." + job + ".", SECTION);
    }

    /**
     * Says now, as about {@code job} alone, the warnings kept about it (a key of the job that cannot be read here): what
     * explains its failure comes before the failure's ERROR, not after every job. The other jobs' stay kept.
     */
    public void sayFor(String job) {
        List<About> now = new ArrayList<>();
        synchronized (this) {
            jobs.values().forEach(about -> {
                Set<About> of = about.remove(job);
                if (of != null) {
                    now.addAll(of);
                }
            });
            jobs.values().removeIf(Map::isEmpty);
        }
        now.forEach(one -> ws.log().warn(one.message(), withJob("job", job, one.fields())));
    }

    /** Warns of each warning kept, once; from then on warnings about jobs are said at once again. */
    @Override
    public void close() {
        ws.stopGrouping(this);
        Map<Said, Map<String, Set<About>>> said;
        synchronized (this) {
            said = new LinkedHashMap<>(jobs);
            jobs.clear();
        }
        Log log = ws.log();
        said.forEach((s, about) -> {
            List<String> names = new ArrayList<>(about.keySet());
            if (names.size() == 1) {
                about.get(names.get(0)).forEach(one -> log.warn(one.message(), withJob("job", names.get(0), one.fields())));
            } else {
                log.warn(concrete(s.message()) + " (" + names.size() + " jobs: " + Human.names(names) + ")",
                        withJob("jobs", names.size(), s.fields().stream().map(f -> f instanceof String t ? concrete(t) : f).toList()));
            }
        });
    }

    /** A warning said of several jobs: what stood for each job's own folder or config section, as words. */
    private static String concrete(String text) {
        return text.replace(FOLDER, "<each job's folder>/").replace(SECTION, "jobs.<each job>.");
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
