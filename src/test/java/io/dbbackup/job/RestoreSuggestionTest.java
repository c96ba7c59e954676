package io.dbbackup.job;

import io.dbbackup.core.ArchiveMode;
import io.dbbackup.core.Lsn;
import io.dbbackup.core.RecoveryTarget;
import io.dbbackup.core.ShellWords;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The options a "the next older backup is …" hint repeats after JOB KEY: what shapes the restore, quoted for a shell
 * (the SQLite and physical cases run end to end in SqlitePartialRestoreCliTest and PhysicalBackupIT).
 */
class RestoreSuggestionTest {
    @Test
    void aLogicalRestoreRepeatsWhereWhatAndWhetherButNotTheConfirmation() {
        Restorer.Request r = new Restorer.Request("app", Optional.of("k"), Optional.of("scratch"), true, false, true,
                List.of("public.orders"), List.of("sales", "it's"), true);
        assertThat(ShellWords.join(r.sameRestoreArgs()))
                .isEqualTo("--to scratch --table public.orders --schema sales --schema 'it'\\''s' --data-only --dry-run");
        assertThat(new Restorer.Request("app", Optional.empty(), Optional.empty(), false, true).sameRestoreArgs())
                .containsExactly("--clean");
    }

    @Test
    void aPhysicalRestoreRepeatsItsDirectoryTargetMappingAndArchiveModeTheKeysLeftToTheOlderBackupsOwn() {
        PhysicalRestorer.Request r = new PhysicalRestorer.Request("phys", Optional.empty(), Path.of("/srv/pg data"),
                RecoveryTarget.at(Lsn.parse("0/3000028").orElseThrow()).onTimeline("2"), "dbbackup", List.of("--identity", "/k"),
                Map.of("/ts=1", Path.of("/new ts")), false, ArchiveMode.OFF);
        assertThat(ShellWords.join(r.sameRestoreArgs())).isEqualTo("--pgdata '/srv/pg data' --target-lsn 0/3000028 "
                + "--target-timeline 2 --tablespace-mapping '/ts\\=1=/new ts' --archive-mode off");
    }
}
