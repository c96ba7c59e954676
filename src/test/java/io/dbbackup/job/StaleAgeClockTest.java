package io.dbbackup.job;

import io.dbbackup.core.WalFileName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The age of the archive-ahead markers (a day) and of an abandoned fetch's temporary file (an hour) is told by the
 * workspace's clock, as every other age is, not by the system's: a file fresh by the system clock is old by a clock two
 * days ahead, and the other way round.
 */
class StaleAgeClockTest {
    private static final String CURRENT = "000000010000000000000001";
    private static final String MARKED = "000000010000000000000002";

    @TempDir
    Path dir;

    @Test
    void aMarkerIsStaleByTheInjectedClock() throws Exception {
        Path walDir = dir.resolve("pg_wal");
        Files.createDirectories(walDir.resolve("archive_status"));
        Files.writeString(walDir.resolve(MARKED), "wal");
        Path marker = Files.createDirectories(walDir.resolve(AheadSpool.FOLDER)).resolve(MARKED);
        Files.writeString(marker, "sha\ndest\nsender\n");
        Path config = Files.writeString(dir.resolve("dbbackup.yaml"), "x");
        Instant written = Files.getLastModifiedTime(marker).toInstant();

        spool(walDir, config, written.plus(Duration.ofHours(2))).waiting(WalFileName.parse(CURRENT).orElseThrow(), 1);
        assertThat(marker).as("two hours old by the injected clock: kept").exists();

        Files.setLastModifiedTime(marker, FileTime.from(written.minus(Duration.ofDays(3))));
        spool(walDir, config, written.minus(Duration.ofDays(3)).plus(Duration.ofHours(2)))
                .waiting(WalFileName.parse(CURRENT).orElseThrow(), 1);
        assertThat(marker).as("three days old by the system clock, two hours by the injected one: kept").exists();

        Files.setLastModifiedTime(marker, FileTime.from(written));
        spool(walDir, config, written.plus(Duration.ofDays(2))).waiting(WalFileName.parse(CURRENT).orElseThrow(), 1);
        assertThat(marker).as("fresh by the system clock, two days old by the injected one: removed").doesNotExist();
    }

    @Test
    void anAbandonedFetchTemporaryIsOldByTheInjectedClock() throws Exception {
        Path temp = Files.writeString(dir.resolve("." + CURRENT + ".dbbackup-1234"), "partial");
        Instant written = Files.getLastModifiedTime(temp).toInstant();

        WalArchive.removeAbandonedTemporaries(dir, CURRENT, clockAt(written.plus(Duration.ofMinutes(10))));
        assertThat(temp).as("ten minutes old by the injected clock: kept").exists();

        Files.setLastModifiedTime(temp, FileTime.from(written.minus(Duration.ofHours(5))));
        WalArchive.removeAbandonedTemporaries(dir, CURRENT, clockAt(written.minus(Duration.ofHours(5)).plusSeconds(60)));
        assertThat(temp).as("five hours old by the system clock, a minute by the injected one: kept").exists();

        Files.setLastModifiedTime(temp, FileTime.from(written));
        WalArchive.removeAbandonedTemporaries(dir, CURRENT, clockAt(written.plus(Duration.ofHours(2))));
        assertThat(temp).as("fresh by the system clock, two hours old by the injected one: removed").doesNotExist();
    }

    private static AheadSpool spool(Path walDir, Path config, Instant now) {
        return AheadSpool.beside(walDir.resolve(MARKED), "store folder", config, "job", clockAt(now)).orElseThrow();
    }

    private static Clock clockAt(Instant now) {
        return Clock.fixed(now, ZoneOffset.UTC);
    }
}
