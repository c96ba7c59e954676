package io.dbbackup.retention;

import io.dbbackup.core.BackupKey;
import io.dbbackup.core.Compression;
import io.dbbackup.core.DumpFormat;
import io.dbbackup.core.Json;
import io.dbbackup.core.RetentionPolicy;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class GfsPolicyTest {
    private static final ZoneId UTC = ZoneOffset.UTC;

    private static BackupKey b(String instant) {
        return b(instant, Compression.GZIP);
    }

    private static BackupKey b(String instant, Compression c) {
        return new BackupKey("prod", "app", Instant.parse(instant), DumpFormat.SQL, c, false);
    }

    private static RetentionPolicy policy(int last, int hourly, int daily, int weekly, int monthly, int yearly) {
        return new RetentionPolicy(last, hourly, daily, weekly, monthly, yearly, UTC);
    }

    /** "20260310-220000" → reasons, in decision order, for compact assertions. */
    private static Map<String, List<String>> kept(RetentionDecision d) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        d.keep().forEach(k -> m.put(stamp(k.backup()), k.reasons()));
        return m;
    }

    private static List<String> deleted(RetentionDecision d) {
        return d.delete().stream().map(GfsPolicyTest::stamp).toList();
    }

    private static String stamp(BackupKey k) {
        return k.fileName().substring("app-".length(), "app-".length() + 15);
    }

    @Test
    void emptyInputGivesAnEmptyDecision() {
        assertThat(GfsPolicy.decide(List.of(), policy(3, 24, 7, 4, 12, 5))).isEqualTo(new RetentionDecision(List.of(), List.of()));
        assertThat(GfsPolicy.decide(List.of(), RetentionPolicy.KEEP_ALL)).isEqualTo(new RetentionDecision(List.of(), List.of()));
    }

    @Test
    void noRuleKeepsEverythingNewestFirst() {
        RetentionDecision d = GfsPolicy.decide(List.of(b("2020-01-01T00:00:00Z"), b("2026-01-01T00:00:00Z")), RetentionPolicy.KEEP_ALL);
        assertThat(kept(d)).containsExactly(
                Map.entry("20260101-000000", List.of("keep all (no retention rules)")),
                Map.entry("20200101-000000", List.of("keep all (no retention rules)")));
        assertThat(d.delete()).isEmpty();
    }

    @Test
    void singleBackupIsKeptByEveryRuleThatIsOn() {
        RetentionDecision d = GfsPolicy.decide(List.of(b("2026-03-10T22:00:00Z")), policy(3, 0, 7, 4, 0, 2));
        assertThat(kept(d)).containsExactly(Map.entry("20260310-220000", List.of("last 1/3", "daily 1/7", "weekly 1/4", "yearly 1/2")));
        assertThat(d.delete()).isEmpty();
    }

    @Test
    void keepLastKeepsTheNNewestBackupsEvenInOnePeriod() {
        var in = List.of(b("2026-03-10T22:00:03Z"), b("2026-03-10T22:00:02Z"), b("2026-03-10T22:00:01Z"), b("2026-03-10T22:00:00Z"));
        RetentionDecision d = GfsPolicy.decide(in, policy(2, 0, 0, 0, 0, 0));
        assertThat(kept(d)).containsExactly(Map.entry("20260310-220003", List.of("last 1/2")), Map.entry("20260310-220002", List.of("last 2/2")));
        assertThat(deleted(d)).containsExactly("20260310-220001", "20260310-220000");
    }

    @Test
    void nLargerThanAvailableKeepsWhatThereIsAndSaysOfN() {
        var in = List.of(b("2026-03-10T22:00:00Z"), b("2026-03-09T22:00:00Z"));
        assertThat(kept(GfsPolicy.decide(in, policy(10, 0, 0, 0, 0, 0)))).containsExactly(
                Map.entry("20260310-220000", List.of("last 1/10")), Map.entry("20260309-220000", List.of("last 2/10")));
        assertThat(kept(GfsPolicy.decide(in, policy(0, 0, 30, 0, 0, 0)))).containsExactly(
                Map.entry("20260310-220000", List.of("daily 1/30")), Map.entry("20260309-220000", List.of("daily 2/30")));
    }

    @Test
    void zeroTurnsARuleOffWhenAnotherIsOn() {
        var in = List.of(b("2026-03-10T22:00:00Z"), b("2026-03-10T10:00:00Z"), b("2026-03-09T22:00:00Z"));
        RetentionDecision d = GfsPolicy.decide(in, policy(0, 0, 1, 0, 0, 0));
        assertThat(kept(d)).containsExactly(Map.entry("20260310-220000", List.of("daily 1/1")));
        assertThat(deleted(d)).containsExactly("20260310-100000", "20260309-220000");
    }

    @Test
    void hourlyTakesTheNewestOfEachHourAndSkipsEmptyHours() {
        var in = List.of(b("2026-05-05T14:45:00Z"), b("2026-05-05T14:00:00Z"), b("2026-05-05T13:59:59Z"), b("2026-05-05T11:00:00Z"),
                b("2026-05-05T10:30:00Z"));
        RetentionDecision d = GfsPolicy.decide(in, policy(0, 3, 0, 0, 0, 0));
        assertThat(kept(d)).containsExactly(Map.entry("20260505-144500", List.of("hourly 1/3")),
                Map.entry("20260505-135959", List.of("hourly 2/3")), Map.entry("20260505-110000", List.of("hourly 3/3")));
        assertThat(deleted(d)).containsExactly("20260505-140000", "20260505-103000");
    }

    @Test
    void hourlyTreatsTheRepeatedFallBackHourAsOnePeriod() {
        // America/New_York 2026-11-01: 01:10 EDT (05:10Z), 01:50 EDT (05:50Z), 01:20 EST (06:20Z)
        var in = List.of(b("2026-11-01T05:10:00Z"), b("2026-11-01T05:50:00Z"), b("2026-11-01T06:20:00Z"), b("2026-11-01T04:30:00Z"));
        RetentionDecision d = GfsPolicy.decide(in, new RetentionPolicy(0, 2, 0, 0, 0, 0, ZoneId.of("America/New_York")));
        assertThat(kept(d)).containsExactly(Map.entry("20261101-062000", List.of("hourly 1/2")), Map.entry("20261101-043000", List.of("hourly 2/2")));
        // in UTC the same backups span three hours
        assertThat(kept(GfsPolicy.decide(in, policy(0, 2, 0, 0, 0, 0)))).containsOnlyKeys("20261101-062000", "20261101-055000");
    }

    @Test
    void dailyUsesTheLocalCalendarDay() {
        // 22:30Z is 00:30 the next day in Berlin (CEST, UTC+2)
        var in = List.of(b("2026-06-10T22:30:00Z"), b("2026-06-10T12:00:00Z"), b("2026-06-09T12:00:00Z"));
        RetentionDecision berlin = GfsPolicy.decide(in, new RetentionPolicy(0, 0, 2, 0, 0, 0, ZoneId.of("Europe/Berlin")));
        assertThat(kept(berlin)).containsExactly(Map.entry("20260610-223000", List.of("daily 1/2")), Map.entry("20260610-120000", List.of("daily 2/2")));
        RetentionDecision utc = GfsPolicy.decide(in, policy(0, 0, 2, 0, 0, 0));
        assertThat(kept(utc)).containsExactly(Map.entry("20260610-223000", List.of("daily 1/2")), Map.entry("20260609-120000", List.of("daily 2/2")));
    }

    @Test
    void weeklyUsesIsoWeeksStartingMonday() {
        // Mon 2026-03-09 starts a week; Sun 03-08 ends the previous one
        var in = List.of(b("2026-03-09T00:00:00Z"), b("2026-03-08T23:59:59Z"), b("2026-03-02T00:00:00Z"), b("2026-03-01T12:00:00Z"));
        RetentionDecision d = GfsPolicy.decide(in, policy(0, 0, 0, 3, 0, 0));
        assertThat(kept(d)).containsExactly(Map.entry("20260309-000000", List.of("weekly 1/3")),
                Map.entry("20260308-235959", List.of("weekly 2/3")), Map.entry("20260301-120000", List.of("weekly 3/3")));
    }

    @Test
    void weeklyUsesTheWeekBasedYearAcrossNewYear() {
        // 2027-01-03 (Sun) and 2026-12-28 (Mon) are both 2026-W53; 2026-W53 is one period, not two
        var in = List.of(b("2027-01-03T12:00:00Z"), b("2026-12-28T12:00:00Z"), b("2026-12-27T12:00:00Z"));
        RetentionDecision d = GfsPolicy.decide(in, policy(0, 0, 0, 2, 0, 0));
        assertThat(kept(d)).containsExactly(Map.entry("20270103-120000", List.of("weekly 1/2")), Map.entry("20261227-120000", List.of("weekly 2/2")));
        // 2025-12-29 (Mon) is 2026-W01, the same week as 2026-01-01: one period
        var in2 = List.of(b("2026-01-01T12:00:00Z"), b("2025-12-29T12:00:00Z"), b("2025-12-28T12:00:00Z"));
        assertThat(kept(GfsPolicy.decide(in2, policy(0, 0, 0, 2, 0, 0)))).containsOnlyKeys("20260101-120000", "20251228-120000");
    }

    @Test
    void monthlySkipsMonthsWithoutBackups() {
        var in = List.of(b("2026-06-20T00:00:00Z"), b("2026-06-01T00:00:00Z"), b("2026-03-31T23:00:00Z"), b("2026-03-01T00:00:00Z"),
                b("2025-12-31T00:00:00Z"));
        RetentionDecision d = GfsPolicy.decide(in, policy(0, 0, 0, 0, 3, 0));
        assertThat(kept(d)).containsExactly(Map.entry("20260620-000000", List.of("monthly 1/3")),
                Map.entry("20260331-230000", List.of("monthly 2/3")), Map.entry("20251231-000000", List.of("monthly 3/3")));
    }

    @Test
    void yearlyUsesTheLocalCalendarYear() {
        // 2027-01-01 05:00Z is still 2026-12-31 21:00 in Los Angeles
        var in = List.of(b("2027-01-01T09:00:00Z"), b("2027-01-01T05:00:00Z"), b("2026-06-01T00:00:00Z"), b("2024-06-01T00:00:00Z"));
        RetentionDecision la = GfsPolicy.decide(in, new RetentionPolicy(0, 0, 0, 0, 0, 5, ZoneId.of("America/Los_Angeles")));
        assertThat(kept(la)).containsExactly(Map.entry("20270101-090000", List.of("yearly 1/5")),
                Map.entry("20270101-050000", List.of("yearly 2/5")), Map.entry("20240601-000000", List.of("yearly 3/5")));
        RetentionDecision utc = GfsPolicy.decide(in, policy(0, 0, 0, 0, 0, 5));
        assertThat(kept(utc)).containsOnlyKeys("20270101-090000", "20260601-000000", "20240601-000000");
    }

    @Test
    void rulesCombineByUnionAndReasonsFollowRuleOrder() {
        var in = List.of(b("2026-03-10T22:00:00Z"), b("2026-03-09T22:00:00Z"), b("2026-02-27T22:00:00Z"));
        RetentionDecision d = GfsPolicy.decide(in, policy(1, 1, 1, 1, 2, 1));
        assertThat(kept(d)).containsExactly(
                Map.entry("20260310-220000", List.of("last 1/1", "hourly 1/1", "daily 1/1", "weekly 1/1", "monthly 1/2", "yearly 1/1")),
                Map.entry("20260227-220000", List.of("monthly 2/2")));
        assertThat(deleted(d)).containsExactly("20260309-220000");
    }

    @Test
    void equalInstantsOrderByKeyDescending() {
        BackupKey gz = b("2026-01-05T02:00:00Z", Compression.GZIP);
        BackupKey zst = b("2026-01-05T02:00:00Z", Compression.ZSTD);
        BackupKey lz4 = b("2026-01-05T02:00:00Z", Compression.LZ4);
        RetentionDecision d = GfsPolicy.decide(List.of(gz, lz4, zst), policy(0, 0, 1, 0, 0, 0));
        assertThat(d.keep()).extracting(Kept::backup).containsExactly(zst); // ".sql.zst" > ".sql.lz4" > ".sql.gz"
        assertThat(d.delete()).containsExactly(lz4, gz);
    }

    @Test
    void duplicatesAreDecidedOnce() {
        BackupKey a = b("2026-01-05T02:00:00Z");
        BackupKey sameAgain = BackupKey.parse(a.key(), "prod", "app").orElseThrow();
        var in = List.of(a, sameAgain, b("2026-01-04T02:00:00Z"), b("2026-01-04T02:00:00Z"), b("2026-01-03T02:00:00Z"));
        RetentionDecision d = GfsPolicy.decide(in, policy(2, 0, 0, 0, 0, 0));
        assertThat(kept(d)).containsExactly(Map.entry("20260105-020000", List.of("last 1/2")), Map.entry("20260104-020000", List.of("last 2/2")));
        assertThat(deleted(d)).containsExactly("20260103-020000");
    }

    @Test
    void inputOrderDoesNotMatter() {
        List<BackupKey> in = new ArrayList<>();
        Instant t = Instant.parse("2024-01-01T00:00:00Z");
        Random rnd = new Random(7);
        for (int i = 0; i < 300; i++) {
            t = t.plusSeconds(3600L * (1 + rnd.nextInt(60)));
            in.add(new BackupKey("prod", "app", t, DumpFormat.SQL, Compression.GZIP, false));
        }
        RetentionPolicy p = new RetentionPolicy(3, 24, 7, 4, 12, 3, ZoneId.of("Europe/Berlin"));
        RetentionDecision sorted = GfsPolicy.decide(in, p);
        Collections.shuffle(in, rnd);
        assertThat(GfsPolicy.decide(in, p)).isEqualTo(sorted);
        assertThat(sorted.keep().size() + sorted.delete().size()).isEqualTo(300);
        assertThat(sorted.keep()).extracting(Kept::backup).isSorted();
        assertThat(sorted.delete()).isSorted();
    }

    /** The worked example of the README (Retention, Worked example), verbatim. */
    @Test
    void readmeWorkedExample() {
        List<BackupKey> in = new ArrayList<>();
        for (String s : List.of("2026-03-10T14:00:00Z", "2026-03-10T01:00:00Z", "2026-03-09T01:00:00Z", "2026-03-08T01:00:00Z",
                "2026-03-07T01:00:00Z", "2026-03-04T01:00:00Z", "2026-03-01T01:00:00Z", "2026-02-27T01:00:00Z",
                "2026-02-14T01:00:00Z", "2026-01-31T01:00:00Z")) {
            in.add(b(s));
        }
        RetentionDecision d = GfsPolicy.decide(in, new RetentionPolicy(2, 0, 3, 2, 3, 0, ZoneId.of("Europe/Berlin")));
        assertThat(kept(d)).containsExactly(
                Map.entry("20260310-140000", List.of("last 1/2", "daily 1/3", "weekly 1/2", "monthly 1/3")),
                Map.entry("20260310-010000", List.of("last 2/2")),
                Map.entry("20260309-010000", List.of("daily 2/3")),
                Map.entry("20260308-010000", List.of("daily 3/3", "weekly 2/2")),
                Map.entry("20260227-010000", List.of("monthly 2/3")),
                Map.entry("20260131-010000", List.of("monthly 3/3")));
        assertThat(deleted(d)).containsExactly("20260307-010000", "20260304-010000", "20260301-010000", "20260214-010000");
    }

    @Test
    void decisionJsonHasTheCliShape() {
        RetentionDecision d = GfsPolicy.decide(List.of(b("2026-01-05T02:00:00Z"), b("2026-01-04T02:00:00Z")), policy(1, 0, 0, 0, 0, 0));
        assertThat(Json.write(DecisionJson.render("nightly", d))).isEqualTo(
                "{\"job\":\"nightly\",\"keep\":[{\"key\":\"prod/app/app-20260105-020000.sql.gz\",\"reasons\":[\"last 1/1\"]}],"
                        + "\"delete\":[{\"key\":\"prod/app/app-20260104-020000.sql.gz\"}]}");
    }

    @Test
    void aPinnedBackupIsKeptAsOneMoreRuleAndChangesNothingElse() {
        List<BackupKey> all = List.of(b("2026-03-01T02:00:00Z"), b("2026-03-02T02:00:00Z"), b("2026-03-03T02:00:00Z"),
                b("2026-03-04T02:00:00Z"), b("2026-03-05T02:00:00Z"));
        RetentionPolicy last2 = policy(2, 0, 0, 0, 0, 0);
        java.util.Set<BackupKey> pinned = java.util.Set.of(b("2026-03-02T02:00:00Z"), b("2026-03-05T02:00:00Z"));

        RetentionDecision d = GfsPolicy.decide(all, last2, pinned);

        assertThat(kept(d)).containsExactly(Map.entry("20260305-020000", List.of("last 1/2", "pinned")),
                Map.entry("20260304-020000", List.of("last 2/2")), Map.entry("20260302-020000", List.of("pinned")));
        assertThat(deleted(d)).containsExactly("20260303-020000", "20260301-020000");
        RetentionDecision unpinned = GfsPolicy.decide(all, last2);
        assertThat(GfsPolicy.decide(all, last2, java.util.Set.of())).isEqualTo(unpinned);
        assertThat(kept(unpinned).keySet()).containsExactly("20260305-020000", "20260304-020000");
        // a pin that names no backup of the list changes nothing
        assertThat(GfsPolicy.decide(all, last2, java.util.Set.of(b("2025-01-01T00:00:00Z")))).isEqualTo(unpinned);
        assertThat(kept(GfsPolicy.decide(all, RetentionPolicy.KEEP_ALL, pinned)).get("20260302-020000"))
                .containsExactly(GfsPolicy.KEEP_ALL, "pinned");
    }

    /** The backup a backup --prune run stored is kept when backups dated after it (a clock ahead) outrank it; else no change. */
    @Test
    void theBackupARunStoredIsKeptWhenTheRulesAloneWouldDeleteIt() {
        BackupKey stored = b("2026-03-05T02:00:00Z");
        List<BackupKey> all = List.of(b("2026-03-04T02:00:00Z"), stored, b("2026-03-05T02:20:00Z"), b("2026-03-05T02:40:00Z"));
        RetentionPolicy last2 = policy(2, 0, 0, 0, 0, 0);

        RetentionDecision d = GfsPolicy.decide(all, last2, java.util.Set.of(), stored);

        assertThat(kept(d)).containsExactly(Map.entry("20260305-024000", List.of("last 1/2")),
                Map.entry("20260305-022000", List.of("last 2/2")), Map.entry("20260305-020000", List.of(GfsPolicy.STORED)));
        assertThat(deleted(d)).containsExactly("20260304-020000");
        // pinned as well: both reasons; kept by a rule: the rule's reason alone, as without it
        assertThat(kept(GfsPolicy.decide(all, last2, java.util.Set.of(stored), stored)).get("20260305-020000"))
                .containsExactly("pinned", GfsPolicy.STORED);
        RetentionDecision newest = GfsPolicy.decide(all, last2, java.util.Set.of(), b("2026-03-05T02:40:00Z"));
        assertThat(newest).isEqualTo(GfsPolicy.decide(all, last2));
        assertThat(GfsPolicy.decide(all, last2, java.util.Set.of(), null)).isEqualTo(GfsPolicy.decide(all, last2));
    }

    /**
     * A clock change that sets local time back across a period's boundary makes the calendar order of periods and the
     * order of their newest backups differ: the N newest periods are those with the newest representatives, so a period
     * rule never deletes the newest backup (docs/DECISIONS.md, "The newest periods are those with the newest backups").
     */
    @Test
    void aClockSetBackAcrossAPeriodBoundaryRanksPeriodsByTheirNewestBackup() {
        // America/St_Johns until 2011: at 00:01 (-02:30) on 1 Nov 2009 clocks went back to 23:01 (-03:30) on 31 Oct
        BackupKey firstOfNovember = b("2009-11-01T02:30:30Z"); // 00:00:30 on 1 Nov, local
        BackupKey newest = b("2009-11-01T03:00:00Z");          // 23:30 on 31 Oct, local, half an hour later
        ZoneId stJohns = ZoneId.of("America/St_Johns");
        RetentionDecision daily1 = GfsPolicy.decide(List.of(firstOfNovember, newest),
                new RetentionPolicy(0, 0, 1, 0, 0, 0, stJohns));
        assertThat(kept(daily1)).containsExactly(Map.entry("20091101-030000", List.of("daily 1/1")));
        assertThat(deleted(daily1)).containsExactly("20091101-023030");
        assertThat(kept(GfsPolicy.decide(List.of(firstOfNovember, newest), new RetentionPolicy(0, 0, 2, 0, 0, 0, stJohns))))
                .containsExactly(Map.entry("20091101-030000", List.of("daily 1/2")),
                        Map.entry("20091101-023030", List.of("daily 2/2")));

        // Pacific/Chatham every April: 03:45 (+13:45) back to 02:45 (+12:45), so 02:50 comes after 03:10
        BackupKey threeTen = b("2026-04-04T13:25:00Z");
        BackupKey twoFifty = b("2026-04-04T14:05:00Z");
        RetentionDecision hourly1 = GfsPolicy.decide(List.of(threeTen, twoFifty),
                new RetentionPolicy(0, 1, 0, 0, 0, 0, ZoneId.of("Pacific/Chatham")));
        assertThat(kept(hourly1)).containsExactly(Map.entry("20260404-140500", List.of("hourly 1/1")));
        assertThat(deleted(hourly1)).containsExactly("20260404-132500");
    }
}
