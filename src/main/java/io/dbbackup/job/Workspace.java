package io.dbbackup.job;

import io.dbbackup.config.Config;
import io.dbbackup.config.ConfigLoader;
import io.dbbackup.config.DatasourceConfig;
import io.dbbackup.config.JobConfig;
import io.dbbackup.config.StoreConfig;
import io.dbbackup.config.UnresolvedSecret;
import io.dbbackup.core.BackupKey;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.Log;
import io.dbbackup.plugin.PluginRegistry;
import io.dbbackup.spi.Cancellation;
import io.dbbackup.spi.OperationContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/** A loaded config plus what every command needs around it: the clock, the log, scratch folders. */
public final class Workspace {
    private final Config config;
    private final Clock clock;
    private final Log log;
    private final Path scratchRoot;
    private final java.util.Set<Operation> open = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile String cancelled;
    private final java.util.concurrent.atomic.AtomicBoolean swept = new java.util.concurrent.atomic.AtomicBoolean();
    private final Map<String, StoreConfig> localCopies = new java.util.concurrent.ConcurrentHashMap<>();
    /** Null: reads at full speed; else every store's reads in this run share it ({@code --limit-download}). */
    private volatile io.dbbackup.core.RateLimiter downloads;
    private final Map<String, StoreConfig> paced = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile Invocation invocation = Invocation.NONE;
    private volatile GroupedWarnings grouping;

    public Workspace(Config config, Clock clock, Log log, Path scratchRoot) {
        this.config = config;
        this.clock = clock;
        this.log = log;
        this.scratchRoot = scratchRoot;
    }

    /**
     * Loads {@code file} with the installed plugins. A secret that cannot be read here is left unresolved
     * ({@link ConfigLoader#deferringSecrets()}): only a job that needs it fails.
     */
    public static Workspace load(Path file, String label, Map<String, String> env, Clock clock, Log log) {
        return load(file, label, env, clock, log, new ConfigLoader(PluginRegistry.load(), env).deferringSecrets());
    }

    /** Loads {@code file} as {@code config validate} does: every secret must be readable. */
    public static Workspace loadStrictly(Path file, String label, Map<String, String> env, Clock clock, Log log) {
        return load(file, label, env, clock, log, new ConfigLoader(PluginRegistry.load(), env));
    }

    private static Workspace load(Path file, String label, Map<String, String> env, Clock clock, Log log,
                                  ConfigLoader loader) {
        Config config = loader.load(file, label);
        config.warnings().stream().filter(w -> !w.message().equals(ConfigLoader.NO_JOBS)).forEach(w -> log.warn(w.format()));
        String tmp = env.getOrDefault("DBBACKUP_TMPDIR", System.getProperty("java.io.tmpdir"));
        return new Workspace(config, clock, log, Path.of(tmp));
    }

    public Config config() {
        return config;
    }

    /**
     * Closes the config's stores once the command is done with them: an SFTP store's SSH connection (its socket, its
     * reader and keepalive threads, the server's session) does not outlive the run that opened it, in a JVM that runs
     * on (a test's, an embedding one's). A store that cannot close cleanly is left: the run is over.
     */
    public void closeStores() {
        for (io.dbbackup.config.StoreConfig s : config.stores().values()) {
            try {
                if (s.store() != null) {
                    s.store().close();
                }
            } catch (java.io.IOException | RuntimeException ignored) {
                // nothing left to do with it
            }
        }
    }

    public Clock clock() {
        return clock;
    }

    public Log log() {
        return log;
    }

    /**
     * Warns of {@code message} about {@code job} ({@code fields} after {@code job=}): at once, or while
     * {@link #groupingWarnings} is open, once with every other job it says the same of. {@code folder}: the job's own
     * folder, which the message may name (the same failure in every job's folder is one warning), or null.
     */
    public void warnAbout(JobConfig job, String folder, String message, Object... fields) {
        GroupedWarnings g = grouping;
        if (g != null) {
            g.add(job.name(), folder, message, fields);
        } else {
            log.warn(message, GroupedWarnings.withJob("job", job.name(), java.util.Arrays.asList(fields)));
        }
    }

    /**
     * Warns of {@code message} about one of {@code job}'s objects (its key in the message: no two jobs' are alike) as
     * {@link #warnAbout} does, but while {@link #groupingWarnings} is open and other jobs have warnings of the same
     * {@code kind} (a pin a newer dbbackup wrote, a file nothing can check), says {@code kind} once naming the jobs.
     */
    public void warnAboutOne(JobConfig job, String kind, String message, Object... fields) {
        GroupedWarnings g = grouping;
        if (g != null) {
            g.addOf(job.name(), kind, message, fields);
        } else {
            log.warn(message, GroupedWarnings.withJob("job", job.name(), java.util.Arrays.asList(fields)));
        }
    }

