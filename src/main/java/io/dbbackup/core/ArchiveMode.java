package io.dbbackup.core;

import java.util.Locale;

/**
 * What a physical restore does with the restored cluster's WAL archiving ({@code restore --pgdata DIR --archive-mode},
 * pgBackRest's {@code restore --archive-mode}): {@link #PRESERVE} leaves the backup's settings, archive_command
 * included; {@link #OFF} appends {@code archive_mode = 'off'} to the restored postgresql.auto.conf, so that a copy
 * started beside the source never archives into the source's WAL archive.
 */
public enum ArchiveMode {
    OFF, PRESERVE;

    /** {@code off} or {@code preserve} (any case); null is the default, {@link #PRESERVE}. */
    public static ArchiveMode parse(String value) {
        if (value == null) {
            return PRESERVE;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "off" -> OFF;
            case "preserve" -> PRESERVE;
            default -> throw DbBackupException.user("--archive-mode '" + value + "' is not off or preserve (nothing was written)");
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
