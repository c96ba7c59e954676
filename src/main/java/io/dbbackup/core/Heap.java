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

    /** What to say of an OutOfMemoryError: a resource failure of this JVM (exit 2), never a corrupt backup. */
    public static String outOfMemory(Throwable e) {
        return "this JVM ran out of memory (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                + "; max heap " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB): " + advice(0);
    }
}
