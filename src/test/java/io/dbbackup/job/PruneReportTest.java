package io.dbbackup.job;

import io.dbbackup.core.BackupKey;
import io.dbbackup.core.Compression;
import io.dbbackup.core.DumpFormat;
import io.dbbackup.core.RetentionPolicy;
import io.dbbackup.retention.GfsPolicy;
import io.dbbackup.retention.RetentionDecision;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The lines a prune report (mail, webhook) carries: why an old backup is still there is one of them. */
class PruneReportTest {
    private static BackupKey b(String instant) {
        return new BackupKey("prod", "app", Instant.parse(instant), DumpFormat.SQL, Compression.GZIP, false);
    }

    @Test
    void aPinnedBackupKeptIsNamedBesideTheDeletedOnes() {
        BackupKey old = b("2026-03-01T02:00:00Z");
        BackupKey middle = b("2026-03-02T02:00:00Z");
        BackupKey newest = b("2026-03-03T02:00:00Z");
        RetentionDecision d = GfsPolicy.decide(List.of(old, middle, newest),
                new RetentionPolicy(1, 0, 0, 0, 0, 0, ZoneOffset.UTC), Set.of(old));

        String report = Notifications.pruned(new Pruner.Result("app", d, List.of(middle.key()), false, null, List.of()));

        assertThat(report).isEqualTo("kept 2, deleted 1\nnewest kept " + newest.key() + "\nkept pinned " + old.key()
                + "\ndeleted " + middle.key());
    }

    /** An object a killed replacement set aside (maybe a key's only copy) was on stderr only: the prune's report names it. */
    @Test
    void anObjectSetAsideIsNamedInTheReport() {
        BackupKey newest = b("2026-03-03T02:00:00Z");
        RetentionDecision d = GfsPolicy.decide(List.of(newest), new RetentionPolicy(1, 0, 0, 0, 0, 0, ZoneOffset.UTC), Set.of());
        String aside = "prod/app/." + newest.fileName() + ".sha256.part-0123abcd.replaced";
        io.dbbackup.core.UnfinishedUpload u = new io.dbbackup.core.UnfinishedUpload(newest.key() + ".sha256", aside, 80,
                Instant.parse("2026-03-03T02:01:00Z"));

        String report = Notifications.pruned(new Pruner.Result("app", d, List.of(), false, null, List.of(), List.of(u)));

        assertThat(report).endsWith("\nset aside by a killed replacement, never removed: " + aside + " (the previous object of "
                + newest.key() + ".sha256; if " + newest.key() + ".sha256 holds none, rename it back)");
    }

    /** One archived WAL file deleted, one abandoned upload removed: the report said "1 archived WAL files", "1 abandoned uploads". */
    @Test
    void oneOfAKindIsCountedInTheSingular() {
        BackupKey newest = b("2026-03-03T02:00:00Z");
        RetentionDecision d = GfsPolicy.decide(List.of(newest), new RetentionPolicy(1, 0, 0, 0, 0, 0, ZoneOffset.UTC), Set.of());
        io.dbbackup.core.WalKey seg = new io.dbbackup.core.WalKey("prod/app/wal",
                io.dbbackup.core.WalFileName.parse("000000010000000000000001").orElseThrow(), "ab".repeat(32),
                Compression.GZIP, false);
        io.dbbackup.retention.WalRetention.Decision wal = new io.dbbackup.retention.WalRetention.Decision(
                java.util.Optional.empty(), List.of(seg), List.of());
        io.dbbackup.core.UnfinishedUpload u = new io.dbbackup.core.UnfinishedUpload(newest.key(), "prod/app/.x.part-1", 80,
                Instant.parse("2026-03-03T02:01:00Z"));

        String one = Notifications.pruned(new Pruner.Result("app", d, List.of(), false, wal, List.of(u)));
        String two = Notifications.pruned(new Pruner.Result("app", d, List.of(), false,
                new io.dbbackup.retention.WalRetention.Decision(java.util.Optional.empty(), List.of(seg, seg), List.of()),
                List.of(u, u)));

        assertThat(one).contains("\ndeleted 1 archived WAL file\n").endsWith("\nremoved 1 abandoned upload");
        assertThat(two).contains("\ndeleted 2 archived WAL files\n").endsWith("\nremoved 2 abandoned uploads");
    }
}
