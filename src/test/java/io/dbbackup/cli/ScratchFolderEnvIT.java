package io.dbbackup.cli;

import io.dbbackup.testkit.DbbackupJar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DBBACKUP_TMPDIR pointing where no scratch folder can be made (a path under /proc, a file): the job failed saying only
 * "failed: /proc/nope", naming neither the variable nor why. It now warns where and why, naming DBBACKUP_TMPDIR, and the
 * job's line says what was wrong with the path.
 */
class ScratchFolderEnvIT {
    @TempDir
    Path dir;

    @Test
    void aScratchRootThatCannotBeUsedIsNamedWithTheVariableToChange() throws Exception {
        Files.copy(Path.of("examples/shop.db"), dir.resolve("shop.db"));
        Files.copy(Path.of("examples/config.yaml"), dir.resolve("config.yaml"));
        DbbackupJar.Run r = DbbackupJar.run(dir, List.of(), k -> k.equals("DBBACKUP_TMPDIR"), Map.of("DBBACKUP_TMPDIR", "/proc/nope"),
                "backup", "shop");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("WARN  cannot make a scratch folder for temporary files in /proc/nope (it does not exist and "
                + "cannot be made): set DBBACKUP_TMPDIR to a folder this user can write");
        assertThat(r.out()).containsPattern("shop +FAILED .* failed: /proc/nope: (permission denied|no such file or folder)\n");
    }
}
