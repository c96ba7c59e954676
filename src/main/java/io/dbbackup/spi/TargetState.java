package io.dbbackup.spi;

/**
 * What a restore target holds: whether it exists and how many user objects (tables) it has. {@code keepsWhatItHolds}:
 * a restore adds the backup's objects beside what the target holds rather than replacing it (PostgreSQL without
 * {@code --clean}), so one the backup holds too fails the restore: {@link #withoutClean} says so.
 */
public record TargetState(boolean exists, int objects, String description, boolean keepsWhatItHolds) {
    public TargetState(boolean exists, int objects, String description) {
        this(exists, objects, description, false);
    }

    public boolean isEmpty() {
        return !exists || objects == 0;
    }

    /** This state, its description followed by {@code ; WORDS} (what a restore does with it: {@code the restore creates it}). */
    public TargetState saying(String words) {
        return new TargetState(exists, objects, description + "; " + words, keepsWhatItHolds);
    }

    /** This state, a restore keeping what the target holds (no {@code --clean}). */
    public TargetState keepingWhatItHolds() {
        return new TargetState(exists, objects, description, true);
    }

    /**
     * For a target that holds something a restore keeps: {@code without --clean, …: add --clean to replace them}, for the
     * confirmation, its refusal and a dry run; else empty.
     */
    public String withoutClean() {
        return withoutClean("restore", "backup");
    }

    /** {@link #withoutClean()} for a {@code command} ({@code sync}) of what {@code from} ({@code source}) holds. */
    public String withoutClean(String command, String from) {
        return isEmpty() || !keepsWhatItHolds ? ""
                : "without --clean the " + command + " keeps what it holds, and an object the " + from + " holds too fails it"
                        + " with nothing applied: add --clean to replace them";
    }
}
