package io.dbbackup.job;

import io.dbbackup.core.BackupKey;
import io.dbbackup.core.Compression;
import io.dbbackup.core.DumpFormat;
import io.dbbackup.core.RetentionPolicy;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which of a source job's backups a copy job copies: what it lacks, as far as its own retention would keep it. */
class CopierSelectTest {
    private static final Instant NOW = Instant.parse("2027-01-01T00:00:00Z");

    private static BackupKey key(String prefix, String instant) {
        return new BackupKey(prefix, "app", Instant.parse(instant), DumpFormat.byExtension("sqlite").orElseThrow(),
                Compression.ZSTD, false);
    }

    /** Daily backups at 02:00 from {@code firstDay} of 2026-{@code month} for {@code days} days, newest first. */
    private static List<BackupKey> daily(String prefix, int month, int firstDay, int days) {
        return java.util.stream.IntStream.range(0, days)
                .mapToObj(i -> key(prefix, String.format(java.util.Locale.ROOT, "2026-%02d-%02dT02:00:00Z", month, firstDay + i))).sorted().toList();
    }

    private static List<String> names(List<BackupKey> keys) {
        return keys.stream().map(BackupKey::key).toList();
    }

    @Test
    void withoutRetentionEveryMissingBackupIsCopiedNewestFirstUnderTheCopysPrefix() {
        List<BackupKey> source = daily("prod", 11, 1, 4);
        List<BackupKey> held = List.of(key("offsite", "2026-11-02T02:00:00Z"));

        List<BackupKey> copy = Copier.select(source, held, RetentionPolicy.KEEP_ALL, "offsite", NOW);

        assertThat(names(copy)).containsExactly("offsite/app/app-20261104-020000.sqlite.zst",
                "offsite/app/app-20261103-020000.sqlite.zst", "offsite/app/app-20261101-020000.sqlite.zst");
    }

    @Test
    void nothingIsCopiedWhenTheCopyHoldsEveryBackup() {
        List<BackupKey> source = daily("prod", 11, 1, 3);

        assertThat(Copier.select(source, daily("offsite", 11, 1, 3), RetentionPolicy.KEEP_ALL, "offsite", NOW)).isEmpty();
    }

    @Test
    void aMonthlyCopyTakesOnlyEachMonthsNewestBackup() {
        List<BackupKey> source = new java.util.ArrayList<>(daily("prod", 10, 20, 12)); // Oct 20..31
        source.addAll(daily("prod", 11, 1, 10)); // Nov 1..10
        RetentionPolicy monthly = new RetentionPolicy(0, 0, 0, 0, 12, 0, ZoneOffset.UTC);

        List<BackupKey> copy = Copier.select(source, List.of(), monthly, "offsite", NOW);

        assertThat(names(copy)).containsExactly("offsite/app/app-20261110-020000.sqlite.zst",
                "offsite/app/app-20261031-020000.sqlite.zst");
    }

    @Test
    void aMonthAlreadyRepresentedByANewerCopyTakesNothingOlder() {
        List<BackupKey> source = daily("prod", 11, 1, 10);
        List<BackupKey> held = List.of(key("offsite", "2026-11-10T02:00:00Z"));
        RetentionPolicy monthly = new RetentionPolicy(0, 0, 0, 0, 12, 0, ZoneOffset.UTC);

        assertThat(Copier.select(source, held, monthly, "offsite", NOW)).isEmpty();
        // tomorrow's backup represents the month now: it is copied (and the next prune drops the 10th)
        List<BackupKey> tomorrow = new java.util.ArrayList<>(source);
        tomorrow.add(key("prod", "2026-11-11T02:00:00Z"));
        assertThat(names(Copier.select(tomorrow, held, monthly, "offsite", NOW)))
                .containsExactly("offsite/app/app-20261111-020000.sqlite.zst");
    }

    @Test
    void keepLastCopiesOnlyTheNewestAmongWhatTheCopyWouldHold() {
        List<BackupKey> source = daily("prod", 11, 1, 5);
        List<BackupKey> held = List.of(key("offsite", "2026-11-04T02:00:00Z"));
        RetentionPolicy lastTwo = new RetentionPolicy(2, 0, 0, 0, 0, 0, ZoneOffset.UTC);

        assertThat(names(Copier.select(source, held, lastTwo, "offsite", NOW)))
                .containsExactly("offsite/app/app-20261105-020000.sqlite.zst");
    }

