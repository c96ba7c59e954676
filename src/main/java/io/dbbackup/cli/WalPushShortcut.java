package io.dbbackup.cli;

import io.dbbackup.core.Log;
import io.dbbackup.job.AheadSpool;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The archiver's call for a WAL file an earlier {@code wal-push} already archived ahead: acknowledged before
 * picocli and the config are even loaded (PostgreSQL starts one JVM per file; this keeps those calls at
 * JVM start-up plus one hash of the file). Only the exact form {@code [-q] -c CONFIG wal-push --job JOB
 * [--ahead N] [--timeout D] PATH NAME} is recognised, and only a marker written by the same unchanged config file and job
 * for a file of the same SHA-256 counts; anything else takes the normal path.
 */
final class WalPushShortcut {
    private WalPushShortcut() {
    }

    static boolean acknowledged(String[] args, Path workingDir, PrintWriter err) {
        int i = 0;
        String config = null;
        boolean quiet = false;
        for (; i < args.length && !args[i].equals("wal-push"); i++) {
            String a = args[i];
            if ((a.equals("-c") || a.equals("--config")) && i + 1 < args.length) {
                config = args[++i];
            } else if (a.startsWith("--config=")) {
                config = a.substring("--config=".length());
            } else if (a.equals("-q") || a.equals("--quiet")) {
                quiet = true;
            } else {
                return false;
            }
        }
        if (config == null || i >= args.length) {
            return false;
        }
        String job = null;
        String path = null;
        String name = null;
        for (i++; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--job") && i + 1 < args.length) {
                job = args[++i];
            } else if (a.startsWith("--job=")) {
                job = a.substring("--job=".length());
            } else if (a.equals("--ahead") && i + 1 < args.length && args[i + 1].matches("\\d+")) {
                i++;
            } else if (a.matches("--ahead=\\d+")) {
                continue;
            } else if (a.equals("--timeout") && i + 1 < args.length && !args[i + 1].startsWith("-")) {
                i++; // acknowledging a marker touches no store: nothing to time out
            } else if (a.startsWith("--timeout=")) {
                continue;
            } else if (a.startsWith("-")) {
                return false;
            } else if (path == null) {
                path = a;
            } else if (name == null) {
                name = a;
            } else {
                return false;
            }
        }
        if (job == null || name == null || !AheadSpool.acknowledge(workingDir.resolve(path), name, workingDir.resolve(config), job)) {
            return false;
        }
        if (!quiet) {
            try (Log.Tagging tag = Log.tag("job", job)) { // as the full wal-push's line
                new Log(err, Log.Format.TEXT, Log.Level.INFO, Clock.systemUTC()).info("wal archived ahead", "file", name,
                        "acknowledged_from", "pg_wal/dbbackup");
            }
            err.flush();
        }
        return true;
    }
}
