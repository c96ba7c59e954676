package io.dbbackup.retention;

import io.dbbackup.core.BackupKey;
import io.dbbackup.core.RetentionPolicy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * An independent oracle for GFS retention, written from DESIGN.md ("GFS retention, exactly") and the README's
 * "Retention (GFS)" section only, before {@link GfsPolicy}'s code was read. Slow on purpose: every rule buckets ALL
 * backups by its calendar period (java.time, in the policy's zone), takes each period's newest backup as its
 * representative, sorts the representatives newest first and keeps the first N. Nothing is shared with GfsPolicy but
 * the value types and the reason words.
 *
 * <p>The rules as the docs state them:
 * <ul>
 *   <li>a backup's time is the UTC instant in its key; order newest first, equal instants by key, descending;</li>
 *   <li>{@code last N}: the N newest;</li>
 *   <li>{@code hourly|daily|weekly|monthly|yearly N}: periods taken in the zone (hour = local date + local hour, so a
 *       repeated DST hour is one period; day = local date; week = ISO-8601 week in the week-based year; month, year =
 *       calendar); the newest backup of a period represents it; the representatives of the N newest periods that hold
 *       a backup are kept, a period being as new as its representative;</li>
 *   <li>union; each kept backup lists every rule that kept it as {@code rule rank/N} (rank: position among the
 *       backups for {@code last}, the period's position among the periods holding backups for the others, newest
 *       first), in the order last, hourly, daily, weekly, monthly, yearly;</li>
 *   <li>no rule set: everything kept, {@code keep all (no retention rules)};</li>
 *   <li>a pinned backup is kept with {@code pinned} after the rules' reasons (one more rule in the union: it counts for
 *       the rules as any other);</li>
 *   <li>the held backup ({@code backup --prune}'s own, or the newest dated at or before this host's clock while others
 *       are dated after it) is kept with its reason, last, when the rules alone (pins aside) would delete it.</li>
 * </ul>
 *
 * <p>Two readings were settled by comparing with GfsPolicy (docs/DECISIONS.md, 2026-12-06): the period order and
 * the held reason beside {@code pinned}. The first oracle ordered periods by their calendar value; it differs only where
 * a clock change sets local time back across a period boundary (Antarctica/Casey 2022, Pacific/Chatham and
 * Antarctica/Troll every year, America/St_Johns until 2010), and there it could delete the newest backup.
 */
public final class GfsOracle {
    private GfsOracle() {
    }

    /** The oracle's answer: keep (each with its reasons) and delete, both newest first. */
    public record Decision(Map<BackupKey, List<String>> keep, List<BackupKey> delete) {
    }

    /** Newest first; equal instants by key (the whole key string), descending. */
    public static final Comparator<BackupKey> NEWEST_FIRST = Comparator.comparing(BackupKey::timestamp)
            .thenComparing(BackupKey::key).reversed();

    public static Decision decide(Collection<BackupKey> backups, RetentionPolicy policy) {
        return decide(backups, policy, Set.of(), null, null);
    }

