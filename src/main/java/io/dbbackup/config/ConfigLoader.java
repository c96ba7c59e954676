package io.dbbackup.config;

import io.dbbackup.core.BackupKey;
import io.dbbackup.core.Compression;
import io.dbbackup.core.HostPort;
import io.dbbackup.core.RateLimiter;
import io.dbbackup.core.RetentionPolicy;
import io.dbbackup.core.RetryPolicy;
import io.dbbackup.spi.Engine;
import io.dbbackup.spi.EngineProvider;
import io.dbbackup.spi.Notifier;
import io.dbbackup.spi.NotifierProvider;
import io.dbbackup.spi.ProviderLookup;
import io.dbbackup.spi.RateLimitedStore;
import io.dbbackup.spi.Store;
import io.dbbackup.spi.StoreProvider;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the YAML config into {@link Config}. Every problem in the file is collected with its
 * position and reported at once ({@link ConfigException}); nothing connects anywhere.
 */
public final class ConfigLoader {
    /** What a copy job takes from its source job and may not set itself. */
    private static final List<String> COPIED_FROM_SOURCE = List.of("datasource", "compression", "compression_level", "encryption");
    private static final Set<String> TOP_LEVEL = Set.of("datasources", "stores", "notifications", "jobs");
    /** Other tools' names of a section, too far from its own for "did you mean": suggested all the same. */
    private static final Map<String, String> OTHER_NAMES = Map.of("notifiers", "notifications", "notifier", "notifications",
            "alerts", "notifications", "storage", "stores", "destinations", "stores", "databases", "datasources");
    private static final String NAME = "[A-Za-z0-9][A-Za-z0-9._-]*";

    private final ProviderLookup plugins;
    private final Map<String, String> env;
    /**
     * The warning of a file without jobs: {@code config validate} says it; the other commands do not (a file for
     * {@code inspect} or {@code sync} has none, and every {@code --all} fails on it with its own error).
     */
    public static final String NO_JOBS = "no jobs are defined: nothing will be backed up";
    private final boolean deferSecrets;

    public ConfigLoader(ProviderLookup plugins, Map<String, String> env) {
        this(plugins, env, false);
    }

    private ConfigLoader(ProviderLookup plugins, Map<String, String> env, boolean deferSecrets) {
        this.plugins = plugins;
        this.env = env;
        this.deferSecrets = deferSecrets;
    }

    /**
     * A loader for the commands that use part of the config: a secret that cannot be read (variable not set, file
     * missing or empty) is not an error of the load but {@link Config#unresolvedSecrets() kept aside}, and fails the
     * command only when it is needed. Everything else is checked as strictly as ever ({@code config validate}
     * keeps the strict loader, so it still reports every secret).
     */
    public ConfigLoader deferringSecrets() {
        return new ConfigLoader(plugins, env, true);
    }

    public Config load(Path file) {
        return load(file, file.toString());
    }

    private static final long MAX_CONFIG_BYTES = 16L << 20;
    /** Aliases of lists and mappings a config may hold: a few per job of a file of thousands of jobs. */
    static final int MAX_ALIASES = 100_000;

    /** Loads {@code file}, naming it {@code label} (the path as the user typed it) in problems. */
    public Config load(Path file, String label) {
        Problems problems = new Problems(label, deferSecrets);
        String text;
        if (Files.isDirectory(file)) {
            // the folder of the config, not the file (-c /config, a volume mounted over the file's name): one line, no
            // "IOException: Is a directory" at a line 1 that a folder does not have
            throw io.dbbackup.core.DbBackupException.user("the config file " + label + " is a directory: give the file in it"
                    + " (e.g. " + file.resolve("config.yaml") + ")");
        }
        try {
            if (Files.exists(file) && !Files.isRegularFile(file)) {
                problems.error((Node) null, "cannot read the config file (not a regular file)"); // a FIFO would hang
                throw new ConfigException(problems.sorted());
            }
            if (Files.isRegularFile(file) && Files.size(file) > MAX_CONFIG_BYTES) {
                problems.error((Node) null, "cannot read the config file (larger than 16 MiB: not a dbbackup config)");
                throw new ConfigException(problems.sorted());
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            if (YamlSection.isUtf16(file)) {
                problems.error((Node) null, "cannot read the config file (it " + YamlSection.UTF16 + ")");
                throw new ConfigException(problems.sorted());
            }
            notUtf8(file, problems);
            throw new ConfigException(problems.sorted());
        } catch (IOException e) {
            problems.error((Node) null, "cannot read the config file (" + YamlSection.reason(e) + ")");
            throw new ConfigException(problems.sorted());
        }
        return parse(file, text, problems);
    }

    /**
     * A config that is not UTF-8 (Latin-1 or Windows-1252, as some editors save it): one line at the first byte that is not,
     * with its key, instead of "not UTF-8 text" at line 1 of a file of hundreds.
     */
    private static void notUtf8(Path file, Problems problems) {
        int[] bad = new int[1];
        Optional<TextPlaces.Place> at = Optional.empty();
        try {
            at = TextPlaces.firstNonUtf8(Files.readAllBytes(file), bad);
        } catch (IOException | RuntimeException e) {
            // said without its place below
        }
        if (at.isEmpty()) {
            problems.error((Node) null, "cannot read the config file (it is not UTF-8 text)");
            return;
        }
        problems.error(at.get().line() + 1, at.get().column() + 1, (at.get().path().isEmpty() ? "" : at.get().path() + ": ")
                + String.format(Locale.ROOT, "cannot read the config file (it is not UTF-8 text: byte 0x%02X here; save it "
                + "as UTF-8, e.g. iconv -f ISO-8859-1 -t UTF-8)", bad[0]));
    }

    /** Values (scalars, lists, mappings) a config may hold once its aliases are expanded: many times a real one's. */
    static final long MAX_VALUES = 1_000_000;

    /**
     * How many values {@code n} holds with every alias expanded, in one pass (each node's count is kept): the measure of
     * an alias bomb, which {@link #MAX_ALIASES} is not (thousands of jobs naming one long list). A recursive alias counts
     * once (the loader does not follow it).
     */
    private static long expandedSize(Node n, Map<Node, Long> counted) {
        Long known = counted.get(n);
        if (known != null) {
            return known;
        }
        counted.put(n, 1L); // a cycle back to n counts 1
        long size = 1;
        if (n instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                size = Math.min(size + expandedSize(t.getKeyNode(), counted) + expandedSize(t.getValueNode(), counted), Long.MAX_VALUE / 4);
            }
        } else if (n instanceof SequenceNode q) {
            for (Node item : q.getValue()) {
                size = Math.min(size + expandedSize(item, counted), Long.MAX_VALUE / 4);
            }
        }
        counted.put(n, size);
        return size;
    }

