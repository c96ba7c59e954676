package io.dbbackup.job;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scratch-folder warning's advice fits its reason: it ended "set DBBACKUP_TMPDIR to a folder this user can write"
 * even when the folder's file system was full, which sent on-call to permissions.
 */
class UnusableScratchRootTest {
    @TempDir
    Path dir;

    @Test
    void aMissingFolderOrAFileIsFixedByAFolderThisUserCanWrite() throws Exception {
        assertThat(UnusableScratchRoot.of(dir.resolve("nope")).said())
                .isEqualTo("(it does not exist and cannot be made): set DBBACKUP_TMPDIR to a folder this user can write");
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertThat(UnusableScratchRoot.of(file).said()).isEqualTo("(it is not a folder): set DBBACKUP_TMPDIR to a folder this user can write");
    }

    /** ENOSPC on a file system with inodes to spare (this one): its bytes are used up, and permissions are not the cause. */
    @Test
    void aFullFileSystemIsFixedByOneWithFreeSpaceNotByPermissions() {
        UnusableScratchRoot full = UnusableScratchRoot.noSpace(dir, "No space left on device");
        assertThat(full.said()).isEqualTo("(No space left on device): set DBBACKUP_TMPDIR to a folder on a file system with free space")
                .doesNotContain("this user can write");
    }
}
