package io.dbbackup.cli;

import io.dbbackup.core.Log;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The scheduled command line, run without picocli: {@code [-q|-v] [-c FILE|--config FILE|--config=FILE]
 * [--log-format text|json] backup (JOB...|--all) [--parallel N] [--prune] [--json] [--no-progress]
 * [--shard I/N]}, each token exactly as the picocli model spells it. picocli builds a command's model by
 * reflection, ~0.1 s of a fresh JVM before the first byte of dump; a backup's start-up is what a backup window
 * pays on every run. Anything else — help, a clustered or unknown option, a value picocli would convert or
 * refuse — returns null and takes the normal path, so the two can only differ in what this class accepts.
 */
final class BackupShortcut {
    private BackupShortcut() {
    }

    /** The fields picocli would set for {@code args}, or null when this is not the plain form. */
    static BackupCommand parse(Main main, PrintWriter out, PrintWriter err, String... args) {
        Root root = new Root(main, out, err);
        java.util.Set<String> seen = new java.util.HashSet<>();
        int i = 0;
        for (; i < args.length && !args[i].equals("backup"); i++) {
            String a = args[i];
            if (!seen.add(a.startsWith("--") && a.contains("=") ? a.substring(0, a.indexOf('=')) : canonical(a))) {
                return null; // picocli refuses an option given twice
            }
            if (a.equals("-q") || a.equals("--quiet")) {
                root.quiet = true;
            } else if (a.equals("-v") || a.equals("--verbose")) {
                root.verbose = true;
            } else if ((a.equals("-c") || a.equals("--config")) && i + 1 < args.length && !args[i + 1].startsWith("-")
                    && !args[i + 1].isEmpty() && !args[i + 1].equals("backup")) { // picocli: "Expected parameter ... but found 'backup'"
                root.config = Path.of(args[++i]);
            } else if (a.startsWith("--config=") && a.length() > "--config=".length()) {
                root.config = Path.of(a.substring("--config=".length()));
            } else if (a.equals("--log-format") && i + 1 < args.length && format(args[i + 1]) != null) {
                root.logFormat = format(args[++i]);
            } else if (a.startsWith("--log-format=") && format(a.substring("--log-format=".length())) != null) {
                root.logFormat = format(a.substring("--log-format=".length()));
            } else {
                return null;
            }
        }
        if (i >= args.length) {
            return null;
        }
        BackupCommand b = new BackupCommand();
        b.root = root;
        List<String> jobs = new ArrayList<>();
        for (i++; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("-") && !seen.add(a)) {
                return null;
            }
            if (a.startsWith("@")) {
                return null; // picocli reads @FILE as more arguments
            }
            switch (a) {
                case "--all" -> b.all = true;
                case "--prune" -> b.prune = true;
                case "--json" -> b.json = true;
                case "--no-progress" -> b.noProgress = true;
                case "--parallel", "--shard" -> {
                    if (i + 1 >= args.length || !(a.equals("--parallel") ? args[i + 1].matches("[1-9][0-9]{0,3}")
                            : args[i + 1].matches("[0-9]{1,6}/[0-9]{1,6}"))) {
                        return null;
                    }
                    if (a.equals("--parallel")) {
                        b.parallel = Integer.parseInt(args[++i]);
                    } else {
                        b.shard = args[++i];
                    }
                }
                default -> {
                    if (a.startsWith("-") || a.isEmpty()) {
                        return null;
                    }
                    jobs.add(a);
                }
            }
        }
        b.jobs = jobs;
        return b;
    }

    /** One name per root option, as picocli counts them. */
    private static String canonical(String option) {
        return switch (option) {
            case "-q" -> "--quiet";
            case "-v" -> "--verbose";
            case "-c" -> "--config";
            default -> option;
        };
    }

    private static Log.Format format(String value) {
        return switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "text" -> Log.Format.TEXT;
            case "json" -> Log.Format.JSON;
            default -> null;
        };
    }
}