    /**
     * NTP stepped this host's clock back 30 minutes: the source's backup named before the step (10:00) outranks the one
     * made since (09:40, newer data). With keep_last 1 the copy took only the older one, and left the newest data
     * uncopied until a backup is dated after it; now both are copied.
     */
    @Test
    void theNewestBackupDatedBeforeThisHostsClockIsCopiedWhileAnotherIsDatedAfterIt() {
        List<BackupKey> source = java.util.stream.Stream.of(key("prod", "2026-03-04T10:00:00Z"),
                key("prod", "2026-03-04T09:40:00Z"), key("prod", "2026-03-03T10:00:00Z")).sorted().toList();
        RetentionPolicy lastOne = new RetentionPolicy(1, 0, 0, 0, 0, 0, ZoneOffset.UTC);

        assertThat(names(Copier.select(source, List.of(), lastOne, "offsite", Instant.parse("2026-03-04T09:45:00Z"))))
                .containsExactly("offsite/app/app-20260304-100000.sqlite.zst", "offsite/app/app-20260304-094000.sqlite.zst");
        assertThat(names(Copier.select(source, List.of(), lastOne, "offsite", Instant.parse("2026-03-04T10:05:00Z"))))
                .as("once the clock is past them all, the rules alone").containsExactly("offsite/app/app-20260304-100000.sqlite.zst");
    }
    /**
     * The newest source backup fails its checksum: the selection run again without it takes the newest older one the
     * retention keeps in its place, unless the copy holds it already or this run chose it already.
     */
    @Test
    void inPlaceOfADamagedBackupTheNewestOlderOneTheRetentionKeepsIsCopied() {
        List<BackupKey> source = daily("prod", 11, 1, 4);
        RetentionPolicy lastOne = new RetentionPolicy(1, 0, 0, 0, 0, 0, ZoneOffset.UTC);
        java.util.Set<String> chosen = java.util.Set.of("app-20261104-020000.sqlite.zst");

        assertThat(names(Copier.inPlaceOf(source, List.of(), java.util.Set.of("app-20261104-020000.sqlite.zst"), chosen,
                lastOne, "offsite", NOW))).containsExactly("offsite/app/app-20261103-020000.sqlite.zst");
        assertThat(names(Copier.inPlaceOf(source, List.of(),
                java.util.Set.of("app-20261104-020000.sqlite.zst", "app-20261103-020000.sqlite.zst"),
                java.util.Set.of("app-20261104-020000.sqlite.zst", "app-20261103-020000.sqlite.zst"), lastOne, "offsite",
                NOW))).as("the replacement damaged too: the next older").containsExactly("offsite/app/app-20261102-020000.sqlite.zst");
        assertThat(Copier.inPlaceOf(source, List.of(key("offsite", "2026-11-03T02:00:00Z")),
                java.util.Set.of("app-20261104-020000.sqlite.zst"), chosen, lastOne, "offsite", NOW))
                .as("the copy holds it already").isEmpty();
        assertThat(Copier.inPlaceOf(source, List.of(), java.util.Set.of("app-20261104-020000.sqlite.zst"),
                java.util.Set.of("app-20261104-020000.sqlite.zst", "app-20261103-020000.sqlite.zst"), lastOne, "offsite",
                NOW)).as("chosen already by this run").isEmpty();
        assertThat(Copier.inPlaceOf(source, List.of(), java.util.Set.copyOf(source.stream().map(BackupKey::fileName).toList()),
                java.util.Set.copyOf(source.stream().map(BackupKey::fileName).toList()), lastOne, "offsite", NOW))
                .as("every one damaged").isEmpty();
    }

    /** keep_last 2: the damaged newest one's place goes to the third newest; the second, chosen already, is not again. */
    @Test
    void keepLastTwoTakesTheThirdInPlaceOfADamagedNewest() {
        List<BackupKey> source = daily("prod", 11, 1, 4);
        RetentionPolicy lastTwo = new RetentionPolicy(2, 0, 0, 0, 0, 0, ZoneOffset.UTC);
        List<BackupKey> todo = Copier.select(source, List.of(), lastTwo, "offsite", NOW);
        java.util.Set<String> chosen = java.util.Set.copyOf(todo.stream().map(BackupKey::fileName).toList());

        List<BackupKey> stand = Copier.inPlaceOf(source, List.of(), java.util.Set.of("app-20261104-020000.sqlite.zst"),
                chosen, lastTwo, "offsite", NOW);
        assertThat(names(stand)).containsExactly("offsite/app/app-20261102-020000.sqlite.zst");
        // what the copy then holds (the second newest and its stand-in) is what its next prune keeps: it deletes none
        List<BackupKey> holds = List.of(key("offsite", "2026-11-03T02:00:00Z"), stand.get(0));
        assertThat(Pruner.keeps(holds, lastTwo, java.util.Set.of(), null, NOW).delete()).isEmpty();
    }

