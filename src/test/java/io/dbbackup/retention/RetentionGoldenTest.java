package io.dbbackup.retention;

import io.dbbackup.core.BackupKey;
import io.dbbackup.core.Json;
import io.dbbackup.core.RetentionPolicy;
import io.dbbackup.testkit.Golden;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.time.DayOfWeek;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The retention golden cases (src/test/resources/golden/retention, written by generate.py there:
 * small cases checked by hand, the large one by a Python oracle). Each case's {@code files} are
 * parsed as the job's backups (anything else is foreign and ignored), {@link GfsPolicy#decide} runs,
 * and {@link DecisionJson} pretty-printed must equal {@code <case>.expected.json} byte for byte.
 * {@code -Dgolden.update=true} rewrites the expected files from the implementation — which the
 * second test then still checks against an independent brute-force oracle, so a regenerated golden
 * file cannot silently bless a bug.
 */
class RetentionGoldenTest {

    static List<String> cases() {
        return Golden.cases("retention", ".json");
    }

    @ParameterizedTest
    @MethodSource("cases")
    void decisionMatchesTheGoldenFile(String name) throws IOException {
        Case c = load(name);
        RetentionDecision d = GfsPolicy.decide(c.backups(), c.policy());
        Golden.check("retention", name + ".expected.json", Json.pretty(DecisionJson.render(name, d)) + "\n");
    }

    @ParameterizedTest
    @MethodSource("cases")
    void goldenFileMatchesABruteForceOracle(String name) throws IOException {
        Case c = load(name);
        Object oracle = Json.parse(Json.write(BruteForce.decide(name, c.backups(), c.policy())));
        Object expected = Json.parse(Files.readString(Golden.dir("retention").resolve(name + ".expected.json")));
        assertThat(oracle).as("golden file vs oracle").isEqualTo(expected);
        // also directly, so that -Dgolden.update=true cannot bless a bug whatever the test order
        Object actual = Json.parse(Json.write(DecisionJson.render(name, GfsPolicy.decide(c.backups(), c.policy()))));
        assertThat(actual).as("GfsPolicy vs oracle").isEqualTo(oracle);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void foreignFilesNeverAppearInTheDecision(String name) throws IOException {
        Case c = load(name);
        RetentionDecision d = GfsPolicy.decide(c.backups(), c.policy());
        Set<String> decided = new HashSet<>();
        d.keep().forEach(k -> decided.add(k.backup().key()));
        d.delete().forEach(k -> decided.add(k.key()));
        Set<String> backups = new HashSet<>();
        c.backups().forEach(b -> backups.add(b.key()));
        assertThat(decided).isEqualTo(backups);
        assertThat(d.keep().size() + d.delete().size()).isEqualTo(backups.size());
    }

    record Case(List<BackupKey> backups, RetentionPolicy policy) {
    }

    static Case load(String name) throws IOException {
        Map<?, ?> c = (Map<?, ?>) Json.parse(Files.readString(Golden.dir("retention").resolve(name + ".json")));
        String prefix = (String) c.get("prefix");
        String database = (String) c.get("database");
        List<BackupKey> backups = new ArrayList<>();
        java.util.Set<Object> files = new java.util.HashSet<>((List<?>) c.get("files"));
        for (Object f : (List<?>) c.get("files")) {
            // as Catalog lists them: a name with neither sidecar is no backup
            BackupKey.parse((String) f, prefix, database)
                    .filter(k -> files.contains(k.sha256Key()) || files.contains(k.manifestKey())).ifPresent(backups::add);
        }
        Map<?, ?> p = (Map<?, ?>) c.get("policy");
        RetentionPolicy policy = new RetentionPolicy(count(p, "keep_last"), count(p, "keep_hourly"),
                count(p, "keep_daily"), count(p, "keep_weekly"), count(p, "keep_monthly"), count(p, "keep_yearly"),
                ZoneId.of((String) p.get("timezone")));
        return new Case(backups, policy);
    }

    private static int count(Map<?, ?> p, String key) {
        Object v = p.get(key);
        return v == null ? 0 : ((Number) v).intValue();
    }

    /**
     * A deliberately different, quadratic reading of DESIGN.md: a backup is kept by a period rule
     * iff no newer backup shares its period and fewer than N distinct periods hold newer backups.
     * Weeks are told apart by their Monday (no IsoFields), hours by truncating the zoned time.
     */
    static final class BruteForce {
        static Map<String, Object> decide(String job, List<BackupKey> input, RetentionPolicy p) {
            List<BackupKey> all = new ArrayList<>();
            for (BackupKey b : input) {
                if (all.stream().noneMatch(x -> x.key().equals(b.key()))) {
                    all.add(b);
                }
            }
            all.sort((a, b) -> newer(a, b) ? -1 : newer(b, a) ? 1 : 0);
            ZoneId z = p.zone();
            Map<String, Function<BackupKey, Object>> periods = new LinkedHashMap<>();
            periods.put("hourly", b -> b.timestamp().atZone(z).truncatedTo(ChronoUnit.HOURS).toLocalDateTime());
            periods.put("daily", b -> b.timestamp().atZone(z).toLocalDate());
            periods.put("weekly", b -> b.timestamp().atZone(z).toLocalDate()
                    .with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)));
            periods.put("monthly", b -> YearMonth.from(b.timestamp().atZone(z)));
            periods.put("yearly", b -> Year.from(b.timestamp().atZone(z)));
            int[] counts = {p.keepHourly(), p.keepDaily(), p.keepWeekly(), p.keepMonthly(), p.keepYearly()};
            boolean none = p.keepLast() == 0 && java.util.Arrays.stream(counts).allMatch(n -> n == 0);

            List<Object> keep = new ArrayList<>();
            List<Object> delete = new ArrayList<>();
            for (BackupKey b : all) {
                List<String> reasons = new ArrayList<>();
                if (none) {
                    reasons.add("keep all (no retention rules)");
                }
                long newerCount = all.stream().filter(x -> newer(x, b)).count();
                if (newerCount < p.keepLast()) {
                    reasons.add("last " + (newerCount + 1) + "/" + p.keepLast());
                }
                int i = 0;
                for (var e : periods.entrySet()) {
                    int n = counts[i++];
                    Function<BackupKey, Object> period = e.getValue();
                    Object mine = period.apply(b);
                    boolean representative = all.stream().noneMatch(x -> newer(x, b) && period.apply(x).equals(mine));
                    Set<Object> newerPeriods = new HashSet<>();
                    all.stream().filter(x -> newer(x, b)).forEach(x -> newerPeriods.add(period.apply(x)));
                    if (representative && newerPeriods.size() < n) {
                        reasons.add(e.getKey() + " " + (newerPeriods.size() + 1) + "/" + n);
                    }
                }
                if (reasons.isEmpty()) {
                    delete.add(Map.of("key", b.key()));
                } else {
                    keep.add(Map.of("key", b.key(), "reasons", reasons));
                }
            }
            return Map.of("job", job, "keep", keep, "delete", delete);
        }

        /** Later instant, or the same instant and a greater key. */
        static boolean newer(BackupKey a, BackupKey b) {
            int c = a.timestamp().compareTo(b.timestamp());
            return c > 0 || c == 0 && a.key().compareTo(b.key()) > 0;
        }
    }
}