    /** {@code host: [::1]}: a flow list whose item starts with ':', which YAML cannot parse. */
    private static final java.util.regex.Pattern UNQUOTED_IPV6 = java.util.regex.Pattern.compile(
            "^\\s*(?:-\\s+)?([A-Za-z0-9_]*host)\\s*:\\s*\\[([0-9A-Fa-f:.%A-Za-z_-]+)]\\s*(?:#.*)?$");

    /**
     * The one line for a host key given an IPv6 address in brackets without quotes ({@code host: [::1]}), instead
     * of the parser's "while parsing a flow node: expected the node content, but found ':'".
     */
    private static Optional<String> unquotedIpv6Host(String text, Optional<org.snakeyaml.engine.v2.exceptions.Mark> mark) {
        if (mark.isEmpty()) {
            return Optional.empty();
        }
        String[] lines = text.split("\\R", -1);
        int line = mark.get().getLine();
        if (line < 0 || line >= lines.length) {
            return Optional.empty();
        }
        java.util.regex.Matcher m = UNQUOTED_IPV6.matcher(lines[line]);
        if (!m.matches() || !HostPort.isIpv6Literal(m.group(2))) {
            return Optional.empty();
        }
        return Optional.of(m.group(1) + ": " + YamlSection.unquotedIpv6(m.group(1), m.group(2)));
    }

