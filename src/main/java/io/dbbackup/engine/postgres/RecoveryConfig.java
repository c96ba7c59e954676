package io.dbbackup.engine.postgres;

import io.dbbackup.core.RecoveryTarget;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Sets a restored data directory up for point-in-time recovery (PostgreSQL 12+): appends
 * {@code restore_command}, the target and {@code recovery_target_action = 'promote'} to
 * {@code postgresql.auto.conf} (later lines win over the backup's own) and creates {@code recovery.signal};
 * with {@code --archive-mode off} (plain or point-in-time) appends {@code archive_mode = 'off'} after them.
 */
final class RecoveryConfig {
    static final String AUTO_CONF = "postgresql.auto.conf";
    static final String SIGNAL = "recovery.signal";
    private static final DateTimeFormatter PG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS'+00'")
            .withZone(ZoneOffset.UTC);

    private RecoveryConfig() {
    }

    /** The lines appended to postgresql.auto.conf. */
    static List<String> lines(RecoveryTarget target, String restoreCommand, Instant now) {
        List<String> l = new ArrayList<>();
        l.add("# added by dbbackup restore at " + now + ": point-in-time recovery to " + target);
        l.add("restore_command = " + quote(restoreCommand));
        if (target.time() != null) {
            l.add("recovery_target_time = " + quote(PG_TIME.format(target.time())));
        } else if (target.lsn() != null) {
            l.add("recovery_target_lsn = " + quote(target.lsn().toString()));
        }
        if (!target.isLatest()) {
            l.add("recovery_target_action = 'promote'");
        }
        l.add("recovery_target_timeline = " + quote(target.timeline()));
        return l;
    }

    /** The lines {@code --archive-mode off} appends to postgresql.auto.conf: who wrote them and why. */
    static List<String> archiveOffLines(Instant now) {
        return List.of("# added by dbbackup restore --archive-mode off at " + now + ": this restored copy archives no WAL "
                        + "(its archive_command is the source's, and would archive into the source's WAL archive)",
                "archive_mode = 'off'");
    }

    static void write(Path dataDir, RecoveryTarget target, String restoreCommand, Instant now) throws IOException {
        write(dataDir, target, restoreCommand, false, now);
    }

    /**
     * Appends the recovery settings when there is a {@code target} (and creates recovery.signal), then, when
     * {@code archiveOff}, {@code archive_mode = 'off'}; writes nothing when there is neither.
     */
    static void write(Path dataDir, RecoveryTarget target, String restoreCommand, boolean archiveOff, Instant now)
            throws IOException {
        List<String> lines = new ArrayList<>();
        if (target != null) {
            lines.addAll(lines(target, restoreCommand, now));
        }
        if (archiveOff) {
            lines.addAll(archiveOffLines(now));
        }
        if (lines.isEmpty()) {
            return;
        }
        Path conf = dataDir.resolve(AUTO_CONF);
        StringBuilder sb = new StringBuilder();
        if (Files.exists(conf)) {
            String existing = Files.readString(conf, StandardCharsets.UTF_8);
            if (!existing.isEmpty() && !existing.endsWith("\n")) {
                sb.append('\n');
            }
        }
        lines.forEach(line -> sb.append(line).append('\n'));
        if (!Files.exists(conf)) {
            Files.createFile(conf, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(conf, sb, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        if (target == null) {
            return;
        }
        Path signal = dataDir.resolve(SIGNAL);
        if (!Files.exists(signal)) {
            Files.createFile(signal, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
    }

    /** A postgresql.conf string literal: single quotes doubled, backslashes escaped. */
    static String quote(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
