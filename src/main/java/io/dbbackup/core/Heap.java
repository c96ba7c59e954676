package io.dbbackup.core;

/** How the JVM's heap is talked about in errors: what it has, and how to give it more. */
public final class Heap {
    private Heap() {
    }

    /** The way out of a heap too small, suggesting {@code -Xmx<suggestedMiB>m} (or "..." when 0). */
    public static String advice(long suggestedMiB) {
        return "give the JVM more heap — raise the container's memory limit (bin/dbbackup's heap is half of it) or set JAVA_OPTS=-Xmx"
                + (suggestedMiB > 0 ? suggestedMiB + "m" : "...") + " (JAVA_OPTS replaces bin/dbbackup's default JVM flags)";
    }

    /**
     * The way out when threads cannot be started: the limit on processes and threads (counted per user across all its
     * processes), not the heap, which more of would not help.
     */
    public static final String THREAD_LIMIT = "the limit on processes and threads was reached — ulimit -u (counted per user, "
            + "for all its processes), a container's pids limit (docker run --pids-limit, Kubernetes' pod PIDs limit) or a "
            + "cgroup's pids.max — or the memory for thread stacks ran out: raise that limit, or run fewer jobs at once (--parallel)";

    /** What to say of an OutOfMemoryError: a resource failure of this JVM (exit 2), never a corrupt backup. */
    public static String outOfMemory(Throwable e) {
        if (e.getMessage() != null && e.getMessage().contains("unable to create native thread")) {
            // not the heap: more heap leaves less memory for thread stacks, if anything
            return "this JVM could not start a thread (" + e.getClass().getSimpleName() + ": " + e.getMessage() + "): " + THREAD_LIMIT;
        }
        return "this JVM ran out of memory (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                + "; max heap " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB): " + advice(0);
    }
}