    Config parse(Path file, String text, Problems problems) {
        Node root;
        try {
            LoadSettings settings = LoadSettings.builder().setLabel(problems.file()).setAllowDuplicateKeys(true)
                    // aliases stay shared nodes, never copied, and each mapping is read once however often merged: the
                    // default cap of 50 refused a file of 51 jobs sharing their defaults (<<: *job)
                    .setMaxAliasesForCollections(MAX_ALIASES)
                    // a key that is a list or a mapping (? [a, b]) is an error at it (YamlSection), not one at line 1
                    .setAllowNonScalarKeys(true).setSchema(new ConfigSchema()).build();
            root = new Compose(settings).composeString(text).orElse(null);
            if (root != null && expandedSize(root, new java.util.IdentityHashMap<>()) > MAX_VALUES) {
                // each alias is one node, but every job reading through it gets its own copy of what it names
                problems.error(Optional.empty(), "YAML error: the aliases (*name) make more than " + MAX_VALUES
                        + " values of this file: not a dbbackup config");
                throw new ConfigException(problems.sorted());
            }
        } catch (MarkedYamlEngineException e) {
            if (e.getContext() != null && e.getContext().startsWith("expected a single document") && e.getProblemMark().isPresent()) {
                // reported at line 1 before, where the first document starts: the second one is what to look at
                problems.error(e.getProblemMark(), "a second YAML document starts here: a config file holds one document "
                        + "(remove this '---' and what follows, or merge it into the first)");
                throw new ConfigException(problems.sorted());
            }
            Optional<TextPlaces.Place> longKey = TextPlaces.longKey(text, e);
            if (longKey.isPresent()) {
                // "could not find expected ':'" on a line that has one: 1024 characters later than YAML looks for it
                TextPlaces.Place at = longKey.get();
                problems.error(at.line() + 1, at.column() + 1, (at.path().isEmpty() ? "" : at.path() + ": ") + "a key of "
                        + at.length() + " characters: YAML reads a key of at most 1024 characters on its line (a value "
                        + "written as a key?)");
                throw new ConfigException(problems.sorted());
            }
            Optional<YamlSyntaxHints.Hint> hint = YamlSyntaxHints.of(text, e);
            if (hint.isPresent()) {
                problems.error(hint.get().line(), hint.get().column(), hint.get().message());
                throw new ConfigException(problems.sorted());
            }
            Optional<String> ipv6 = unquotedIpv6Host(text, e.getProblemMark());
            if (ipv6.isPresent()) {
                problems.error(e.getProblemMark(), ipv6.get());
                throw new ConfigException(problems.sorted());
            }
            String where = e.getProblemMark().map(m -> " (at line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1) + ")").orElse("");
            String msg = "YAML syntax error: " + (e.getContext() == null ? "" : e.getContext() + ": ") + e.getProblem()
                    + (e.getContextMark().isPresent() ? where : "");
            msg += nonBreakingSpace(text, e);
            problems.error(e.getContextMark().isPresent() ? e.getContextMark() : e.getProblemMark(), msg.replace('\n', ' '));
            throw new ConfigException(problems.sorted());
        } catch (org.snakeyaml.engine.v2.exceptions.ReaderException e) {
            // "special characters are not allowed" at 1:1: a NUL or another control character, at its line and key now
            TextPlaces.Place at = TextPlaces.atCodePoint(text, e.getPosition());
            problems.error(at.line() + 1, at.column() + 1, (at.path().isEmpty() ? "" : at.path() + ": ")
                    + String.format(Locale.ROOT, "a control character (U+%04X) YAML does not allow in a file: remove it",
                    e.getCodePoint()));
            throw new ConfigException(problems.sorted());
        } catch (YamlEngineException e) {
            if (String.valueOf(e.getMessage()).startsWith("Number of aliases for non-scalar nodes exceeds")) {
                problems.error(Optional.empty(), "YAML error: more than " + MAX_ALIASES + " aliases (*name) of lists and "
                        + "mappings: not a dbbackup config");
                throw new ConfigException(problems.sorted());
            }
            problems.error(Optional.empty(), "YAML error: " + e.getMessage().replace('\n', ' '));
            throw new ConfigException(problems.sorted());
        } catch (StackOverflowError e) {
            problems.error(Optional.empty(), "YAML error: nested too deeply to be a dbbackup config");
            throw new ConfigException(problems.sorted());
        }
        if (root == null || YamlSection.isNull(root)) { // "---" or "~" alone holds no more than an empty file
            problems.error(Optional.empty(), "the config file is empty; it needs at least 'datasources', 'stores' and 'jobs'");
            throw new ConfigException(problems.sorted());
        }
        problems.markRead();
        refuseTagsAndDuplicates(root, "", problems, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
        Path baseDir = folderOf(file);
        YamlSection top = new YamlSection("", "", root, problems, env, baseDir);
        checkConfigPermissions(file, problems, root);

        Map<String, DatasourceConfig> datasources = named(top, "datasources", problems,
                s -> datasource(s, problems));
        Map<String, StoreConfig> stores = named(top, "stores", problems, s -> store(s));
        Map<String, NotifierConfig> notifiers = named(top, "notifications", problems, s -> notifier(s));
        Declared declared = new Declared(names(top, "datasources"), names(top, "stores"), names(top, "notifications"),
                names(top, "jobs"));
        Map<String, String> jobFolders = new java.util.HashMap<>(); // store name + job folder → the job that uses it
        Map<String, YamlSection> copyJobs = new LinkedHashMap<>();
        Map<String, JobConfig> jobs = named(top, "jobs", problems,
                s -> job(s, datasources, stores, notifiers, declared, jobFolders, copyJobs, problems));
        completeCopyJobs(jobs, copyJobs, names(top, "jobs"), datasources, stores, jobFolders);
        ExtensionFields.refuseSecrets(root, problems);
        for (String key : top.keys()) {
            if (key.isBlank()) {
                problems.error(top.keyNode(key), "empty key" + (key.isEmpty() ? "" : " (only blanks)")
                        + ": every key has a name; name it or remove the line");
            } else if (!TOP_LEVEL.contains(key) && !ExtensionFields.isExtension(key)) {
                Optional<String> misplaced = missingAbove(root, key, problems);
                if (misplaced.isPresent()) {
                    // a job's (a datasource's...) key indented as a top-level one: the mapping above misses it
                    problems.misplaced(top.keyNode(key), misplaced.get(), key, key + ": unknown top-level key: it is the key "
                            + misplaced.get() + " above misses; indent it as that mapping's other keys are");
                    continue;
                }
                // "did you mean 'stores'?" for a job's store: at the top level is no help when stores: is there
                Optional<String> near = top.nearest(key)
                        .or(() -> Optional.ofNullable(OTHER_NAMES.get(key.toLowerCase(Locale.ROOT))))
                        .filter(k -> !top.keys().contains(k));
                String message = key + ": unknown top-level key (expected datasources, stores, notifications, jobs"
                        + ExtensionFields.suggestion(root, key)
                        .map(x -> "; shared settings go under a key beginning with lower-case x-: " + x).orElse("") + ")"
                        + near.map(Suggestion::of).orElse("");
                if (near.isPresent()) {
                    // a misspelled datasources, stores or notifications: the jobs naming what it defines follow from it
                    problems.misspelled(top.keyNode(key), "jobs", near.get(), message);
                } else {
                    problems.error(top.keyNode(key), message);
                }
            }
        }
        if (jobs.isEmpty() && !problems.hasErrors()) {
            problems.warn(root, NO_JOBS);
        }
        List<Problem> all = problems.fixes().isEmpty() ? problems.sorted() : withTyposFixed(file, text, problems);
        if (problems.hasErrors()) {
            throw new ConfigException(all);
        }
        return new Config(file, datasources, stores, notifiers, jobs,
                all.stream().filter(p -> p.severity() == Problem.Severity.WARNING).toList(), problems.unresolved(),
                problems.secretsRead());
    }

    /**
     * The problems of a file with misspelled keys: checked again with each fixed as suggested, what the fix makes go
     * away was only their consequence and is left out, what stays is said now, not on the next run
     * ({@link Problems#sortedWith}). The recheck fixes the misspelled keys it finds in turn (in a misspelled key's own
     * value, in a section a misspelled top-level key held), up to {@link Problems#MAX_RECHECKS} times; two misspelled
     * keys of one mapping near the same key are fixed in checks of their own ({@link #fixRounds}). Should a key not be
     * fixable ({@link KeysFixed#of}) or the fixed file not load (it cannot be parsed), the misspelled keys' sections'
     * other errors are left out, and each misspelling's line says that its section is checked once it is fixed
     * ({@link Problems#sorted}).
     */
    private List<Problem> withTyposFixed(Path file, String text, Problems problems) {
        if (problems.lastRecheck()) {
            return problems.sorted();
        }
        List<Problems.Recheck> rechecks = new ArrayList<>();
        for (List<Problems.Fix> fixes : fixRounds(problems.fixes())) {
            Optional<KeysFixed> fixedText = KeysFixed.of(text, fixes);
            if (fixedText.isEmpty()) {
                return problems.sorted(); // an alias as the key, a block scalar: not fixed by writing a name where it is
            }
            Problems fixed = problems.checkedAgain();
            List<Problem> found;
            try {
                parse(file, fixedText.get().text(), fixed);
                found = List.of();
            } catch (ConfigException e) {
                found = e.problems();
            } catch (RuntimeException e) {
                return problems.sorted();
            }
            if (!fixed.yamlRead()) {
                return problems.sorted(); // the fixed file is no YAML: the sections with a misspelled key say nothing else
            }
            rechecks.add(new Problems.Recheck(found, fixedText.get()::asWritten, fixes));
        }
        return problems.sortedWith(rechecks);
    }

    /**
     * The misspelled keys to fix in each recheck: all of them in one, unless two of one mapping are near the same key
     * ({@code retenion:} and {@code retension:}), which fixed together would be one key given twice (the second's value
     * never read): then one check per such key, each fixing one of them and every other misspelled key.
     */
    private static List<List<Problems.Fix>> fixRounds(List<Problems.Fix> fixes) {
        Map<List<String>, List<Problems.Fix>> byTarget = new LinkedHashMap<>();
        for (Problems.Fix f : fixes) {
            List<Problems.Fix> same = byTarget.computeIfAbsent(List.of(f.scope(), f.name()), k -> new ArrayList<>());
            if (same.stream().noneMatch(g -> g.place().equals(f.place()))) {
                same.add(f);
            }
        }
        int rounds = byTarget.values().stream().mapToInt(List::size).max().orElse(1);
        List<List<Problems.Fix>> out = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            List<Problems.Fix> round = new ArrayList<>();
            for (List<Problems.Fix> same : byTarget.values()) {
                Problems.Fix chosen = same.get(Math.min(i, same.size() - 1));
                fixes.stream().filter(f -> f.place().equals(chosen.place())).forEach(round::add);
            }
            out.add(round);
        }
        return out;
    }

