package io.dbbackup.cli;

import io.dbbackup.config.ConfigLocator;
import io.dbbackup.core.Log;
import io.dbbackup.job.Version;
import io.dbbackup.job.Workspace;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

@Command(name = "dbbackup", mixinStandardHelpOptions = true, versionProvider = Root.VersionProvider.class,
        description = "Streams database dumps, compressed and checksummed, into S3, Azure Blob Storage, SFTP or a folder; "
                + "restores, verifies and prunes them.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:user error (bad config or arguments, unknown job, declined confirmation)",
                "2:system error (I/O, network, a dump tool failed)", "3:integrity failure (checksum mismatch, corrupt archive; in any job of a multi-job run)",
                "4:partial (some jobs of a multi-job run failed, none by an integrity failure)", "130:interrupted (SIGINT)", "143:terminated (SIGTERM)",
                "255:wal-fetch --stop-recovery-on-error only: a failure other than 'not in the archive' (recovery stops)"})
final class Root implements java.util.concurrent.Callable<Integer> {
    /**
     * The verbs, in the order the usage help lists them. Registered by {@link #commandLine}, not in the
     * annotation: picocli builds a command's model by reflection (~10 ms each in a fresh JVM), and a
     * command line that names its verb plainly needs only that one.
     */
    static Map<String, Class<?>> verbs() {
        return Verbs.ALL;
    }
    private static final Set<String> FLAGS = Set.of("-q", "--quiet", "-v", "--verbose");
    private static final Set<String> VALUED = Set.of("-c", "--config", "--log-format", "--limit-download");

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", converter = FileNames.NonEmptyPath.class,
            description = "Config file (default: $DBBACKUP_CONFIG, ./config.yaml, /config/config.yaml).")
    Path config;

    @Option(names = "--log-format", paramLabel = "text|json", description = "Log lines on stderr as text (default) or JSON.")
    Log.Format logFormat = Log.Format.TEXT;

    @Option(names = {"-v", "--verbose"}, description = "Debug logging (and a stack trace for an internal error).")
    boolean verbose;

    @Option(names = {"-q", "--quiet"}, description = "Only warnings and errors on stderr.")
    boolean quiet;

    @Option(names = "--limit-download", paramLabel = "RATE", converter = RateConverter.class,
            description = "Receive at most RATE bytes per second from the stores, all reads of the run together "
                    + "(e.g. 50MiB, 50MiB/s or 400Mbit, at least 64KiB): for a scheduled verify --all-backups.")
    Long limitDownload;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    final Main main;
    final PrintWriter out;
    final PrintWriter err;

    /** The workspaces this command loaded: their stores are closed when it returns ({@link #closeStores}). */
    private final java.util.List<Workspace> loaded = new java.util.concurrent.CopyOnWriteArrayList<>();

    Root(Main main, PrintWriter out, PrintWriter err) {
        this.main = main;
        this.out = out;
        this.err = err;
    }

    /** Closes the stores of every config this command loaded: called once it returned. */
    void closeStores() {
        loaded.forEach(Workspace::closeStores);
        loaded.clear();
    }

    /** The root command with its verbs: only the one {@code args} names plainly, else all of them. */
    CommandLine commandLine(String... args) {
        CommandLine cl = new CommandLine(this);
        String verb = plainVerb(args);
        for (Map.Entry<String, Class<?>> e : verbs().entrySet()) {
            if (verb == null || verb.equals(e.getKey())) {
                cl.addSubcommand(e.getKey(), e.getValue());
            }
        }
        return cl;
    }

    /**
     * The verb of a command line whose root options are all plain ({@code -q -v -c FILE --config=FILE
     * --log-format F}), else null (help, version, clustered or unknown options, a mistyped verb: every
     * verb is then registered, so that help lists them and errors suggest them).
     */
    static String plainVerb(String... args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (verbs().containsKey(a)) {
                return a;
            }
            if (FLAGS.contains(a)) {
                continue;
            }
            if (VALUED.contains(a)) {
                i++;
                continue;
            }
            if (a.startsWith("--config=") || a.startsWith("--log-format=")) {
                continue;
            }
            return null;
        }
        return null;
    }

    /**
     * Read from the commands' annotations when first needed (picocli parses): {@code new Root} alone, as the
     * backup shortcut makes it, must not pay for a dozen annotation proxies.
     */
    private static final class Verbs {
        static final Map<String, Class<?>> ALL = verbs(BackupCommand.class, ListCommand.class, InspectCommand.class,
                RestoreCommand.class, SyncCommand.class, DownloadCommand.class, PruneCommand.class, VerifyCommand.class,
                WalPushCommand.class, WalFetchCommand.class, ConfigCommand.class, KeygenCommand.class, CheckCommand.class,
                DrillCommand.class, ShowCommand.class, PinCommand.class);

        private static Map<String, Class<?>> verbs(Class<?>... commands) {
            Map<String, Class<?>> m = new LinkedHashMap<>();
            for (Class<?> c : commands) {
                m.put(c.getAnnotation(Command.class).name(), c);
            }
            return Collections.unmodifiableMap(m);
        }
    }

    /** No command: a usage error (a cron line that lost its verb must not pass as ok), the usage on stderr. */
    @Override
    public Integer call() {
        return noCommand(spec, err);
    }

    /** {@code dbbackup} or {@code dbbackup config} without a command: one line saying so and the usage, on stderr; exit 1. */
    static int noCommand(CommandLine.Model.CommandSpec spec, PrintWriter err) {
        err.println("error: no command given (the commands are below)");
        spec.commandLine().usage(err);
        err.flush();
        return io.dbbackup.core.ExitStatus.USER_ERROR.code();
    }

    Log log() {
        Log.Level level = verbose ? Log.Level.DEBUG : quiet ? Log.Level.WARN : Log.Level.INFO;
        Log log = new Log(err, logFormat, level, main.clock());
        Log.set(log);
        main.logsAs(logFormat); // a thread dying meanwhile says so in it too, not once the command has returned
        return log;
    }

    Path configPath() {
        return ConfigLocator.locate(config == null ? null : main.workingDir().resolve(config), main.env(), main.workingDir());
    }

    /** The config, with secrets that cannot be read here left for the job that needs them to fail on. */
    Workspace workspace() {
        return workspace(false);
    }

    /** The config with every secret read (config validate). */
    Workspace workspace(boolean strict) {
        Log log = log();
        Path path = configPath();
        String label = config != null ? config.toString() : path.toString();
        Workspace ws = strict ? Workspace.loadStrictly(path, label, main.env(), main.clock(), log)
                : Workspace.load(path, label, main.env(), main.clock(), log);
        if (limitDownload != null) {
            ws.limitDownloads(limitDownload);
        }
        loaded.add(ws);
        ws.invokedAs(invocation());
        if (main.signals() != null) {
            main.signals().cancelOnSignal(ws); // commands with their own handling (backup, sync, download) replace it
        }
        return ws;
    }

    /**
     * The global options a suggested command repeats: {@code -c FILE} as the user gave it, else the config
     * $DBBACKUP_CONFIG names as an absolute path (the shell the suggestion is pasted in may have no such variable and
     * stand elsewhere), none for a default path; and {@code --limit-download RATE} as given.
     */
    io.dbbackup.job.Invocation invocation() {
        String rate = null;
        if (limitDownload != null) {
            CommandLine.Model.OptionSpec o = spec == null ? null : spec.findOption("--limit-download");
            java.util.List<String> given = o == null ? java.util.List.of() : o.originalStringValues();
            rate = given.isEmpty() ? Long.toString(limitDownload) : given.get(given.size() - 1);
        }
        Path fromEnv = ConfigLocator.fromEnvironment(main.env(), main.workingDir());
        String file = config != null ? config.toString() : fromEnv == null ? null : fromEnv.toAbsolutePath().toString();
        return io.dbbackup.job.Invocation.of(file, rate);
    }

    static final class RateConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            long rate = io.dbbackup.core.RateLimiter.parseRate(value);
            String bits = io.dbbackup.core.RateLimiter.bitsHint(value);
            if (bits != null) {
                throw new CommandLine.TypeConversionException("'" + value + "' is ambiguous: " + bits);
            }
            if (rate < 0) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a rate: bytes per second, at least "
                        + "64KiB (e.g. 50MiB, 50MiB/s or 400Mbit)");
            }
            return rate;
        }
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {line()};
        }

        static String line() {
            return Version.line();
        }
    }
}