    /** A monthly copy: a damaged month's newest backup is replaced by that month's newest good one, not another month's. */
    @Test
    void aMonthlyCopyTakesTheMonthsNewestGoodBackupInPlaceOfItsDamagedNewest() {
        List<BackupKey> source = new java.util.ArrayList<>(daily("prod", 10, 20, 12)); // Oct 20..31
        source.addAll(daily("prod", 11, 1, 10)); // Nov 1..10
        RetentionPolicy monthly = new RetentionPolicy(0, 0, 0, 0, 12, 0, ZoneOffset.UTC);
        List<BackupKey> held = List.of(key("offsite", "2026-10-31T02:00:00Z"));

        assertThat(names(Copier.inPlaceOf(source, held, java.util.Set.of("app-20261110-020000.sqlite.zst"),
                java.util.Set.of("app-20261110-020000.sqlite.zst"), monthly, "offsite", NOW)))
                .containsExactly("offsite/app/app-20261109-020000.sqlite.zst");
        List<BackupKey> holds = List.of(held.get(0), key("offsite", "2026-11-09T02:00:00Z"));
        assertThat(Pruner.keeps(holds, monthly, java.util.Set.of(), null, NOW).delete()).as("kept at the next prune").isEmpty();
    }

    /**
     * The only source backup dated ahead of this host's clock (within the skew allowance) fails its checksum: the
     * selection run again without it has nothing ahead, so the extra keep of the newest dated before the clock is no
     * longer needed — that one is the rules' own keep now, and the copy, holding it alone, keeps it at its next prune.
     * The extra keep damaged instead: the next older one stands in for it, beside the one ahead.
     */
    @Test
    void aDamagedBackupDatedAheadLeavesTheNewestBeforeTheClockAsTheKeepWithNothingMore() {
        List<BackupKey> source = java.util.stream.Stream.of(key("prod", "2026-03-04T10:00:00Z"),
                key("prod", "2026-03-04T09:40:00Z"), key("prod", "2026-03-03T10:00:00Z")).sorted().toList();
        RetentionPolicy lastOne = new RetentionPolicy(1, 0, 0, 0, 0, 0, ZoneOffset.UTC);
        Instant now = Instant.parse("2026-03-04T09:45:00Z");
        List<BackupKey> todo = Copier.select(source, List.of(), lastOne, "offsite", now);
        java.util.Set<String> chosen = java.util.Set.copyOf(todo.stream().map(BackupKey::fileName).toList());

        assertThat(Copier.inPlaceOf(source, List.of(), java.util.Set.of("app-20260304-100000.sqlite.zst"), chosen, lastOne,
                "offsite", now)).as("the one before the clock was chosen already: nothing more").isEmpty();
        assertThat(names(Copier.inPlaceOf(source, List.of(), java.util.Set.of("app-20260304-100000.sqlite.zst"),
                java.util.Set.of("app-20260304-100000.sqlite.zst"), lastOne, "offsite", now)))
                .as("the selection without it keeps the one before the clock")
                .containsExactly("offsite/app/app-20260304-094000.sqlite.zst");
        List<BackupKey> holds = List.of(key("offsite", "2026-03-04T09:40:00Z"));
        assertThat(Pruner.keeps(holds, lastOne, java.util.Set.of(), null, now).delete()).as("kept at the next prune").isEmpty();

        assertThat(names(Copier.inPlaceOf(source, List.of(), java.util.Set.of("app-20260304-094000.sqlite.zst"), chosen,
                lastOne, "offsite", now))).as("the extra keep damaged: the next older before the clock in its place")
                .containsExactly("offsite/app/app-20260303-100000.sqlite.zst");
        List<BackupKey> both = List.of(key("offsite", "2026-03-04T10:00:00Z"), key("offsite", "2026-03-03T10:00:00Z"));
        assertThat(Pruner.keeps(both, lastOne, java.util.Set.of(), null, now).delete()).as("both kept at the next prune")
                .isEmpty();
    }
}
