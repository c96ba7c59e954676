package io.dbbackup.retention;

import io.dbbackup.core.BackupKey;
import io.dbbackup.core.Compression;
import io.dbbackup.core.DumpFormat;
import io.dbbackup.core.RetentionPolicy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link GfsPolicy} against the independent {@link GfsOracle} on seeded random inputs: keep and delete lists (in order)
 * and every kept backup's reasons must be equal. A difference is shrunk to a minimal case and printed with each backup's
 * local time, so it can become a plain unit test.
 */
class GfsPolicyOracleTest {
    static final List<ZoneId> ZONES = List.of(ZoneOffset.UTC, ZoneId.of("Europe/Berlin"), ZoneId.of("America/New_York"),
            ZoneId.of("Australia/Lord_Howe"), ZoneId.of("Asia/Kathmandu"), ZoneId.of("Pacific/Chatham"),
            ZoneId.of("Antarctica/Troll"), ZoneId.of("America/St_Johns"), ZoneId.of("Pacific/Apia"),
            ZoneId.of("America/Los_Angeles"), ZoneId.of("Australia/Sydney"), ZoneId.of("Asia/Kolkata"),
            ZoneId.of("America/Santiago"), ZoneId.of("Pacific/Kiritimati"), ZoneId.of("Antarctica/Casey"));
    /** Years that have an ISO week 53. */
    static final int[] WEEK53_YEARS = {2004, 2009, 2015, 2020, 2026, 2032, 2037};
    static final Instant FROM = Instant.parse("2000-01-01T00:00:00Z");
    static final Instant TO = Instant.parse("2040-12-31T00:00:00Z");

    /** One generated case: what {@link GfsPolicy#decide} is given. */
    record Case(long seed, List<BackupKey> backups, RetentionPolicy policy, Set<BackupKey> pinned, BackupKey held,
                String heldReason) {
        Case with(List<BackupKey> fewer) {
            Set<BackupKey> p = pinned.stream().filter(fewer::contains).collect(Collectors.toSet());
            BackupKey h = held != null && fewer.contains(held) ? held : null;
            return new Case(seed, fewer, policy, p, h, heldReason);
        }
    }

