package io.dbbackup.spi;

import io.dbbackup.core.ArchiveMode;
import io.dbbackup.core.RecoveryTarget;

import java.nio.file.Path;
import java.util.Map;

/**
 * A physical restore into {@code directory} (created by the caller, 0700, empty but for the caller's marker of an
 * unfinished restore, which it removes once the engine returned). With a {@code target}
 * the engine also sets the restored server up to recover to it, fetching archived WAL with
 * {@code restoreCommand} (PostgreSQL's {@code restore_command}, whole: {@code %f} and {@code %p} in place, a literal
 * '%' doubled; the engine writes it as it is); without one (a plain restore) the files are left as backed up (but for archiveMode, below).
 * {@code tablespaces}: where each extra tablespace of the backup goes (OID to a folder the caller created,
 * 0700 and empty); a tablespace the backup holds and this map lacks is an error. {@code archiveMode} {@code OFF}: the
 * engine turns the restored server's WAL archiving off (with or without a target); {@code PRESERVE}: the backup's own
 * settings stay, and an engine that finds them archiving after a plain restore warns (the copy would archive on the
 * source's timeline with the source's archive_command).
 */
public record DirectoryRestore(Path directory, RecoveryTarget target, String restoreCommand, Map<String, Path> tablespaces,
                               ArchiveMode archiveMode) {
    public DirectoryRestore {
        tablespaces = Map.copyOf(tablespaces);
        archiveMode = archiveMode == null ? ArchiveMode.PRESERVE : archiveMode;
    }

    public DirectoryRestore(Path directory, RecoveryTarget target, String restoreCommand) {
        this(directory, target, restoreCommand, Map.of(), ArchiveMode.PRESERVE);
    }

    public static DirectoryRestore plain(Path directory) {
        return new DirectoryRestore(directory, null, null);
    }
}
