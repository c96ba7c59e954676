package io.dbbackup.cli;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.Lsn;
import io.dbbackup.core.RecoveryTarget;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Reads {@code --target-time}, {@code --target-lsn} and {@code --target latest} into a {@link RecoveryTarget}. */
final class RecoveryTargets {
    private RecoveryTargets() {
    }

    /** Null when none is given (a plain restore); more than one is a user error. */
    static RecoveryTarget of(String time, String lsn, String target) {
        return of(time, lsn, target, null);
    }

    /** As {@link #of(String, String, String)}, along {@code timeline} ({@code --target-timeline}; null: latest). */
    static RecoveryTarget of(String time, String lsn, String target, String timeline) {
        RecoveryTarget t = target(time, lsn, target);
        if (timeline == null) {
            return t;
        }
        if (t == null) {
            throw DbBackupException.user("--target-timeline is for point-in-time recovery: add --target-time, --target-lsn "
                    + "or --target latest");
        }
        String tl = timeline.strip().toLowerCase(java.util.Locale.ROOT);
        if (!(tl.equals(RecoveryTarget.LATEST) || tl.equals(RecoveryTarget.CURRENT) || (tl.matches("[1-9][0-9]{0,9}") && Long.parseLong(tl) <= 0xFFFF_FFFFL))) {
            throw DbBackupException.user("--target-timeline: '" + timeline + "' is not latest, current or a timeline number "
                    + "such as 2");
        }
        return t.onTimeline(tl);
    }

    private static RecoveryTarget target(String time, String lsn, String target) {
        int given = (time != null ? 1 : 0) + (lsn != null ? 1 : 0) + (target != null ? 1 : 0);
        if (given > 1) {
            throw DbBackupException.user("give one of --target-time, --target-lsn and --target latest");
        }
        if (time != null) {
            return RecoveryTarget.at(parseTime(time));
        }
        if (lsn != null) {
            return RecoveryTarget.at(Lsn.parse(lsn).orElseThrow(() -> DbBackupException.user(
                    "--target-lsn: '" + lsn + "' is not a WAL position such as 0/3000028")));
        }
        if (target != null) {
            if (!target.equals("latest")) {
                throw DbBackupException.user("--target: '" + target + "' is not supported (use latest, or --target-time/--target-lsn)");
            }
            return RecoveryTarget.latest();
        }
        return null;
    }

    /**
     * An instant with an explicit offset: ISO-8601 ({@code 2026-03-10T14:30:00Z}, {@code 2026-03-10T15:30:00+01:00}) or
     * PostgreSQL's spelling ({@code 2026-03-10 14:30:00.25+00}).
     */
    static Instant parseTime(String text) {
        String t = text.strip().replaceFirst("^(\\d{4}-\\d{2}-\\d{2}) ", "$1T").replaceFirst(" ?(UTC|GMT)$", "Z");
        t = t.replaceFirst("([+-]\\d{2})$", "$1:00");
        try {
            return OffsetDateTime.parse(t, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw DbBackupException.user("--target-time: '" + text + "' is not a time with a zone offset, e.g. "
                    + "2026-03-10T14:30:00Z, 2026-03-10 15:30:00+01:00 or 2026-03-10 14:30:00.25+00");
        }
    }
}
