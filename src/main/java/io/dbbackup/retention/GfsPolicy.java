package io.dbbackup.retention;

import io.dbbackup.core.BackupKey;
import io.dbbackup.core.RetentionPolicy;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Grandfather-Father-Son retention as a pure function (DESIGN.md, "GFS retention, exactly"):
 * which backups to keep, with every rule that kept each, and which to delete. No I/O, no clock.
 *
 * <ul>
 *   <li>Backups are ordered newest first ({@link BackupKey#compareTo}: by UTC instant, equal
 *       instants by key descending); duplicates are dropped.</li>
 *   <li>{@code keep_last N} keeps the N newest backups.</li>
 *   <li>{@code keep_hourly|daily|weekly|monthly|yearly N}: periods are taken in
 *       {@link RetentionPolicy#zone()}. Walking newest first, the first backup met in a period
 *       represents it; the representatives of the N newest periods <em>that hold at least one
 *       backup</em> are kept (empty periods do not count).</li>
 *   <li>Rules are independent and combined by union. A kept backup's reasons are listed in rule
 *       order (last, hourly, daily, weekly, monthly, yearly) as {@code "<rule> <rank>/<N>"}, where
 *       rank is the backup's position (keep_last) or its period's position among the periods
 *       holding backups, newest first.</li>
 *   <li>No rule set: everything is kept, reason {@value #KEEP_ALL}.</li>
 *   <li>A pinned backup is kept, reason {@value #PINNED} after any rule's: one more rule in the union. Pins change
 *       nothing else — a pinned backup still counts for {@code keep_last} and represents its periods.</li>
 *   <li>The backup a {@code backup --prune} run has just stored is kept, reason {@value #STORED}, when the rules alone
 *       would delete it (backups dated after it by a clock ahead outrank it): the run never deletes the newest data it
 *       reports as stored. A later prune decides about it by the rules.</li>
 *   <li>Likewise a plain prune keeps, reason {@value #BEFORE_AHEAD}, the newest backup dated at or before its host's
 *       clock when others are dated after that clock (named by another host's clock running ahead, or by this one's
 *       before it stepped back).</li>
 * </ul>
 *
 * <p>Periods: an hour is the local date plus the local hour of day; a day is the local calendar
 * date; a week is the ISO-8601 week (Monday start) identified by its week-based year and week
 * number ({@link IsoFields#WEEK_BASED_YEAR}, {@link IsoFields#WEEK_OF_WEEK_BASED_YEAR}), so
 * 2027-01-03 is in 2026-W53 and 2025-12-29 in 2026-W01; a month and a year are the local calendar
 * month and year.
 *
 * <p>Daylight saving time: periods are local wall-clock periods. At the fall-back change the
 * repeated hour (01:xx twice in America/New_York, 02:xx twice in Europe/Berlin) is <em>one</em>
 * hourly period — the local date-hour is the same for both occurrences — so keep_hourly keeps one
 * backup (the newest, i.e. from the second occurrence if there is one) for those two real hours,
 * and that local day has 25 hours of backups under one daily period. At the spring-forward change
 * the skipped local hour simply holds no backups, so it does not count. Days, weeks, months and
 * years follow the local calendar, so a backup at 23:30 UTC may belong to the next local day.
 */
public final class GfsPolicy {

    /** The single reason given to every backup when no rule is set. */
    public static final String KEEP_ALL = "keep all (no retention rules)";

    /** The reason given to a pinned backup. */
    public static final String PINNED = "pinned";

    /** The reason given to the backup a {@code backup --prune} run stored, when the rules alone would delete it. */
    public static final String STORED = "stored by this run";

    /**
     * The reason given, when the rules alone would delete it, to the newest backup dated at or before the pruning host's
     * clock while others are dated after it (within the tolerated skew): another host's clock runs ahead, or this one
     * stepped back since those were named, and this one may hold the newest data.
     */
    public static final String BEFORE_AHEAD = "newest dated before this host's clock";

    private GfsPolicy() {
    }

    /** Pure: {@link #decide(Collection, RetentionPolicy)}, and the {@code pinned} backups kept whatever the rules say. */
    public static RetentionDecision decide(Collection<BackupKey> backups, RetentionPolicy policy, Set<BackupKey> pinned) {
        return decide(backups, policy, pinned, null);
    }

    /**
     * Pure: {@link #decide(Collection, RetentionPolicy, Set)}, and {@code stored} (the backup a {@code backup --prune}
     * run has just stored; may be null) kept too, with the reason {@value #STORED} when the rules would delete it: backups
     * dated after it (a clock ahead, within the tolerated skew) outrank it, yet it holds the newest data.
     */
    public static RetentionDecision decide(Collection<BackupKey> backups, RetentionPolicy policy, Set<BackupKey> pinned,
                                           BackupKey stored) {
        return decide(backups, policy, pinned, stored, STORED);
    }

    /**
     * Pure: {@link #decide(Collection, RetentionPolicy, Set, BackupKey)} with the reason {@code reason} ({@value #STORED}
     * or {@value #BEFORE_AHEAD}) for {@code stored} when the rules would delete it.
     */
    public static RetentionDecision decide(Collection<BackupKey> backups, RetentionPolicy policy, Set<BackupKey> pinned,
                                           BackupKey stored, String reason) {
        RetentionDecision d = decide(backups, policy);
        if (pinned.isEmpty() && (stored == null || !d.delete().contains(stored))) {
            return d;
        }
        List<Kept> keep = new ArrayList<>();
        List<BackupKey> delete = new ArrayList<>();
        java.util.Iterator<Kept> kept = d.keep().iterator();
        Kept nextKept = kept.hasNext() ? kept.next() : null;
        for (BackupKey b : List.copyOf(new TreeSet<>(backups))) { // newest first, as both lists are
            List<String> held = new ArrayList<>();
            if (pinned.contains(b)) {
                held.add(PINNED);
            }
            if (nextKept != null && nextKept.backup().equals(b)) {
                List<String> reasons = new ArrayList<>(nextKept.reasons());
                reasons.addAll(held);
                keep.add(new Kept(b, reasons));
                nextKept = kept.hasNext() ? kept.next() : null;
                continue;
            }
            if (b.equals(stored)) {
                held.add(reason);
            }
            if (held.isEmpty()) {
                delete.add(b);
            } else {
                keep.add(new Kept(b, held));
            }
        }
        return new RetentionDecision(keep, delete);
    }

    /** Pure: which backups to keep (with every rule that kept each) and which to delete. */
    public static RetentionDecision decide(Collection<BackupKey> backups, RetentionPolicy policy) {
        List<BackupKey> ordered = List.copyOf(new TreeSet<>(backups));
        if (policy.keepsEverything()) {
            return new RetentionDecision(ordered.stream().map(b -> new Kept(b, List.of(KEEP_ALL))).toList(), List.of());
        }
        // one list per kept backup only, created when a rule first keeps it: a store may hold 100,000s
        List<List<String>> reasons = new ArrayList<>(java.util.Collections.nCopies(ordered.size(), (List<String>) null));
        for (int i = 0; i < Math.min(policy.keepLast(), ordered.size()); i++) {
            addReason(reasons, i, reason("last", i + 1, policy.keepLast()));
        }
        ZoneId zone = policy.zone();
        byPeriod(ordered, reasons, "hourly", policy.keepHourly(), zone, t -> List.of(t.toLocalDate(), t.getHour()));
        byPeriod(ordered, reasons, "daily", policy.keepDaily(), zone, ZonedDateTime::toLocalDate);
        byPeriod(ordered, reasons, "weekly", policy.keepWeekly(), zone, t -> {
            LocalDate d = t.toLocalDate();
            return List.of(d.get(IsoFields.WEEK_BASED_YEAR), d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
        });
        byPeriod(ordered, reasons, "monthly", policy.keepMonthly(), zone, t -> List.of(t.getYear(), t.getMonthValue()));
        byPeriod(ordered, reasons, "yearly", policy.keepYearly(), zone, ZonedDateTime::getYear);

        List<Kept> keep = new ArrayList<>();
        List<BackupKey> delete = new ArrayList<>();
        for (int i = 0; i < ordered.size(); i++) {
            if (reasons.get(i) == null) {
                delete.add(ordered.get(i));
            } else {
                keep.add(new Kept(ordered.get(i), List.copyOf(reasons.get(i))));
            }
        }
        return new RetentionDecision(List.copyOf(keep), List.copyOf(delete));
    }

    /**
     * Walks newest first; the first backup met in a period not seen before represents it and gets
     * the period's rank, until N periods have been counted. A set of seen periods (rather than
     * "differs from the previous backup's period") keeps this right even in a zone whose clock
     * change moves the local date backwards.
     */
    private static void byPeriod(List<BackupKey> ordered, List<List<String>> reasons, String rule, int n,
                                 ZoneId zone, Function<ZonedDateTime, Object> period) {
        if (n == 0) {
            return;
        }
        Set<Object> seen = new HashSet<>();
        for (int i = 0; i < ordered.size() && seen.size() < n; i++) {
            if (seen.add(period.apply(ordered.get(i).timestamp().atZone(zone)))) {
                addReason(reasons, i, reason(rule, seen.size(), n));
            }
        }
    }

    private static void addReason(List<List<String>> reasons, int i, String reason) {
        if (reasons.get(i) == null) {
            reasons.set(i, new ArrayList<>(2));
        }
        reasons.get(i).add(reason);
    }

    private static String reason(String rule, int rank, int n) {
        return rule + " " + rank + "/" + n;
    }
}
