package io.dbbackup.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class NoSpaceTest {
    @TempDir
    Path dir;

    @Test
    void dfOutputIsReadWithAMountPointThatHasSpaces() {
        NoSpace.Inodes i = NoSpace.Inodes.parse("""
                Filesystem     Inodes IUsed IFree IUse% Mounted on
                /dev/sdb1     6553600 6553598     2  100% /mnt/wal archive
                """, 12L << 30);

        assertThat(i).isEqualTo(new NoSpace.Inodes("/mnt/wal archive", 6553600, 2, 12L << 30));
        assertThat(i.out()).isTrue();
        assertThat(i.said()).startsWith("no inodes left on /mnt/wal archive (12.0 GiB free): too many files; ");
    }

    @Test
    void aFileSystemWithInodesToSpareOrWithoutACountIsNotOutOfThem() {
        assertThat(new NoSpace.Inodes("/", 6553600, 70_000, 0).out()).as("a full disk with inodes left").isFalse();
        assertThat(new NoSpace.Inodes("/", 0, 0, 0).out()).as("btrfs: no fixed count").isFalse();
        assertThat(NoSpace.Inodes.parse("Filesystem Inodes IUsed IFree IUse% Mounted on\nnfs - - - - /mnt\n", 0)).isNull();
        assertThat(NoSpace.Inodes.parse("df: /x: No such file or directory\n", 0)).isNull();
    }

    @Test
    void onlyNoSpaceIsLookedInto() {
        assertThat(NoSpace.reason(dir, "Permission denied")).isEqualTo("Permission denied");
        assertThat(NoSpace.reason(null, NoSpace.ENOSPC)).isEqualTo(NoSpace.ENOSPC);
        // the test's own folder has inodes to spare: a full disk keeps the system's words
        assertThat(NoSpace.reason(dir.resolve("not/yet/made"), NoSpace.ENOSPC)).isEqualTo(NoSpace.ENOSPC);
    }
}
