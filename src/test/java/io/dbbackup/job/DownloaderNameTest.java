package io.dbbackup.job;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The name download writes to, when it is the backup's own (no -o, or -o a folder): an S3 or Azure backup's file name can
 * pass a file system's 255 bytes (its database name alone may be 489), and the line then says it is the backup's name and
 * that -o takes a shorter one, since the user gave no name to shorten.
 */
class DownloaderNameTest {
    @Test
    void aBackupsOwnNameOverTheLimitAsksForAShorterOne() {
        Path p = Path.of("/restore", "d".repeat(300) + "-20261206-030000.sql.zst");
        assertThat(Downloader.nameProblem(p, 0, true)).contains("cannot write " + p + ": the backup's file name is 324 "
                + "bytes, over the 255 bytes a file name can have: give -o a shorter name of at most 204 bytes");
        Path fitsButNotItsTemporary = Path.of("/restore", "d".repeat(200) + "-20261206-030000.sql.zst");
        assertThat(Downloader.nameProblem(fitsButNotItsTemporary, 0, true)).contains("cannot write " + fitsButNotItsTemporary
                + ": the backup's file name is 224 bytes, and download writes it first as a temporary file whose name is "
                + "51 bytes longer; a file name is at most 255 bytes: give -o a shorter name of at most 204 bytes");
        assertThat(Downloader.nameProblem(Path.of("/restore", "d".repeat(180) + "-20261206-030000.sql.zst"), 0, true)).isEmpty();
    }
}