    /**
     * An explicit YAML tag ({@code !custom}, {@code !!int}, {@code !!binary}) was silently dropped: the value was read as
     * written. Each is an error at its node, with its key; {@code !!str} is accepted, since every value is read as text.
     * And a key given twice in one mapping, which YAML would resolve silently: an error at the second naming the first's line.
     */
    private static void refuseTagsAndDuplicates(Node n, String path, Problems problems, Set<Node> seen) {
        if (n == null || !seen.add(n)) {
            return; // an alias: reported where its anchor is
        }
        if (!n.isResolved() && !n.getTag().equals(Tag.STR)) {
            String tag = n.getTag().getValue().startsWith(Tag.PREFIX)
                    ? "!!" + n.getTag().getValue().substring(Tag.PREFIX.length()) : n.getTag().getValue();
            problems.error(n, (path.isEmpty() ? "" : path + ": ") + "YAML tag " + tag + " is not supported: values are read "
                    + "as plain text; remove the tag");
        }
        if (n instanceof MappingNode m) {
            Map<String, Node> first = new java.util.HashMap<>();
            for (NodeTuple t : m.getValue()) {
                String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : "?";
                String at = path.isEmpty() ? key : path + "." + key;
                Node before = t.getKeyNode() instanceof ScalarNode
                        ? first.putIfAbsent(key, t.getKeyNode()) : null;
                if (before != null) {
                    // YAML keeps one of the two silently (the loader, the first): say where the other is, so both are
                    // looked at; in any mapping, an x- block's too, which no section reads as such. Two merge keys: YAML
                    // tools differ on which wins (SnakeYAML the first, PyYAML the last), one list of them says it
                    String line = "' is already given at line " + before.getStartMark().map(x -> x.getLine() + 1).orElse(1)
                            + " of this mapping";
                    problems.error(t.getKeyNode(), at + (key.equals("<<") ? ": duplicate merge key: '<<" + line
                            + ", and YAML tools differ on which one wins; merge both with one: <<: [*first, *second] (the first "
                            + "named wins, the mapping's own keys over both)" : ": duplicate key: '" + key + line + "; give it once"));
                }
                refuseTagsAndDuplicates(t.getKeyNode(), at, problems, seen);
                refuseTagsAndDuplicates(t.getValueNode(), at, problems, seen);
            }
        } else if (n instanceof SequenceNode q) {
            for (int i = 0; i < q.getValue().size(); i++) {
                refuseTagsAndDuplicates(q.getValue().get(i), path + "[" + i + "]", problems, seen);
            }
        }
    }

    /** Names declared in each section, including ones whose definition has errors (reported there already). */
    private record Declared(Set<String> datasources, Set<String> stores, Set<String> notifiers, Set<String> jobs) {
    }

    /**
     * The name required key {@code key} refers to; a blank one is an error of its own, unless an entry of that very name
     * is {@code declared}: a blank name is refused at its definition, the one error (the reference is its name too).
     */
    private static Optional<String> reference(YamlSection s, String key, Set<String> declared) {
        boolean blankNameDefined = s.value(key).filter(v -> v instanceof ScalarNode sc && sc.getValue().isBlank()
                && declared.contains(sc.getValue())).isPresent();
        return blankNameDefined ? Optional.empty() : s.requireString(key);
    }

    private static Set<String> names(YamlSection top, String key) {
        Optional<Node> n = top.value(key);
        if (n.isEmpty() || !(n.get() instanceof MappingNode m)) {
            return Set.of();
        }
        Set<String> out = new java.util.TreeSet<>();
        m.getValue().forEach(t -> {
            if (t.getKeyNode() instanceof ScalarNode k) {
                out.add(k.getValue());
            }
        });
        return out;
    }

    /**
     * The folder the config's relative paths are read against: the config file's. A config given as the process's own
     * descriptor ({@code -c /dev/stdin < /etc/dbbackup/config.yaml}; /dev/fd/N, /proc/self/fd/N) is the file it was
     * opened from, so its folder, as with {@code -c /etc/dbbackup/config.yaml}: not /dev or /proc/self/fd, where
     * {@code path: shop.db} would be looked for. Other links are not followed (a Kubernetes ConfigMap's config.yaml
     * links into a hidden ..data folder, beside which its relative paths are not).
     */
    static Path folderOf(Path file) {
        Path path = file.toAbsolutePath().normalize();
        if (path.startsWith("/dev/") || path.startsWith("/proc/")) {
            try {
                Path real = path.toRealPath();
                if (Files.isRegularFile(real) && real.getParent() != null) {
                    return real.getParent();
                }
            } catch (IOException | RuntimeException e) {
                // a descriptor of a deleted file, or none: its own folder, as before
            }
        }
        return path.getParent();
    }