    /**
     * For a command of several jobs: {@link #warnAbout}'s warnings are kept until the returned one is closed, then
     * said once each, naming the jobs they are about (200 jobs of one store said the same 200 times).
     */
    public GroupedWarnings groupingWarnings() {
        GroupedWarnings g = new GroupedWarnings(this);
        grouping = g;
        return g;
    }

    void stopGrouping(GroupedWarnings g) {
        if (grouping == g) {
            grouping = null;
        }
    }

    /**
     * Every job, for a verb's {@code --all}. None is a user error (exit 1), the same for every verb: a CronJob running
     * {@code backup --all} (or {@code prune}, {@code verify}, {@code check}, {@code list --all}) on a config whose jobs
     * were lost must not look like a success.
     */
    public List<JobConfig> allJobs(String verb, String doing) {
        if (config.jobs().isEmpty()) {
            throw DbBackupException.user(verb + " --all: no jobs are defined in " + config.file() + ": nothing to " + doing);
        }
        return List.copyOf(config.jobs().values());
    }

    public JobConfig job(String name) {
        JobConfig job = config.jobs().get(name);
        if (job == null) {
            throw DbBackupException.user("no job named '" + name + "' in " + config.file()
                    + (config.jobs().isEmpty() ? " (no jobs defined)" : " (defined: " + String.join(", ", config.jobs().keySet()) + ")"));
        }
        return job;
    }

    public DatasourceConfig datasource(String name) {
        DatasourceConfig ds = config.datasources().get(name);
        if (ds == null) {
            throw DbBackupException.user("no datasource named '" + name + "' in " + config.file()
                    + " (defined: " + String.join(", ", config.datasources().keySet()) + ")");
        }
        return ds;
    }

    /**
     * Fails with a user error (exit 1) naming, with file, line and key, each secret of the config that a backup of
     * {@code job} needs and that could not be read here ({@link #backupSecretProblems}).
     */
    public void requireBackupSecrets(JobConfig job) {
        List<UnresolvedSecret> missing = backupSecretProblems(job);
        if (!missing.isEmpty()) {
            throw DbBackupException.user(String.join("; ", missing.stream().map(UnresolvedSecret::format).toList()));
        }
    }

    /**
     * Fails with a user error naming each secret of the config sections {@code sections} (e.g.
     * {@code datasources.app}) that could not be read here, before a command reads or writes anything: a restore
     * must not download a whole backup to learn at the end that the target's password is missing. Encryption
     * keys are left to the decryption, which can take {@code --identity} instead.
     */
    public void requireSecrets(String... sections) {
        List<UnresolvedSecret> missing = config.unresolvedUnder(sections).stream()
                .filter(u -> !u.key().contains(".encryption.")).toList();
        if (!missing.isEmpty()) {
            throw DbBackupException.user(String.join("; ", missing.stream().map(UnresolvedSecret::format).toList()));
        }
    }

    /** As {@link #requireSecrets}, for {@code job}'s store (none needed when a local copy stands in for it) and {@code sections}. */
    public void requireSecrets(JobConfig job, String... sections) {
        List<String> all = new java.util.ArrayList<>(List.of(sections));
        if (!localCopies.containsKey(job.store())) {
            all.add("stores." + job.store());
        }
        requireSecrets(all.toArray(String[]::new));
    }

    /**
     * The secrets a backup of {@code job} needs that could not be read here, each as its config line: its
     * datasource's and store's, and the passphrase of the encryption it uses (a copy job: its source's store and its
     * own only). Not the age identity (it only
     * decrypts: a verification without it checks the stored bytes, with a warning), nor a notifier's (it fails to
     * send, as when its server is down).
     */
    public List<UnresolvedSecret> backupSecretProblems(JobConfig job) {
        if (job.isCopy()) { // bytes from store to store: no database, no key
            return config.unresolvedUnder("stores." + job(job.copyOf()).store(), "stores." + job.store());
        }
        List<UnresolvedSecret> out = new java.util.ArrayList<>(config.unresolvedUnder("datasources." + job.datasource(),
                "stores." + job.store()).stream()
                .filter(u -> !u.key().contains(".encryption.")) // the job's own encryption may replace the datasource's
                .toList());
        if (job.encryption() != null) {
            config.unresolved(job.encryption().passphrase()).ifPresent(out::add);
            if (job.encryption().recipientsProblem() != null) {
                out.addAll(config.unresolvedUnder(job.encryption().origin() + ".recipients_file"));
            }
        }
        return out;
    }