    @Test
    void gfsPolicyAgreesWithTheOracleOnRandomInputs() {
        List<String> failures = new ArrayList<>();
        for (long seed = 1; seed <= 2000; seed++) {
            Case c = generate(seed);
            String diff = difference(c);
            if (diff != null) {
                failures.add(describe(shrink(c)));
                if (failures.size() >= 3) {
                    break;
                }
            }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " case(s) differ (first ones, shrunk):\n" + String.join("\n\n", failures));
        }
    }

    @Test
    void largeCasesAgree() {
        List<String> failures = new ArrayList<>();
        for (long seed = 10_001; seed <= 10_020; seed++) {
            Random r = new Random(seed);
            ZoneId zone = ZONES.get(r.nextInt(ZONES.size()));
            List<BackupKey> backups = new ArrayList<>();
            // an hourly schedule with jitter and gaps over up to two years, around a random anchor
            Instant t = randomInstant(r).truncatedTo(ChronoUnit.SECONDS);
            int n = 300 + r.nextInt(500);
            for (int i = 0; i < n; i++) {
                backups.add(key(t, r));
                t = t.minusSeconds(r.nextInt(3) == 0 ? r.nextInt(86_400 * 5) : 1800 + r.nextInt(3600));
            }
            List<BackupKey> unique = new ArrayList<>(new LinkedHashSet<>(backups));
            RetentionPolicy policy = new RetentionPolicy(r.nextInt(5), r.nextInt(48), r.nextInt(30), r.nextInt(12),
                    r.nextInt(24), r.nextInt(5), zone);
            Case c = new Case(seed, unique, policy, Set.of(), null, null);
            if (difference(c) != null) {
                failures.add(describe(shrink(c)));
                break;
            }
        }
        if (!failures.isEmpty()) {
            fail(String.join("\n\n", failures));
        }
    }

    // ---------------------------------------------------------------- generation

    static Case generate(long seed) {
        Random r = new Random(seed);
        ZoneId zone = ZONES.get(r.nextInt(ZONES.size()));
        Instant anchor = anchor(r, zone);
        int n = r.nextInt(10) == 0 ? 0 : 1 + r.nextInt(r.nextBoolean() ? 8 : 40);
        List<Instant> times = new ArrayList<>();
        switch (r.nextInt(3)) {
            case 0 -> { // scattered around the anchor at one scale
                long scale = scale(r);
                for (int i = 0; i < n; i++) {
                    times.add(anchor.plusSeconds(Math.floorMod(r.nextLong(), 2 * scale + 1) - scale));
                }
            }
            case 1 -> { // a schedule: every step, with jitter, ending near the anchor
                long step = List.of(60L, 900L, 1800L, 3600L, 5400L, 7200L, 86_400L, 43_200L, 604_800L, 2_592_000L)
                        .get(r.nextInt(10));
                long jitter = r.nextInt(4) == 0 ? 0 : r.nextInt((int) Math.min(step, 7200));
                Instant t = anchor.plusSeconds(r.nextInt((int) Math.min(step * 3, 86_400 * 3)));
                for (int i = 0; i < n; i++) {
                    times.add(t.plusSeconds(jitter == 0 ? 0 : r.nextInt((int) jitter)));
                    t = t.minusSeconds(step);
                }
            }
            default -> { // clusters: several on the same hour/day, a few scattered far
                for (int i = 0; i < n; i++) {
                    long s = i % 3 == 0 ? scale(r) : 600;
                    times.add(anchor.plusSeconds(Math.floorMod(r.nextLong(), 2 * s + 1) - s));
                }
            }
        }
        boolean mixedExtensions = r.nextInt(3) == 0;
        Set<BackupKey> keys = new LinkedHashSet<>();
        for (Instant t : times) {
            keys.add(mixedExtensions ? key(t, r) : plainKey(t));
        }
        // identical timestamps, different extensions
        List<BackupKey> snapshot = new ArrayList<>(keys);
        if (!snapshot.isEmpty() && r.nextInt(3) == 0) {
            for (int i = 0, m = 1 + r.nextInt(4); i < m; i++) {
                keys.add(key(snapshot.get(r.nextInt(snapshot.size())).timestamp(), r));
            }
        }
        List<BackupKey> backups = new ArrayList<>(keys);
        java.util.Collections.shuffle(backups, r); // the policy must not depend on the input order
        RetentionPolicy policy = r.nextInt(15) == 0 ? new RetentionPolicy(0, 0, 0, 0, 0, 0, zone)
                : new RetentionPolicy(count(r), count(r), count(r), count(r), count(r), count(r), zone);
        Set<BackupKey> pinned = new HashSet<>();
        if (r.nextInt(3) == 0) {
            for (BackupKey b : backups) {
                if (r.nextInt(6) == 0) {
                    pinned.add(b);
                }
            }
        }
        BackupKey held = null;
        String heldReason = null;
        if (!backups.isEmpty()) {
            switch (r.nextInt(4)) {
                case 0 -> { // backup --prune: the backup this run stored
                    held = backups.get(r.nextInt(backups.size()));
                    heldReason = GfsPolicy.STORED;
                }
                case 1 -> { // plain prune with this host's clock before some backups (clock stepped back)
                    Instant pivot = backups.get(r.nextInt(backups.size())).timestamp();
                    Instant now = pivot.plusSeconds(r.nextInt(7200) - 3600);
                    held = GfsOracle.newestAtOrBeforeWhenOthersAreAfter(backups, now);
                    heldReason = GfsPolicy.BEFORE_AHEAD;
                }
                default -> { }
            }
        }
        return new Case(seed, backups, policy, pinned, held, heldReason);
    }

    static Instant anchor(Random r, ZoneId zone) {
        switch (r.nextInt(6)) {
            case 0: { // a DST (or other offset) transition of the zone
                ZoneOffsetTransition t = zone.getRules().nextTransition(randomInstant(r));
                if (t != null) {
                    return t.getInstant();
                }
                return randomInstant(r);
            }
            case 1: { // a year's end, local
                int year = 2000 + r.nextInt(40);
                return LocalDateTime.of(year, 12, 31, 23, 30).atZone(zone).toInstant();
            }
            case 2: { // ISO week 53 and the weeks around it
                int year = WEEK53_YEARS[r.nextInt(WEEK53_YEARS.length)];
                return LocalDate.of(year, 12, 28).plusDays(r.nextInt(10)).atTime(LocalTime.NOON).atZone(zone).toInstant();
            }
            case 3: { // a leap day
                int year = 2000 + 4 * r.nextInt(11);
                return LocalDate.of(year, 2, 29).atTime(r.nextInt(24), 0).atZone(zone).toInstant();
            }
            case 4: // a month's end
                return LocalDate.of(2000 + r.nextInt(40), 1 + r.nextInt(12), 1).atStartOfDay(zone).toInstant();
            default:
                return randomInstant(r);
        }
    }

    static Instant randomInstant(Random r) {
        long span = TO.getEpochSecond() - FROM.getEpochSecond();
        return FROM.plusSeconds(Math.floorMod(r.nextLong(), span));
    }

    static long scale(Random r) {
        return List.of(1L, 30L, 600L, 3600L, 4 * 3600L, 86_400L, 3 * 86_400L, 14 * 86_400L, 60 * 86_400L,
                400 * 86_400L, 3 * 365 * 86_400L).get(r.nextInt(11));
    }

    static int count(Random r) {
        int k = r.nextInt(20);
        if (k < 8) {
            return 0;
        }
        if (k < 14) {
            return 1 + r.nextInt(4);
        }
        if (k < 18) {
            return 1 + r.nextInt(40);
        }
        return k == 18 ? 1000 : Integer.MAX_VALUE;
    }

    static BackupKey plainKey(Instant t) {
        return new BackupKey("prod", "app", t.truncatedTo(ChronoUnit.SECONDS), DumpFormat.SQL, Compression.GZIP, false);
    }

    static BackupKey key(Instant t, Random r) {
        DumpFormat f = List.of(DumpFormat.SQL, DumpFormat.DUMP, DumpFormat.SQLITE, DumpFormat.TAR).get(r.nextInt(4));
        Compression c = Compression.values()[r.nextInt(Compression.values().length)];
        return new BackupKey("prod", "app", t.truncatedTo(ChronoUnit.SECONDS), f, c, r.nextInt(4) == 0);
    }

    // ---------------------------------------------------------------- comparison

    /** Null when GfsPolicy and the oracle agree, else what differs. */
    static String difference(Case c) {
        RetentionDecision actual = GfsPolicy.decide(c.backups(), c.policy(), c.pinned(), c.held(), c.heldReason());
        GfsOracle.Decision expected = GfsOracle.decide(c.backups(), c.policy(), c.pinned(), c.held(), c.heldReason());
        Map<BackupKey, List<String>> actualKeep = new LinkedHashMap<>();
        actual.keep().forEach(k -> actualKeep.put(k.backup(), k.reasons()));
        List<String> diffs = new ArrayList<>();
        if (!new ArrayList<>(actualKeep.keySet()).equals(new ArrayList<>(expected.keep().keySet()))) {
            diffs.add("keep differs:\n    policy: " + names(actualKeep.keySet()) + "\n    oracle: "
                    + names(expected.keep().keySet()));
        }
        if (!actual.delete().equals(expected.delete())) {
            diffs.add("delete differs:\n    policy: " + names(actual.delete()) + "\n    oracle: " + names(expected.delete()));
        }
        for (Map.Entry<BackupKey, List<String>> e : expected.keep().entrySet()) {
            List<String> got = actualKeep.get(e.getKey());
            if (got != null && !got.equals(e.getValue())) {
                diffs.add("reasons of " + e.getKey().fileName() + ": policy " + got + ", oracle " + e.getValue());
            }
        }
        return diffs.isEmpty() ? null : String.join("\n  ", diffs);
    }

    /** Removes backups one at a time while the difference stays. */
    static Case shrink(Case c) {
        boolean progress = true;
        while (progress) {
            progress = false;
            for (int i = 0; i < c.backups().size(); i++) {
                List<BackupKey> fewer = new ArrayList<>(c.backups());
                fewer.remove(i);
                Case smaller = c.with(fewer);
                if (difference(smaller) != null) {
                    c = smaller;
                    progress = true;
                    break;
                }
            }
        }
        return c;
    }

    static String describe(Case c) {
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xxx EEE");
        StringBuilder s = new StringBuilder("seed " + c.seed() + ", " + c.policy() + ", pinned "
                + names(c.pinned()) + ", held " + (c.held() == null ? "-" : c.held().fileName() + " (" + c.heldReason()
                + ")") + "\n  backups (newest first; UTC | local | ISO week):\n");
        List<BackupKey> sorted = new ArrayList<>(c.backups());
        sorted.sort(GfsOracle.NEWEST_FIRST);
        for (BackupKey b : sorted) {
            var local = b.timestamp().atZone(c.policy().zone());
            s.append("    ").append(b.fileName()).append(" | ").append(f.format(local)).append(" | W")
                    .append(local.get(IsoFields.WEEK_BASED_YEAR)).append('-')
                    .append(local.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR)).append('\n');
        }
        s.append("  ").append(difference(c));
        return s.toString();
    }

    static String names(java.util.Collection<BackupKey> keys) {
        return keys.stream().map(BackupKey::fileName).toList().toString();
    }

    @Test
    void theGeneratorCoversTheCasesItClaims() {
        // a guard that the random inputs really hit what they are for
        int sameSecond = 0, pinnedCases = 0, held = 0, keepAll = 0, huge = 0, dstZoneCases = 0;
        for (long seed = 1; seed <= 2000; seed++) {
            Case c = generate(seed);
            Set<Instant> seen = new HashSet<>();
            for (BackupKey b : c.backups()) {
                if (!seen.add(b.timestamp())) {
                    sameSecond++;
                    break;
                }
            }
            pinnedCases += c.pinned().isEmpty() ? 0 : 1;
            held += c.held() == null ? 0 : 1;
            keepAll += c.policy().keepsEverything() ? 1 : 0;
            huge += c.policy().keepDaily() == Integer.MAX_VALUE || c.policy().keepLast() == Integer.MAX_VALUE ? 1 : 0;
            dstZoneCases += c.backups().stream().anyMatch(b -> {
                var rules = c.policy().zone().getRules();
                var t = rules.previousTransition(b.timestamp().plusSeconds(1));
                return t != null && Duration.between(t.getInstant(), b.timestamp()).abs().toHours() < 3;
            }) ? 1 : 0;
        }
        int[] n = {sameSecond, pinnedCases, held, keepAll, huge, dstZoneCases};
        org.junit.jupiter.api.Assertions.assertAll(
                () -> org.junit.jupiter.api.Assertions.assertTrue(n[0] > 100, "same second: " + n[0]),
                () -> org.junit.jupiter.api.Assertions.assertTrue(n[1] > 300, "pinned: " + n[1]),
                () -> org.junit.jupiter.api.Assertions.assertTrue(n[2] > 500, "held: " + n[2]),
                () -> org.junit.jupiter.api.Assertions.assertTrue(n[3] > 50, "keep all: " + n[3]),
                () -> org.junit.jupiter.api.Assertions.assertTrue(n[4] > 50, "huge counts: " + n[4]),
                () -> org.junit.jupiter.api.Assertions.assertTrue(n[5] > 100, "near a transition: " + n[5]));
    }
}
