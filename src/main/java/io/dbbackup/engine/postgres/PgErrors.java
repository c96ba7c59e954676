package io.dbbackup.engine.postgres;

import io.dbbackup.spi.ToolFailedException;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Reads libpq/PostgreSQL error text from a tool's stderr: what it means and the one line worth showing. */
final class PgErrors {
    /** Failures a retry cannot fix: credentials, a missing database or role, a host name that does not resolve. */
    private static final List<String> PERMANENT = List.of(
            "password authentication failed", "authentication failed", "no password supplied",
            "no pg_hba.conf entry", "does not exist", "could not translate host name", "name or service not known",
            "server does not support ssl", "certificate", "permission denied", "must be owner",
            "server version mismatch", "aborting because of server version mismatch", "unsupported version",
            "must be superuser or replication role", "incompatible server version", "wal_level");
    private static final Pattern MISSING_DB = Pattern.compile("database \".*\" does not exist");
    private static final Pattern PREFIX = Pattern.compile(
            "^(?:\\w+: error: )?(?:connection to server (?:at|on) .*? failed: )?(?:FATAL:\\s+|ERROR:\\s+)?");

    private PgErrors() {
    }

    static boolean isPermanent(String stderr) {
        String s = stderr.toLowerCase(Locale.ROOT);
        return PERMANENT.stream().anyMatch(s::contains);
    }

    static boolean isMissingDatabase(ToolFailedException e) {
        return MISSING_DB.matcher(e.stderrTail()).find();
    }

    /**
     * The line that says why: the first {@code error:}/{@code FATAL:} line with libpq's prefixes removed,
     * e.g. {@code password authentication failed for user "app"}.
     */
    static String reason(ToolFailedException e) {
        String tail = e.stderrTail();
        String best = null;
        for (String line : tail.split("\n")) {
            String l = line.strip();
            if (l.contains("FATAL:") || l.contains("error:") || l.contains("ERROR:")) {
                best = l;
                break;
            }
        }
        if (best == null) {
            return e.getMessage();
        }
        String stripped = PREFIX.matcher(best).replaceFirst("");
        return stripped.isBlank() ? best : stripped;
    }
}