    public StoreConfig store(String name) {
        StoreConfig local = localCopies.get(name);
        if (local != null) {
            return local; // a file on this host's disk: no link to spare
        }
        StoreConfig configured = config.stores().get(name);
        io.dbbackup.core.RateLimiter limit = downloads;
        if (limit == null || configured == null) {
            return configured;
        }
        return paced.computeIfAbsent(name, n -> new StoreConfig(configured.name(), configured.type(),
                io.dbbackup.spi.RateLimitedStore.downloads(configured.store(), limit)));
    }

    /** The global options this run was started with, which every command a message suggests repeats. */
    public void invokedAs(Invocation invocation) {
        this.invocation = invocation;
    }

    public Invocation invocation() {
        return invocation;
    }

    /** {@code dbbackup} with this run's global options and {@code words}, quoted for a shell: a command to paste. */
    public String suggest(String... words) {
        return invocation.command(words);
    }

    /**
     * From now on the reads of every store (restore, verify, download, a backup's read-back, a copy job's source) receive
     * at most {@code bytesPerSecond} together, as {@code upload_rate_limit} does for uploads: a scheduled audit of every
     * backup leaves the link to the services that need it. Call before any store is used.
     */
    public void limitDownloads(long bytesPerSecond) {
        downloads = new io.dbbackup.core.RateLimiter(bytesPerSecond);
        paced.clear();
    }

    /**
     * From now on job {@code jobName}'s store is the local copy {@code file} of one of its backups, read-only
     * ({@link LocalCopy}): the store itself is never reached; what is said of it names {@code given} (the path as typed).
     * Returns the backup's key.
     */
    public BackupKey readFromFile(String jobName, Path file, Path given) {
        JobConfig job = job(jobName);
        LocalCopy copy = LocalCopy.of(file.toAbsolutePath().normalize(), given, job.name(), job.prefix(),
                datasource(job.datasource()).engine().database());
        localCopies.put(job.store(), new StoreConfig(job.store(), "local copy", copy));
        return copy.key();
    }

    /**
     * A fresh operation context with its own scratch folder; close it to remove the folder. The first one also
     * removes the scratch folders that killed processes left in the same place ({@link ScratchFolders}).
     */
    public Operation operation(String label) {
        if (swept.compareAndSet(false, true)) {
            ScratchFolders.sweep(scratchRoot, java.time.Instant.now(), log); // file times are real time, whatever the clock
        }
        return new Operation(label);
    }

    /**
     * Cancels every operation open now and every one opened later (a signal): their child processes
     * are killed and their uploads aborted, so that no tool ever sees a clean end of a half-fed input.
     *
     * @return whether an operation was open (something will unwind and report)
     */
    public boolean cancelAll(String reason) {
        cancelled = reason;
        boolean any = false;
        for (Operation op : open) {
            op.cancellation.cancel(reason);
            any = true;
        }
        return any;
    }

    /** One operation's cancellation and scratch folder (removed on close). */
    public final class Operation implements AutoCloseable {
        private final Cancellation cancellation = new Cancellation();
        private final Path scratch;
        private final ScratchFolders.Claim claim;
        // what runs for it below job (a secret's command, scrypt) sees its cancellation through the thread
        private final io.dbbackup.core.CancelSignal.Scope signalScope;

        Operation(String label) {
            this.scratch = scratchRoot.resolve("dbbackup-" + ProcessHandle.current().pid() + "-" + label.replaceAll("[^A-Za-z0-9._-]", "_")
                    + "-" + Long.toHexString(System.nanoTime()));
            this.claim = ScratchFolders.claim(scratch);
            if (claim == null && !Files.isDirectory(scratch)) {
                // the step that needs it fails later naming only a path ("failed: /proc/nope"): say here where and why
                log.warn("cannot make a scratch folder for temporary files in " + scratchRoot + " "
                        + UnusableScratchRoot.of(scratchRoot).said() + " (else java.io.tmpdir is used)");
            }
            open.add(this);
            signalScope = io.dbbackup.core.CancelSignal.enter(cancellation);
            String reason = cancelled;
            if (reason != null) {
                cancellation.cancel(reason);
            }
        }

        public OperationContext context() {
            return new OperationContext(cancellation, log, scratch, invocation);
        }

        /** {@link #context()} whose log names {@code job} on each line (parallel jobs' lines interleave). */
        public OperationContext context(String job) {
            return new OperationContext(cancellation, log.with("job", job), scratch, invocation);
        }

        public Cancellation cancellation() {
            return cancellation;
        }

        @Override
        public void close() {
            open.remove(this);
            signalScope.close();
            try {
                if (Files.exists(scratch)) {
                    ScratchFolders.deleteTree(scratch);
                }
            } catch (IOException | UncheckedIOException e) {
                log.warn("could not remove scratch folder", "path", scratch, "error", e.getMessage());
            } finally {
                if (claim != null) {
                    claim.close();
                }
            }
        }
    }
}