    private static void checkConfigPermissions(Path file, Problems problems, Node root) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.contains(PosixFilePermission.OTHERS_WRITE) || perms.contains(PosixFilePermission.GROUP_WRITE)) {
                problems.warn(root, file + " can be changed by other users (who could redirect your backups); fix with: chmod go-w " + file);
            }
        } catch (IOException | UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
    }

    /** What one entry of each section is, for its errors. */
    private static final Map<String, String> ENTRY = Map.of("datasources", "a datasource", "stores", "a store",
            "notifications", "a notification", "jobs", "a job");

    private <T> Map<String, T> named(YamlSection top, String key, Problems problems, Function<YamlSection, T> build) {
        Map<String, T> out = new LinkedHashMap<>();
        Optional<Node> node = top.value(key);
        if (node.isEmpty()) {
            return out;
        }
        YamlSection group = top.child(key, node.get());
        String previous = null; // the entry above, which a key indented too little belongs to
        for (String name : group.keys()) {
            Node value = group.value(name).orElse(null);
            if (!name.matches(NAME)) {
                problems.error(group.keyNode(name), key + "." + (name.isEmpty() ? "\"\": empty name" : name)
                        + ": a name starts with a letter or digit and holds only letters, digits, '.', '_' and '-'");
                continue;
            }
            if (value == null) {
                problems.error(group.keyNode(name), key + "." + name + ": is empty");
                previous = name;
                continue;
            }
            if (!(value instanceof MappingNode)) {
                // a key of the entry above written two spaces short (password: ... beside pg:): one line, not also its
                // "missing required key", and its value (maybe that password) never shown
                problems.error(value, key + "." + name + ": " + ENTRY.get(key) + " is a mapping of keys, got "
                        + YamlSection.mappingExpected(value) + (previous == null ? "" : "; if '" + name + "' is a key of '"
                        + previous + "' above, indent it as far as " + previous + "'s other keys"));
                continue;
            }
            previous = name;
            YamlSection s = new YamlSection(key + "." + name, name, value, problems, env, top.baseDir());
            T built;
            try {
                built = build.apply(s);
            } catch (RuntimeException e) {
                s.error(null, "cannot be set up: " + e.getMessage());
                built = null;
            }
            if (!s.typeUnknown()) {
                s.reportUnknownKeys();
            } else {
                s.reportMisspelledRequiredKeys(); // engine: or type: misspelled
            }
            if (built != null) {
                out.put(name, built);
            }
        }
        return out;
    }

    private DatasourceConfig datasource(YamlSection s, Problems problems) {
        Optional<String> type = s.requireString("engine");
        Compression compression = compression(s).orElse(Compression.GZIP);
        int level = level(s, compression);
        EncryptionConfig encryption = EncryptionSection.read(s, "encryption", problems).orElse(null);
        Optional<Duration> stall = stallTimeout(s);
        if (type.isEmpty()) {
            s.markTypeUnknown();
            return null;
        }
        Optional<EngineProvider> provider = plugins.engine(type.get());
        if (provider.isEmpty()) {
            s.markTypeUnknown();
            s.errorAtValue("engine", "unknown engine '" + type.get() + "' (known: " + String.join(", ", plugins.engineTypes()) + ")"
                    + Suggestion.didYouMean(type.get(), plugins.engineTypes()));
            return null;
        }
        Engine engine = provider.get().create(s);
        Duration stallTimeout = stall.isPresent() ? (stall.get().isZero() ? null : stall.get())
                : provider.get().defaultStallTimeout();
        return engine == null ? null
                : new DatasourceConfig(s.name(), provider.get().type(), engine, compression, level, encryption, stallTimeout);
    }

    /**
     * {@code stall_timeout}: how long a dump may write nothing (not held back by the upload) before its backup fails, at
     * least 1 s; zero for {@code 0} (off); empty when absent (the engine's default) or refused.
     */
    private static Optional<Duration> stallTimeout(YamlSection s) {
        Optional<Duration> d = s.duration("stall_timeout");
        if (d.isPresent() && !d.get().isZero() && d.get().compareTo(Duration.ofSeconds(1)) < 0) {
            s.error("stall_timeout", "must be 0 (off) or at least 1s (how long a dump may write nothing before its backup "
                    + "fails), got '" + io.dbbackup.core.Human.setting(d.get()) + "'");
            return Optional.empty();
        }
        return d;
    }

    private Optional<Compression> compression(YamlSection s) {
        return s.choice("compression", Set.of("gzip", "zstd", "lz4", "none")).flatMap(Compression::byId);
    }

    private int level(YamlSection s, Compression c) {
        if (c == Compression.NONE) {
            s.has("compression_level");
            return 0;
        }
        return s.integer("compression_level", c.minLevel(), c.maxLevel()).orElse(c.defaultLevel());
    }

    private StoreConfig store(YamlSection s) {
        Optional<String> type = s.requireString("type");
        if (type.isEmpty()) {
            s.markTypeUnknown();
            return null;
        }
        Optional<StoreProvider> provider = plugins.store(type.get());
        if (provider.isEmpty()) {
            s.markTypeUnknown();
            s.errorAtValue("type", "unknown store type '" + type.get() + "' (known: " + String.join(", ", plugins.storeTypes()) + ")"
                    + Suggestion.didYouMean(type.get(), plugins.storeTypes()));
            return null;
        }
        Optional<Long> rate = uploadRateLimit(s);
        Store store = provider.get().create(s);
        if (store == null) {
            return null;
        }
        if (rate.isPresent()) {
            store = RateLimitedStore.uploads(store, new RateLimiter(rate.get()));
        }
        StoreProvider maker = provider.get();
        // the section again: its secrets as this instance read them (YamlSection#secret), one maker at a time (the
        // reports of jobs run in parallel may ask together)
        return new StoreConfig(s.name(), maker.type(), store, () -> {
            synchronized (s) {
                return maker.create(s);
            }
        });
    }

    /** {@code upload_rate_limit}, for every store type: bytes per second all uploads to the store share, at least 64 KiB. */
    private static Optional<Long> uploadRateLimit(YamlSection s) {
        Optional<String> text = s.string("upload_rate_limit");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        long bytes = io.dbbackup.core.RateLimiter.parseRate(text.get());
        if (bytes < 0) {
            String bits = io.dbbackup.core.RateLimiter.bitsHint(text.get());
            s.errorAtValue("upload_rate_limit", bits != null ? "'" + text.get() + "' is ambiguous: " + bits
                    : "upload_rate_limit is bytes per second, at least 64KiB (e.g. 20MiB, 20MiB/s or 200Mbit), got '"
                    + text.get() + "'");
            return Optional.empty();
        }
        return Optional.of(bytes);
    }

    private NotifierConfig notifier(YamlSection s) {
        Optional<String> type = s.requireString("type");
        if (type.isEmpty()) {
            s.markTypeUnknown();
            return null;
        }
        Optional<NotifierProvider> provider = plugins.notifier(type.get());
        if (provider.isEmpty()) {
            s.markTypeUnknown();
            String known = plugins.notifierTypes().isEmpty() ? "none installed" : String.join(", ", plugins.notifierTypes());
            s.errorAtValue("type", "unknown notification type '" + type.get() + "' (known: " + known + ")"
                    + Suggestion.didYouMean(type.get(), plugins.notifierTypes()));
            return null;
        }
        Notifier n = provider.get().create(s);
        return n == null ? null : new NotifierConfig(s.name(), provider.get().type(), n);
    }

    private JobConfig job(YamlSection s, Map<String, DatasourceConfig> datasources, Map<String, StoreConfig> stores,
                          Map<String, NotifierConfig> notifiers, Declared declared, Map<String, String> jobFolders,
                          Map<String, YamlSection> copyJobs, Problems problems) {
        boolean copy = s.has("copy_of");
        Optional<String> copyOf = copy ? reference(s, "copy_of", declared.jobs()) : Optional.empty();
        if (copy) {
            for (String k : COPIED_FROM_SOURCE) {
                if (s.has(k)) {
                    s.error(k, "a copy job copies its source's backups byte for byte: its " + k + " comes from job '"
                            + copyOf.orElse("?") + "'; remove it here");
                }
            }
        }
        Optional<String> ds = copy ? Optional.empty() : reference(s, "datasource", declared.datasources());
        Optional<String> st = reference(s, "store", declared.stores());
        ds.filter(d -> !declared.datasources().contains(d)).ifPresent(d -> s.errorAtValue("datasource",
                "no datasource named '" + d + "'" + knownNames(d, declared.datasources())));
        st.filter(d -> !declared.stores().contains(d)).ifPresent(d -> s.errorAtValue("store",
                "no store named '" + d + "'" + knownNames(d, declared.stores())));
        String prefix = s.string("prefix").orElse("");
        BackupKey.prefixProblem(prefix).ifPresent(why -> s.errorAtValue("prefix", why));
        Optional<Compression> ownCompression = copy ? Optional.empty() : compression(s);
        DatasourceConfig dsc = ds.map(datasources::get).orElse(null);
        Compression compression = ownCompression.orElse(dsc == null ? Compression.GZIP : dsc.compression());
        int level;
        if (copy) {
            level = 0;
        } else if (ownCompression.isPresent() || s.has("compression_level")) {
            level = level(s, compression);
        } else {
            level = dsc == null ? compression.defaultLevel() : dsc.compressionLevel();
        }
        JobConfig.Verification verify = s.choice("verify", Set.of("true", "false", "deep")).map(v -> switch (v) {
            case "true" -> JobConfig.Verification.READ_BACK;
            case "deep" -> JobConfig.Verification.DEEP;
            default -> JobConfig.Verification.OFF;
        }).orElse(JobConfig.Verification.OFF);
        Duration timeout = s.duration("timeout").filter(d -> !d.isZero()).orElse(null);
        RetryPolicy retry = s.section("retry").filter(r -> notEmpty(s, "retry", (YamlSection) r,
                "retries nothing (one attempt), as leaving it out does")).map(r -> retry((YamlSection) r)).orElse(RetryPolicy.NONE);
        List<NotifyRule> notify = new ArrayList<>();
        for (YamlSection n : s.sectionList("notify", "notifier", declared.notifiers())) {
            Optional<String> name = reference(n, "notifier", declared.notifiers());
            NotifyRule.When when = n.choice("on", Set.of("failure", "success", "always"))
                    .map(w -> NotifyRule.When.valueOf(w.toUpperCase(Locale.ROOT))).orElse(NotifyRule.When.FAILURE);
            name.filter(x -> !declared.notifiers().contains(x)).ifPresent(x -> n.errorAtValue("notifier",
                    "no notification named '" + x + "'" + knownNames(x, declared.notifiers())));
            name.map(notifiers::get).filter(x -> n.has("on") && when != NotifyRule.When.ALWAYS && x.notifier().everyOutcome())
                    .ifPresent(x -> n.warn("on", "notification '" + x.name() + "' (" + x.type() + ") gets every outcome, "
                            + "not only '" + when.name().toLowerCase(java.util.Locale.ROOT) + "': a success must be pushed "
                            + "for an alert on the last success to work; write on: always"));
            n.reportUnknownKeys();
            name.ifPresent(x -> notify.add(new NotifyRule(x, when)));
        }
        RetentionPolicy retention = s.section("retention").filter(r -> notEmpty(s, "retention", (YamlSection) r,
                "deletes nothing: every backup is kept, as leaving it out does")).map(r -> retention((YamlSection) r))
                .orElse(RetentionPolicy.KEEP_ALL);
        // an empty item is an error at it; one string is one query, not split at its commas ("... in (1, 2)")
        boolean oneQuery = s.value("drill_checks").filter(v -> v instanceof ScalarNode sc
                && !sc.getValue().isBlank()).isPresent();
        List<String> drillChecks = oneQuery ? s.string("drill_checks").map(List::of).orElse(List.of())
                : s.argumentList("drill_checks");
        if (copy) {
            if (copyOf.isEmpty() || st.isEmpty() || !stores.containsKey(st.get())) {
                return null;
            }
            copyJobs.put(s.name(), s); // completed from its source once every job is read
            return new JobConfig(s.name(), null, st.get(), prefix, null, 0, verify, timeout, retry, notify, retention, null,
                    drillChecks, copyOf.get());
        }
        boolean ownEncryption = s.has("encryption");
        EncryptionConfig encryption = EncryptionSection.read(s, "encryption", problems)
                .orElse(ownEncryption || dsc == null ? null : dsc.encryption());
        if (ownEncryption && encryption == null) {
            return null;
        }
        if (ds.isEmpty() || st.isEmpty() || !datasources.containsKey(ds.get()) || !stores.containsKey(st.get())) {
            return null;
        }
        if (prefix.chars().anyMatch(Character::isISOControl)) {
            return null; // said above; no folder can be made of it
        }
        if (!keysFit(s, prefix, dsc, stores.get(st.get()))) {
            return null;
        }
        if (!ownFolder(s, stores, st.get(), BackupKey.folder(prefix, dsc.engine().database()), jobFolders)) {
            return null;
        }
        return new JobConfig(s.name(), ds.get(), st.get(), prefix, compression, level, verify, timeout, retry, notify, retention,
                encryption, drillChecks);
    }

    /**
     * The path of the mapping just above top-level key {@code key} (the last one the previous top-level key's value ends
     * with, at any depth) when that mapping misses {@code key} as a required key: {@code key} was meant to be indented
     * under it.
     */
    private static Optional<String> missingAbove(Node root, String key, Problems problems) {
        List<NodeTuple> tuples = ((MappingNode) root).getValue();
        String found = null;
        String path = null;
        Node above = null;
        for (NodeTuple t : tuples) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                break;
            }
            path = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : null;
            above = t.getValueNode();
        }
        while (path != null && above instanceof MappingNode m && !m.getValue().isEmpty()) {
            if (problems.missesRequired(path, key)) {
                found = path;
            }
            NodeTuple last = m.getValue().get(m.getValue().size() - 1);
            path = last.getKeyNode() instanceof ScalarNode k ? path + "." + k.getValue() : null;
            above = last.getValueNode();
        }
        return Optional.ofNullable(found);
    }

    /**
     * {@code key:\u00a0value} (a non-breaking space pasted from a chat or a web page) is no "key: value" to YAML and
     * gives a generic syntax error: name the line that holds one, from the error's context line to its problem line.
     */
    private static String nonBreakingSpace(String text, MarkedYamlEngineException e) {
        int last = e.getProblemMark().map(m -> m.getLine()).orElse(Integer.MAX_VALUE);
        int first = Math.max(0, e.getContextMark().map(m -> m.getLine()).orElse(last) - 1);
        String[] lines = text.split("\n", -1);
        for (int i = first; i <= Math.min(last, lines.length - 1); i++) {
            if (lines[i].indexOf('\u00a0') >= 0) {
                return "; line " + (i + 1) + " holds a non-breaking space (U+00A0), which YAML does not read as a space: "
                        + "retype it as a plain space";
            }
        }
        return "";
    }

    /**
     * Whether the longest key the job writes under its {@code prefix} stays within what S3 and Azure take (1024 bytes;
     * the store's {@link Store#keySegmentLimit}, Azure's 254 path segments); else an error at the prefix, or at the store
     * when the job has none. A prefix already refused ({@link BackupKey#prefixProblem}) is not said again.
     */
    private static boolean keysFit(YamlSection s, String prefix, DatasourceConfig dsc, StoreConfig sc) {
        if (BackupKey.prefixProblem(prefix).isPresent()) {
            return true;
        }
        String database = dsc.engine().database();
        Store store = sc == null ? null : sc.store();
        String storePrefix = store == null ? "" : store.keyPrefix();
        boolean atPrefix = !BackupKey.normalizePrefix(prefix).isEmpty();
        // with no prefix at all only the database name is long: a local/SFTP store's 255-byte file names say so first
        if (!atPrefix && storePrefix.isEmpty() && !namesFit(s, database, dsc, sc)) {
            return false;
        }
        Optional<String> why = BackupKey.prefixTooLong(sc == null ? "" : sc.name(), storePrefix, prefix, database,
                dsc.engine().format());
        if (why.isEmpty() && store != null && store.keySegmentLimit().isPresent()) {
            why = BackupKey.tooManySegments(sc.name(), sc.type(), store.keySegmentLimit().getAsInt(), storePrefix, prefix,
                    database, dsc.engine().format());
        }
        why.ifPresent(w -> s.errorAtValue(atPrefix ? "prefix" : "store", w));
        return why.isEmpty() && (!atPrefix && storePrefix.isEmpty() || namesFit(s, database, dsc, sc));
    }

    /**
     * Whether the names the job's store gives the files it writes in a folder (its temporary names included: a local
     * store's {@code .dbbackup-tmp-<name>.<uuid>}, an SFTP store's {@code .<name>.part-<random>.replaced}) stay within
     * the 255 bytes a file system or an SFTP server takes; else an error at the job's store.
     */
    private static boolean namesFit(YamlSection s, String database, DatasourceConfig dsc, StoreConfig sc) {
        if (sc == null || sc.store() == null) {
            return true;
        }
        int dbBytes = database.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        for (String file : BackupKey.longestFileNames(database, dsc.engine().format())) {
            Optional<String> entry = sc.store().longestEntryName(file);
            int bytes = entry.map(e -> e.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).orElse(0);
            if (bytes > BackupKey.MAX_NAME_BYTES) {
                boolean named = file.startsWith(database + "-");
                String shown = named ? entry.get().replace(file, "DATABASE" + file.substring(database.length())) : entry.get();
                int room = BackupKey.MAX_NAME_BYTES - (bytes - dbBytes);
                s.errorAtValue("store", "store '" + sc.name() + "' would write file names of " + bytes
                        + " bytes for database '" + database.substring(0, Math.min(16, database.length())) + "…' ("
                        + dbBytes + " bytes of UTF-8): the longest, " + shown + ", is over the " + BackupKey.MAX_NAME_BYTES
                        + " bytes a file name can have" + (named && room > 0 ? "; a database name of at most " + room
                        + " bytes fits" : ""));
                return false;
            }
        }
        return true;
    }

    /** A job's backups are the keys under its folder: two jobs there would list, verify and prune each other's. */
    private static boolean ownFolder(YamlSection s, Map<String, StoreConfig> stores, String store, String folder,
                                     Map<String, String> jobFolders) {
        // where the folder really is: two stores on one path, or a store inside another's folder, are one place
        StoreConfig sc = stores.get(store);
        String where = sc == null || sc.store() == null ? store + "\u0000" + folder : sc.store().location(folder);
        String other = jobFolders.putIfAbsent(where, s.name());
        if (other != null) {
            s.error(s.has("prefix") ? "prefix" : "store", "job '" + other + "' keeps its backups in the same folder ("
                    + store + ": " + folder + "): each job's list, restore and retention would take the other's backups "
                    + "for its own; give one of them another prefix");
            return false;
        }
        return true;
    }

    /**
     * Completes each copy job ({@code copy_of}) from its source job, now that every job is read: the source's
     * datasource names its copies and its compression and encryption decode them. A copy of a copy, or of a job that
     * does not exist, is refused at its {@code copy_of}; a copy whose source has errors of its own is dropped silently
     * (those errors are reported at the source).
     */
    private static void completeCopyJobs(Map<String, JobConfig> jobs, Map<String, YamlSection> copyJobs, Set<String> declaredJobs,
                                         Map<String, DatasourceConfig> datasources, Map<String, StoreConfig> stores,
                                         Map<String, String> jobFolders) {
        List<String> order = new ArrayList<>(jobs.keySet());
        copyJobs.forEach((name, s) -> {
            JobConfig copy = jobs.remove(name);
            if (copy == null) {
                return;
            }
            JobConfig source = jobs.get(copy.copyOf());
            if (copy.copyOf().equals(name)) {
                s.errorAtValue("copy_of", "a job cannot copy itself: name the job whose backups this one copies");
            } else if (!declaredJobs.contains(copy.copyOf())) {
                s.errorAtValue("copy_of", "no job named '" + copy.copyOf() + "'" + knownNames(copy.copyOf(), declaredJobs));
            } else if (copyJobs.containsKey(copy.copyOf())) {
                s.errorAtValue("copy_of", "job '" + copy.copyOf() + "' is itself a copy: name the job that makes the backups");
            } else if (source != null) {
                JobConfig full = copy.copying(source);
                String folder = BackupKey.folder(full.prefix(), datasources.get(full.datasource()).engine().database());
                if (keysFit(s, full.prefix(), datasources.get(full.datasource()), stores.get(full.store()))
                        && ownFolder(s, stores, full.store(), folder, jobFolders)) {
                    jobs.put(name, full);
                }
            }
        });
        // back into the file's order (a copy job was put back last)
        Map<String, JobConfig> ordered = new LinkedHashMap<>();
        order.stream().filter(jobs::containsKey).forEach(n -> ordered.put(n, jobs.get(n)));
        jobs.clear();
        jobs.putAll(ordered);
    }

    /** What {@code name}, naming none of {@code names}, may have meant: all of them, then the one it is a typo of. */
    private static String knownNames(String name, Set<String> names) {
        if (names.isEmpty()) {
            return " (none defined)";
        }
        return " (defined: " + String.join(", ", names) + ")" + Suggestion.didYouMean(name, names);
    }

    /**
     * {@code retention: {}} or {@code retry: {}} (a template's unset value) is an error at the key, saying what it would
     * mean: never silently the same as the key left out. Only mappings: a scalar or list is the section's own error.
     */
    private static boolean notEmpty(YamlSection job, String key, YamlSection section, String means) {
        if (section.node() instanceof MappingNode && section.keys().isEmpty()) {
            job.errorAtValue(key, "an empty mapping " + means + "; give its keys, or leave " + key + " out");
            return false;
        }
        return true;
    }

    private static RetryPolicy retry(YamlSection r) {
        int max = r.integer("max_attempts", 1, 100).orElse(1);
        Duration delay = r.duration("delay").orElse(Duration.ofSeconds(30));
        double mult = r.decimal("backoff_multiplier", 1.0).orElse(2.0);
        Duration maxDelay = r.duration("max_delay").orElse(Duration.ofMinutes(10));
        if (delay.compareTo(maxDelay) > 0) {
            // the cap would silently shorten every pause, the first one too: say which of the two is meant
            if (r.has("max_delay")) {
                r.errorAtValue("max_delay", "'" + r.string("max_delay").orElse("") + "' is shorter than delay ('"
                        + r.string("delay").orElse("") + "'), so every pause would be max_delay; raise max_delay or lower delay");
            } else {
                r.errorAtValue("delay", "'" + r.string("delay").orElse("") + "' is longer than max_delay (10m when left "
                        + "out), which caps every pause; give max_delay too, at least as long as delay");
            }
        }
        r.reportUnknownKeys();
        return new RetryPolicy(max, delay, mult, maxDelay);
    }

    private RetentionPolicy retention(YamlSection r) {
        int last = count(r, "keep_last");
        int hourly = count(r, "keep_hourly");
        int daily = count(r, "keep_daily");
        int weekly = count(r, "keep_weekly");
        int monthly = count(r, "keep_monthly");
        int yearly = count(r, "keep_yearly");
        ZoneId zone = ZoneOffset.UTC;
        Optional<String> tz = r.string("timezone");
        if (tz.isPresent()) {
            try {
                zone = ZoneId.of(tz.get());
            } catch (DateTimeException e) {
                r.errorAtValue("timezone", TimeZoneNames.unknown(tz.get(), env));
            }
        }
        r.reportUnknownKeys();
        return new RetentionPolicy(last, hourly, daily, weekly, monthly, yearly, zone);
    }

    private static int count(YamlSection r, String key) {
        return r.integer(key, 0, Integer.MAX_VALUE).orElse(0);
    }
}