    public static Decision decide(Collection<BackupKey> backups, RetentionPolicy policy, Set<BackupKey> pinned,
                                  BackupKey held, String heldReason) {
        List<BackupKey> sorted = new ArrayList<>(backups);
        sorted.sort(NEWEST_FIRST);
        Map<BackupKey, List<String>> reasons = new LinkedHashMap<>();
        for (BackupKey b : sorted) {
            reasons.put(b, new ArrayList<>());
        }
        ZoneId zone = policy.zone();
        boolean noRules = policy.keepLast() == 0 && policy.keepHourly() == 0 && policy.keepDaily() == 0
                && policy.keepWeekly() == 0 && policy.keepMonthly() == 0 && policy.keepYearly() == 0;
        if (noRules) {
            for (BackupKey b : sorted) {
                reasons.get(b).add(GfsPolicy.KEEP_ALL);
            }
        }
        // last N: the N newest
        for (int i = 0; i < sorted.size() && i < policy.keepLast(); i++) {
            reasons.get(sorted.get(i)).add("last " + (i + 1) + "/" + policy.keepLast());
        }
        List<Map<BackupKey, String>> periodRules = List.of(
                periodRule(sorted, "hourly", policy.keepHourly(), zone,
                        (t, z) -> LocalDateTime.ofInstant(t, z).truncatedTo(ChronoUnit.HOURS)),
                periodRule(sorted, "daily", policy.keepDaily(), zone, (t, z) -> LocalDate.ofInstant(t, z)),
                periodRule(sorted, "weekly", policy.keepWeekly(), zone, (t, z) -> {
                    ZonedDateTime d = t.atZone(z);
                    return new IsoWeek(d.get(IsoFields.WEEK_BASED_YEAR), d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
                }),
                periodRule(sorted, "monthly", policy.keepMonthly(), zone, (t, z) -> YearMonth.from(t.atZone(z))),
                periodRule(sorted, "yearly", policy.keepYearly(), zone, (t, z) -> t.atZone(z).getYear()));
        for (BackupKey b : sorted) {
            for (Map<BackupKey, String> rule : periodRules) { // hourly, daily, weekly, monthly, yearly
                if (rule.containsKey(b)) {
                    reasons.get(b).add(rule.get(b));
                }
            }
            if (pinned.contains(b)) {
                reasons.get(b).add(GfsPolicy.PINNED);
            }
        }
        // the held backup gets its reason when the rules alone (pins aside) would delete it
        if (held != null && reasons.containsKey(held)
                && reasons.get(held).stream().allMatch(GfsPolicy.PINNED::equals)) {
            reasons.get(held).add(heldReason);
        }
        Map<BackupKey, List<String>> keep = new LinkedHashMap<>();
        List<BackupKey> delete = new ArrayList<>();
        for (BackupKey b : sorted) {
            if (reasons.get(b).isEmpty()) {
                delete.add(b);
            } else {
                keep.put(b, List.copyOf(reasons.get(b)));
            }
        }
        return new Decision(keep, delete);
    }

    /**
     * When some backups are dated after {@code now}: the newest dated at or before it (null when none is, or when no
     * backup is dated after {@code now}). Straight from the README: "keeps the newest backup dated at or before this
     * host's clock when others are dated after that clock".
     */
    public static BackupKey newestAtOrBeforeWhenOthersAreAfter(Collection<BackupKey> backups, Instant now) {
        boolean anyAfter = false;
        for (BackupKey b : backups) {
            anyAfter |= b.timestamp().isAfter(now);
        }
        if (!anyAfter) {
            return null;
        }
        List<BackupKey> sorted = new ArrayList<>(backups);
        sorted.sort(NEWEST_FIRST);
        for (BackupKey b : sorted) {
            if (!b.timestamp().isAfter(now)) {
                return b;
            }
        }
        return null;
    }

    private record IsoWeek(int year, int week) implements Comparable<IsoWeek> {
        @Override
        public int compareTo(IsoWeek o) {
            return year != o.year ? Integer.compare(year, o.year) : Integer.compare(week, o.week);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Map<BackupKey, String> periodRule(List<BackupKey> newestFirst, String rule, int n, ZoneId zone,
                                                     BiFunction<Instant, ZoneId, Comparable> period) {
        Map<BackupKey, String> kept = new java.util.HashMap<>();
        if (n == 0) {
            return kept;
        }
        // bucket every backup by its calendar period
        Map<Comparable, List<BackupKey>> buckets = new java.util.HashMap<>();
        for (BackupKey b : newestFirst) {
            buckets.computeIfAbsent(period.apply(b.timestamp(), zone), p -> new ArrayList<>()).add(b);
        }
        // the newest backup of each period represents it
        List<BackupKey> representatives = new ArrayList<>();
        for (List<BackupKey> inPeriod : buckets.values()) {
            representatives.add(inPeriod.stream().min(NEWEST_FIRST).orElseThrow());
        }
        // the newest periods are those with the newest representatives (docs/DECISIONS.md, 2026-12-06: this is the
        // calendar order too, except where a clock change sets local time back across a period's boundary)
        representatives.sort(NEWEST_FIRST);
        for (int rank = 1; rank <= n && rank <= representatives.size(); rank++) {
            kept.put(representatives.get(rank - 1), rule + " " + rank + "/" + n);
        }
        return kept;
    }
}
