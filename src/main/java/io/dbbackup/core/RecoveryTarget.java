package io.dbbackup.core;


import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a point-in-time recovery stops: at a moment ({@code time}), at a WAL position ({@code lsn}), or at
 * the end of the archived WAL ({@link #latest()}: both null); and along which timeline ({@code timeline}, as
 * PostgreSQL's {@code recovery_target_timeline}: {@code latest}, the default, follows the newest timeline in the
 * archive; {@code current} stays on the base backup's; a number names one).
 */
public record RecoveryTarget(Instant time, Lsn lsn, String timeline) {
    public static final String LATEST = "latest";
    public static final String CURRENT = "current";

    public RecoveryTarget {
        if (time != null && lsn != null) {
            throw new IllegalArgumentException("a recovery target is a time or an LSN, not both");
        }
        if (timeline == null || !(timeline.equals(LATEST) || timeline.equals(CURRENT) || (timeline.matches("[1-9][0-9]{0,9}") && Long.parseLong(timeline) <= 0xFFFF_FFFFL))) {
            throw new IllegalArgumentException("a recovery target timeline is latest, current or a number: " + timeline);
        }
    }

    public static RecoveryTarget latest() {
        return new RecoveryTarget(null, null, LATEST);
    }

    public static RecoveryTarget at(Instant time) {
        return new RecoveryTarget(time, null, LATEST);
    }

    public static RecoveryTarget at(Lsn lsn) {
        return new RecoveryTarget(null, lsn, LATEST);
    }

    /** The same target along {@code timeline} ({@code latest}, {@code current} or a number). */
    public RecoveryTarget onTimeline(String timeline) {
        return new RecoveryTarget(time, lsn, timeline);
    }

    public boolean isLatest() {
        return time == null && lsn == null;
    }

    /** Whether recovery follows the newest timeline in the archive (PostgreSQL's default). */
    public boolean followsNewestTimeline() {
        return timeline.equals(LATEST);
    }

    /** The restore options that name this target: {@code --target-time}, {@code --target-lsn} or {@code --target latest}, and {@code --target-timeline} unless latest. */
    public List<String> restoreArgs() {
        List<String> args = new ArrayList<>(time != null ? List.of("--target-time", time.toString())
                : lsn != null ? List.of("--target-lsn", lsn.toString()) : List.of("--target", LATEST));
        if (!followsNewestTimeline()) {
            args.addAll(List.of("--target-timeline", timeline));
        }
        return args;
    }

    @Override
    public String toString() {
        return (time != null ? "time " + time : lsn != null ? "lsn " + lsn : "latest")
                + (followsNewestTimeline() ? "" : " on timeline " + timeline);
    }
}
