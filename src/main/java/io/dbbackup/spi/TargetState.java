package io.dbbackup.spi;

/** What a restore target holds: whether it exists and how many user objects (tables) it has. */
public record TargetState(boolean exists, int objects, String description) {
    public boolean isEmpty() {
        return !exists || objects == 0;
    }
}
