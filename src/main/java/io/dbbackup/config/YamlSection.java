package io.dbbackup.config;

import io.dbbackup.core.HostPort;
import io.dbbackup.core.Secret;
import io.dbbackup.spi.ConfigSection;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A YAML mapping seen through {@link ConfigSection}: typed getters that record problems with the
 * key's position instead of throwing, and a record of which keys were asked for, so that every
 * key nobody asked for is reported as unknown (with the nearest known key as a hint).
 */
final class YamlSection implements ConfigSection {
    private static final java.util.regex.Pattern VARIABLE_NAME = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private final String path;
    private final String name;
    private final Node node;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    private final Set<String> known = new TreeSet<>();
    /** Required keys found missing ({@link #requireString}). */
    private final Set<String> missingRequired = new TreeSet<>();
    /** Host keys whose value was refused as a URL or user@host ({@link #string}): said once, not also "empty". */
    private final Set<String> refusedHosts = new TreeSet<>();
    /** Secret keys asked for ({@code password}): known, so that a literal one gets its own error, but never suggested. */
    private final Set<String> secretKeys = new TreeSet<>();
    /** Keys read as text: one also read as a secret (an email's username) may be written literally. */
    private final Set<String> textKeys = new TreeSet<>();
    /**
     * The secrets read, by key: asked again (another instance of the same store, {@link StoreConfig#another}), a key
     * gives the same {@link Secret}, so a {@code *_command} program runs once per config load, not once per instance.
     */
    private final Map<String, Optional<Secret>> secrets = new java.util.HashMap<>();
    private final Problems problems;
    private final Map<String, String> env;
    private final Path baseDir;
    private boolean typeUnknown;

    YamlSection(String path, String name, Node node, Problems problems, Map<String, String> env, Path baseDir) {
        this.path = path;
        this.name = name;
        this.node = node;
        this.problems = problems;
        this.env = env;
        this.baseDir = baseDir;
        if (node instanceof MappingNode m) {
            collect(m);
        } else if (!isNull(node)) {
            // the whole file a single value: a secret file given as the config, maybe; its content is not repeated
            problems.error(node, path.isEmpty() ? "the file is not a dbbackup config: expected a mapping of keys "
                    + "(datasources, stores, jobs), got " + (node instanceof ScalarNode ? "a single value" : describe(node))
                    : path + ": expected a mapping of keys, got " + mappingExpected(node));
        }
    }

    private void collect(MappingNode m) {
        List<NodeTuple> own = new ArrayList<>();
        List<MappingNode> merged = new ArrayList<>();
        for (NodeTuple t : m.getValue()) {
            if (isMergeKey(t)) {
                mergedMappings(t, merged);
                continue;
            }
            own.add(t);
        }
        // a merged mapping that merges others brings their keys too, after its own (YAML's merge: the nearest wins); each
        // mapping is read once, however often it is merged (forty levels that each merge the one before twice are 40)
        Set<Node> read = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        read.add(m);
        for (MappingNode mm : merged) {
            merge(mm, read);
        }
        Set<String> seen = new TreeSet<>();
        for (NodeTuple t : own) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                problems.error(t.getKeyNode(), (path.isEmpty() ? "" : path + ": ") + "a key must be a plain string, got "
                        + describe(t.getKeyNode()));
                continue;
            }
            if (!seen.add(k.getValue())) {
                continue; // a duplicate key: said where the loader walks the whole file (ConfigLoader)
            }
            entries.put(k.getValue(), t);
        }
    }

    private static boolean isMergeKey(NodeTuple t) {
        return t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("<<");
    }

    /** The mappings merge key {@code t} names, in its order; what is no mapping is an error at the merge key. */
    private void mergedMappings(NodeTuple t, List<MappingNode> into) {
        ScalarNode k = (ScalarNode) t.getKeyNode();
        if (t.getValueNode() instanceof MappingNode mm) {
            into.add(mm);
        } else if (t.getValueNode() instanceof SequenceNode seq) {
            for (int i = 0; i < seq.getValue().size(); i++) {
                if (seq.getValue().get(i) instanceof MappingNode mm) {
                    into.add(mm);
                } else {
                    notMergeable(k, seq.getValue().get(i), at("<<") + "[" + i + "]");
                }
            }
        } else {
            notMergeable(k, t.getValueNode(), at("<<"));
        }
    }

    /** Adds the keys of merged mapping {@code mm} not yet present, then those of the mappings it merges itself. */
    private void merge(MappingNode mm, Set<Node> read) {
        if (!read.add(mm)) {
            return;
        }
        List<MappingNode> nested = new ArrayList<>();
        for (NodeTuple t : mm.getValue()) {
            if (isMergeKey(t)) {
                mergedMappings(t, nested);
            } else if (t.getKeyNode() instanceof ScalarNode k) {
                entries.putIfAbsent(k.getValue(), t);
            }
        }
        for (MappingNode n : nested) {
            merge(n, read);
        }
    }

    /**
     * A merge key's value, or an item of its list, that is no mapping: it was dropped without a word. Said at the merge
     * key: an alias's node is where its anchor is, maybe far away.
     */
    private void notMergeable(ScalarNode mergeKey, Node value, String key) {
        problems.error(mergeKey, key + ": a merge key takes a mapping (<<: *defaults) or a list of them, got "
                + (isNull(value) ? "nothing" : describe(value)));
    }

    /**
     * What stands where a mapping was expected. A single value is not shown: a key indented too little or a passphrase
     * written as {@code encryption: ...} puts a secret there, and the line and column point at it anyway.
     */
    static String mappingExpected(Node n) {
        return n instanceof ScalarNode ? "a single value (not shown: it may be a secret)" : describe(n);
    }

    static boolean isNull(Node n) {
        return n == null || (n instanceof ScalarNode s && s.getTag().equals(Tag.NULL));
    }

    static String describe(Node n) {
        if (n instanceof MappingNode) {
            return "a mapping";
        }
        if (n instanceof SequenceNode) {
            return "a list";
        }
        if (n instanceof ScalarNode s) {
            // a short value is shown; a long one (a secret file given as the config?) only by its length
            return s.getValue().length() <= 40 && !s.getValue().contains("\n") ? "'" + s.getValue() + "'"
                    : "a value of " + s.getValue().length() + " characters";
        }
        return "nothing";
    }

    /** The plugin type is missing or unknown: its other keys cannot be judged. */
    void markTypeUnknown() {
        typeUnknown = true;
    }

    @Override
    public boolean refused(String key) {
        return problems.hasErrorAbout(at(key));
    }

    @Override
    public void otherKeysUnjudged() {
        typeUnknown = true;
    }

    boolean typeUnknown() {
        return typeUnknown;
    }

    Node node() {
        return node;
    }

    /** The keys present, in file order. */
    List<String> keys() {
        return new ArrayList<>(entries.keySet());
    }

    Node keyNode(String key) {
        NodeTuple t = entries.get(key);
        return t == null ? node : t.getKeyNode();
    }

    Optional<Node> value(String key) {
        known.add(key);
        NodeTuple t = entries.get(key);
        if (t == null || isNull(t.getValueNode())) {
            return Optional.empty();
        }
        return Optional.of(t.getValueNode());
    }

    private String at(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** Key {@code key}'s full path and the place of its value, e.g. {@code stores.s3.secret_key_env at config.yaml:14:5}. */
    @Override
    public String place(String key) {
        NodeTuple t = entries.get(key);
        return at(key) + " at " + problems.place(t == null ? node : t.getValueNode());
    }

    /**
     * Of a section whose type is missing ({@link #markTypeUnknown}), whose other keys cannot be judged: a key nobody asked
     * for that is near a required key found missing ({@code tpye} for {@code type}) is the one error, said at it.
     */
    void reportMisspelledRequiredKeys() {
        for (String missing : missingRequired) {
            // the unknown key whose one suggestion (as reportUnknownKeys makes it) is the missing key
            entries.keySet().stream().filter(k -> !known.contains(k) && nearest(k).filter(missing::equals).isPresent())
                    .min(java.util.Comparator.comparingInt(k -> Suggestion.distance(k.toLowerCase(Locale.ROOT),
                            missing.toLowerCase(Locale.ROOT))))
                    .ifPresent(k -> problems.misspelled(entries.get(k).getKeyNode(), path, missing, at(k) + ": unknown key"
                            + Suggestion.of(missing)));
        }
    }

    /** Reports every present key nobody asked for. */
    void reportUnknownKeys() {
        for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
            if (!known.contains(e.getKey()) && e.getKey().isBlank()) {
                // "": x or ? "" (a key left unnamed): no key is near it, and "jobs.app.: unknown key" names nothing
                problems.error(e.getValue().getKeyNode(), (path.isEmpty() ? "" : path + ": ") + "empty key"
                        + (e.getKey().isEmpty() ? "" : " (only blanks)") + ": every key has a name; name it or remove the line");
            } else if (!known.contains(e.getKey())) {
                List<String> shown = known.stream().filter(k -> !onlySecret(k)).toList();
                String hint = nearest(e.getKey()).map(k -> onlySecret(k)
                        // a secret is never written in the file: suggest where it comes from, not the key that is refused
                        ? Suggestion.PREFIX + k + "_env, " + k + "_file or " + k + "_command?"
                        : Suggestion.of(k)).orElse(
                        shown.isEmpty() ? "" : " (known keys: " + String.join(", ", shown) + ")");
                String message = at(e.getKey()) + ": unknown key" + hint;
                Optional<String> near = nearest(e.getKey()).filter(k -> !entries.containsKey(k));
                if (near.isPresent()) {
                    problems.misspelled(e.getValue().getKeyNode(), path, near.get(), message); // the key it is near is missing
                } else {
                    problems.error(e.getValue().getKeyNode(), message);
                }
            }
        }
    }

    /** A key that is never written literally: only as its _env, _file or _command. */
    private boolean onlySecret(String key) {
        return secretKeys.contains(key) && !textKeys.contains(key);
    }

    /** The key asked for that {@code key} is a typo of, if it is clearly the nearest ({@link Suggestion#nearest}). */
    Optional<String> nearest(String key) {
        return Suggestion.nearest(key, known);
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Path baseDir() {
        return baseDir;
    }

    @Override
    public boolean has(String key) {
        known.add(key);
        return entries.containsKey(key) && !isNull(entries.get(key).getValueNode());
    }

    private Optional<ScalarNode> scalar(String key, String expected) {
        Optional<Node> v = value(key);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (v.get() instanceof ScalarNode s) {
            return notExpanded(key, s) ? Optional.empty() : Optional.of(s);
        }
        problems.error(v.get(), at(key) + ": expected " + expected + ", got " + describe(v.get()));
        return Optional.empty();
    }

    /** {@code ${HOME}}, {@code $HOME/...}: what a shell or a template would have replaced. */
    private static final java.util.regex.Pattern REFERENCE = java.util.regex.Pattern.compile(
            "\\$\\{[^}\\s]*}|^\\$[A-Za-z_][A-Za-z0-9_]*");

    /**
     * A value holding a variable reference is refused at its key: dbbackup reads values literally, so a local store's
     * {@code ${HOME}/backups} would be a folder named {@code ${HOME}} in the config's folder. Only the reference is shown.
     */
    private boolean notExpanded(String key, ScalarNode s) {
        java.util.regex.Matcher m = REFERENCE.matcher(s.getValue());
        if (!m.find()) {
            return false;
        }
        String ref = m.group();
        String name = ref.replaceAll("[${}]", "");
        String hint = key.endsWith("_env") && VARIABLE_NAME.matcher(name).matches()
                ? "; " + key + " takes the variable's name itself: " + key + ": " + name
                : "; write the value itself (a secret comes from its *_env, *_file or *_command key)";
        problems.error(s, at(key) + ": " + ref + " is not expanded: dbbackup reads config values literally, without "
                + "environment variables" + hint);
        return true;
    }

    @Override
    public Optional<String> string(String key) {
        textKeys.add(key);
        if (isHostKey(key) && unquotedIpv6List(key)) {
            return Optional.empty();
        }
        Optional<ScalarNode> s = scalar(key, "a string");
        if (s.isPresent() && isHostKey(key) && (s.get().getValue().contains("@") || s.get().getValue().contains("://"))) {
            // a pasted connection URL (postgres://user:pw@db/app) or user@host: the value is shown nowhere, it may hold a
            // password, and used as a host it would reach the tool's arguments, the sidecar and every error
            refusedHosts.add(key);
            problems.error(s.get(), at(key) + ": must be a host name or address, not a URL or user@host (the value is not "
                    + "shown: it may hold a password); give the user and the password in their own keys");
            return Optional.empty();
        }
        if (s.isPresent() && isHostKey(key)) {
            return hostValue(key, s.get());
        }
        return s.map(ScalarNode::getValue);
    }

    /**
     * {@code host: [::1]} unquoted is a YAML list holding {@code ::1}, not the bracketed address: one line saying how
     * to write it, instead of "expected a string, got a list".
     */
    private boolean unquotedIpv6List(String key) {
        Optional<Node> v = entries.containsKey(key) ? Optional.of(entries.get(key).getValueNode()) : Optional.empty();
        if (v.isPresent() && v.get() instanceof SequenceNode seq && seq.getValue().size() == 1
                && seq.getValue().get(0) instanceof ScalarNode item && HostPort.isIpv6Literal(item.getValue())) {
            known.add(key);
            refusedHosts.add(key);
            problems.error(v.get(), at(key) + ": " + unquotedIpv6(key, item.getValue()));
            return true;
        }
        return false;
    }

    /** What to write instead of {@code key: [address]} without quotes. */
    static String unquotedIpv6(String key, String address) {
        return "[" + address + "] without quotes is a YAML list, not an address; write the IPv6 address in quotes: "
                + key + ": \"" + address + "\" (or \"[" + address + "]\")";
    }

    /**
     * A host key's value as the tools and sockets take it: an IPv6 literal without the brackets a URL puts around it
     * ({@code [::1]} → {@code ::1}), each host of a comma-separated list (libpq) alike. A host with a port in it
     * ({@code db:5432}, {@code [::1]:5432}) is an error at the key: the tools would take it as one strange name.
     */
    private Optional<String> hostValue(String key, ScalarNode node) {
        String value = node.getValue();
        if (value.indexOf(':') < 0 || value.startsWith("/") || value.startsWith("@")) {
            return Optional.of(value);
        }
        List<String> hosts = new ArrayList<>();
        for (String h : value.split(",", -1)) {
            String bare = HostPort.unbracketed(h.strip());
            if (bare.indexOf(':') >= 0 && !HostPort.isIpv6Literal(bare)) {
                refusedHosts.add(key);
                problems.error(node, at(key) + ": '" + h.strip() + "' is not a host name or address: give the port in its "
                        + "own key; an IPv6 address is written bare (::1) or in brackets ([::1]), without a port");
                return Optional.empty();
            }
            hosts.add(bare);
        }
        return Optional.of(String.join(",", hosts));
    }

    /** {@code host}, {@code smtp_host} and any other {@code *_host}: a name or an address, never a URL. */
    private static boolean isHostKey(String key) {
        return key.equals("host") || key.endsWith("_host");
    }

    @Override
    public Optional<String> requireString(String key) {
        Optional<String> s = string(key);
        if (s.isEmpty() && !entries.containsKey(key)) {
            missingRequired.add(key);
            problems.error(node, path + ": missing required key '" + key + "'");
        } else if (s.isPresent() && s.get().isBlank()) {
            problems.error(keyNode(key), at(key) + ": must not be empty");
            return Optional.empty();
        } else if (s.isEmpty() && !refusedHosts.contains(key) && !refused(key)) {
            problems.error(keyNode(key), at(key) + ": must not be empty");
        }
        return s;
    }

    @Override
    public Optional<String> choice(String key, Set<String> allowed) {
        Optional<ScalarNode> s = scalar(key, "one of " + sorted(allowed));
        if (s.isEmpty()) {
            return Optional.empty();
        }
        String v = s.get().getValue().toLowerCase(Locale.ROOT);
        if (!allowed.contains(v)) {
            problems.error(s.get(), at(key) + ": '" + s.get().getValue() + "' is not one of " + sorted(allowed)
                    + Suggestion.didYouMean(v, allowed));
            return Optional.empty();
        }
        return Optional.of(v);
    }

    private static String sorted(Set<String> allowed) {
        return new TreeSet<>(allowed).stream().collect(Collectors.joining(", "));
    }

    @Override
    public Optional<Integer> integer(String key, int min, int max) {
        Optional<ScalarNode> s = scalar(key, "an integer");
        if (s.isEmpty()) {
            return Optional.empty();
        }
        String text = s.get().getValue().strip();
        if (leadingZero(key, s.get())) {
            return Optional.empty();
        }
        int v;
        try {
            v = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            if (s.get().getValue().strip().matches("[+-]?\\d+")) {
                // a whole number, too large for any count: say the range, not "expected an integer"
                problems.error(s.get(), at(key) + ": " + shortNumber(s.get().getValue().strip()) + " is out of range: must be "
                        + "between " + min + " and " + max);
            } else {
                problems.error(s.get(), at(key) + ": expected an integer, got '" + s.get().getValue() + "'");
            }
            return Optional.empty();
        }
        if (v < min || v > max) {
            String range = max == Integer.MAX_VALUE ? min + " or more" : "between " + min + " and " + max;
            problems.error(s.get(), at(key) + ": must be " + range + " (got " + v + ")");
            return Optional.empty();
        }
        return Optional.of(v);
    }

    /**
     * A whole number written with a leading zero is an error at it: {@code keep_daily: 010} or {@code timeout: 010} copied
     * from (or to) a YAML 1.1 tool, which reads it as octal 8 — neither reading is silent. ({@code 05s} is no number to any
     * YAML reader and is read as 5 s.)
     */
    private boolean leadingZero(String key, ScalarNode s) {
        String text = s.getValue().strip();
        if (!LEADING_ZERO.matcher(text).matches()) {
            return false;
        }
        String sign = text.startsWith("-") ? "-" : "";
        String digits = text.replaceFirst("^[+-]", "");
        String octal = digits.matches("[0-7]+") && digits.length() <= 12
                ? " (YAML 1.1 tools read it as octal " + sign + Long.parseLong(digits, 8) + ")" : "";
        problems.error(s, at(key) + ": '" + shortNumber(text) + "' has a leading zero" + octal + "; write "
                + sign + shortNumber(digits.replaceFirst("^0+(?=.)", "")) + " without it");
        return true;
    }

    /** A whole number written with a leading zero ({@code 010}, {@code -007}): octal to a YAML 1.1 reader. */
    private static final java.util.regex.Pattern LEADING_ZERO = java.util.regex.Pattern.compile("[+-]?0[0-9]+");

    Optional<Double> decimal(String key, double min) {
        Optional<ScalarNode> s = scalar(key, "a number");
        if (s.isEmpty()) {
            return Optional.empty();
        }
        try {
            double v = Double.parseDouble(s.get().getValue().strip());
            if (Double.isInfinite(v)) {
                problems.error(s.get(), at(key) + ": " + shortNumber(s.get().getValue().strip()) + " is out of range: must be "
                        + "a finite number, at least " + min);
                return Optional.empty();
            }
            if (v < min || Double.isNaN(v)) {
                problems.error(s.get(), at(key) + ": must be at least " + min + " (got " + v + ")");
                return Optional.empty();
            }
            return Optional.of(v);
        } catch (NumberFormatException e) {
            problems.error(s.get(), at(key) + ": expected a number, got '" + s.get().getValue() + "'");
            return Optional.empty();
        }
    }

    /** A number as a message shows it: whole when short, else its start and how many digits. */
    private static String shortNumber(String v) {
        return v.length() <= 24 ? v : v.substring(0, 12) + "... (" + v.length() + " characters)";
    }

    @Override
    public Optional<Boolean> bool(String key) {
        Optional<ScalarNode> s = scalar(key, "true or false");
        if (s.isEmpty()) {
            return Optional.empty();
        }
        String v = s.get().getValue().strip().toLowerCase(Locale.ROOT);
        if (v.equals("true")) {
            return Optional.of(true);
        }
        if (v.equals("false")) {
            return Optional.of(false);
        }
        problems.error(s.get(), at(key) + ": expected true or false, got '" + s.get().getValue() + "'");
        return Optional.empty();
    }

    @Override
    public Optional<Duration> duration(String key) {
        Optional<ScalarNode> s = scalar(key, "a duration");
        if (s.isEmpty()) {
            return Optional.empty();
        }
        if (leadingZero(key, s.get())) {
            return Optional.empty();
        }
        Optional<Duration> d = Durations.parse(s.get().getValue());
        if (d.isPresent() && Durations.tooLong(d.get())) {
            problems.error(s.get(), at(key) + ": " + shortNumber(s.get().getValue().strip()) + " is out of range: a duration "
                    + "is at most " + Durations.MAX.toDays() + "d (100 years)");
            return Optional.empty();
        }
        if (d.isPresent() && d.get().isZero() && s.get().getValue().matches(".*[1-9].*")) {
            // 0.0001 rounds to 0 ms, which a timeout reads as "no limit": the opposite of what was written
            problems.error(s.get(), at(key) + ": '" + s.get().getValue().strip() + "' is below 1ms, the smallest duration, "
                    + "and would round to 0 (a timeout of 0 is no limit): write 1ms or more, or 0");
            return Optional.empty();
        }
        if (d.isEmpty()) {
            problems.error(s.get(), at(key) + ": " + Durations.problem(s.get().getValue())
                    .orElseGet(() -> Durations.expected(s.get().getValue())));
        }
        return d;
    }

    @Override
    public List<String> stringList(String key) {
        return stringList(key, false);
    }

    @Override
    public List<String> argumentList(String key) {
        return stringList(key, true);
    }

    private List<String> stringList(String key, boolean refuseEmpty) {
        Optional<Node> v = value(key);
        if (v.isEmpty()) {
            return List.of();
        }
        if (v.get() instanceof ScalarNode s) {
            if (notExpanded(key, s)) {
                return List.of();
            }
            if (refuseEmpty && s.getValue().isBlank()) {
                // drill_checks: "" (a template's empty value) would silently be no check at all
                problems.error(s, at(key) + ": must not be empty: leave the key out or give its value");
                return List.of();
            }
            return Arrays.stream(s.getValue().split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
        }
        if (v.get() instanceof SequenceNode seq) {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < seq.getValue().size(); i++) {
                Node item = seq.getValue().get(i);
                if (refuseEmpty && item instanceof ScalarNode s && !isNull(s) && s.getValue().isBlank()) {
                    // a template's empty value: pg_dump -n "" fails the night ("no matching schemas"), a "" argument
                    // is taken for the database name; said here, at the item
                    problems.error(item, at(key) + "[" + i + "]: must not be empty: remove the item or give its value");
                } else if (item instanceof ScalarNode s && !isNull(s)) {
                    if (!notExpanded(key, s)) {
                        out.add(s.getValue());
                    }
                } else {
                    problems.error(item, at(key) + ": list items must be strings, got " + describe(item));
                }
            }
            return out;
        }
        String hint = "";
        if (v.get() instanceof MappingNode m && !m.getValue().isEmpty()
                && m.getValue().get(0).getKeyNode() instanceof ScalarNode k) {
            // headers: {X-Team: dba}: the text "X-Team: dba" is meant; quoted, as a list item, it is that text. The value
            // is not shown: a header may carry a token
            hint = "; for 'Name: value' text, quote each as a list item: - \"" + k.getValue() + ": <value>\"";
        }
        problems.error(v.get(), at(key) + ": expected a string or a list of strings, got " + describe(v.get()) + hint);
        return List.of();
    }

    @Override
    public Optional<Path> path(String key) {
        Optional<String> given = string(key);
        if (given.isPresent() && given.get().isBlank()) {
            // an empty value (a template's optional variable rendered as "") must not make its entry vanish: a store,
            // a job, a notifier or a job's encryption silently gone
            problems.error(keyNode(key), at(key) + ": must name a file or folder, not an empty string");
            return Optional.empty();
        }
        if (given.isPresent() && given.get().startsWith("~/") && home().isEmpty()) {
            problems.error(keyNode(key), at(key) + ": '~/' needs a home folder, and none is known (HOME is unset and this "
                    + "user has no account entry): write the full path");
            return Optional.empty();
        }
        if (given.isEmpty()) {
            return Optional.empty();
        }
        String s = given.get();
        try {
            Path p = s.startsWith("~/") ? home().orElseThrow().resolve(s.substring(2)) : Path.of(s);
            return Optional.of(p.isAbsolute() ? p.normalize() : baseDir.resolve(p).normalize());
        } catch (java.nio.file.InvalidPathException e) {
            // "\0" or "\uD800" in quotes: no file can have that name; said at the key, not as "cannot be set up: Nul ..."
            problems.error(value(key).orElse(keyNode(key)), at(key) + ": is no file name this system can use (it holds "
                    + (s.indexOf('\0') >= 0 ? "a NUL character" : "characters its file names cannot encode") + ")");
            return Optional.empty();
        }
    }

    @Override
    public Optional<Path> home() {
        String home = env.get("HOME");
        if (home == null || home.isBlank()) {
            home = System.getProperty("user.home");
        }
        return home == null || home.isBlank() || home.equals("?") ? Optional.empty() : Optional.of(Path.of(home));
    }

    /** A file or program name a message may repeat: a secret written in its place usually has other characters. */
    private static final java.util.regex.Pattern SHOWN_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_./~+@:-]{1,255}");

    /**
     * Whether a message may repeat file or program name {@code name}: {@link #SHOWN_NAME}'s characters, and no age secret
     * key ({@code AGE-SECRET-KEY-1…} is only letters, digits and dashes, as a file name may be).
     */
    static boolean shownName(String name) {
        return SHOWN_NAME.matcher(name).matches() && !holdsAgeSecretKey(name);
    }

    /** Whether {@code text} holds an age secret key ({@code AGE-SECRET-KEY-1…}, in either case). */
    static boolean holdsAgeSecretKey(String text) {
        return text.toUpperCase(Locale.ROOT).contains(io.dbbackup.codec.age.AgeKeys.IDENTITY_PREFIX);
    }
    private static final long MAX_SECRET_FILE = 1 << 20;

    /** The error of secret key {@code key} (at {@code at}, its full path) written literally in the file. */
    static String literalSecret(String at, String key) {
        return at + ": secrets are not read from the config file; use " + key + "_env (an environment variable), " + key
                + "_file (a file, e.g. a Kubernetes secret) or " + key + "_command (a secret manager's command)";
    }

    @Override
    public synchronized Optional<Secret> secret(String key) {
        Optional<Secret> read = secrets.get(key);
        if (read == null) {
            read = readSecret(key);
            secrets.put(key, read);
        }
        return read;
    }

    private Optional<Secret> readSecret(String key) {
        boolean literal = entries.containsKey(key);
        known.add(key);
        secretKeys.add(key);
        Optional<String> envName = string(key + "_env");
        Optional<Path> file = path(key + "_file");
        known.add(key + "_command");
        boolean command = entries.containsKey(key + "_command");
        if (literal) {
            problems.error(keyNode(key), literalSecret(at(key), key));
            return Optional.empty();
        }
        int sources = (envName.isPresent() ? 1 : 0) + (file.isPresent() ? 1 : 0) + (command ? 1 : 0);
        if (sources > 1) {
            problems.error(keyNode(command ? key + "_command" : key + "_file"), at(key) + ": give one of " + key + "_env, "
                    + key + "_file or " + key + "_command, not several");
            return Optional.empty();
        }
        if (command) {
            return commandSecret(key);
        }
        if (envName.isPresent() && envName.get().isBlank()) {
            // a template's empty value: not "the variable named in password_env ... is not set", as if it were a secret
            problems.error(keyNode(key + "_env"), at(key + "_env") + ": must name an environment variable, not an empty string");
            return Optional.empty();
        }
        if (envName.isPresent()) {
            String var = envName.get();
            String value = env.get(var);
            Node at = value(key + "_env").orElse(node);
            if (value == null || withoutByteOrderMark(key, value).isBlank()) {
                // a name no shell could set is more likely the secret itself, written where its variable's name belongs
                boolean aName = VARIABLE_NAME.matcher(var).matches();
                String shown = aName ? var : "named in " + key + "_env (its name is not shown: it is not a variable name; "
                        + "is it the secret itself?)";
                String why = at(key + "_env") + ": environment variable " + shown + (value == null ? " is not set"
                        : withoutByteOrderMark(key, value).isEmpty() ? " is empty" : " holds only white space");
                return Optional.of(Secret.unresolved(aName ? "env " + var : "the environment",
                        problems.secretProblem(at(key), at, why)));
            }
            // a Kubernetes secret made with kubectl create secret --from-file keeps the file's line break, in a
            // secretKeyRef variable too: trimmed as a file's is; not an age passphrase, whose backups already made used it
            warnIfDoubtful(key, key + "_env", withoutLineBreaks(value), at);
            problems.secretRead(at(key), "env " + var);
            return Optional.of(new Secret(key.equals("passphrase") ? value : withoutByteOrderMark(key, withoutLineBreaks(value)),
                    "env " + var).setAt(place(key + "_env")));
        }
        if (file.isPresent()) {
            Node at = value(key + "_file").orElse(node);
            Path p = file.get();
            String why;
            String raw = string(key + "_file").orElse("");
            // a value that cannot be a file name (a secret written where its file's name belongs) is not repeated
            boolean named = shownName(raw);
            String shown = named ? p.toString()
                    : "the file named in " + key + "_file (its name is not shown: is it the secret itself?)";
            try {
                Optional<String> notAFile = notAFile(p, shown, key);
                if (notAFile.isPresent()) {
                    why = at(key + "_file") + ": " + notAFile.get();
                } else if (Files.exists(p) && Files.size(p) > MAX_SECRET_FILE) {
                    why = at(key + "_file") + ": " + shown + " is larger than 1 MiB: not a secret";
                } else {
                    String content = withoutByteOrderMark(key, withoutLineBreaks(Files.readString(p, StandardCharsets.UTF_8)));
                    if (!content.isBlank()) {
                        warnIfShared(p, key + "_file", at);
                        warnIfDoubtful(key, key + "_file", content, at);
                        problems.secretRead(at(key), "file " + p);
                        return Optional.of(new Secret(content, "file " + p).setAt(place(key + "_file")));
                    }
                    why = at(key + "_file") + ": " + shown + (content.isEmpty() ? " is empty" : " holds only white space");
                }
            } catch (java.nio.charset.CharacterCodingException e) {
                why = at(key + "_file") + ": " + shown + " " + notText(p);
            } catch (IOException | SecurityException e) {
                // refused: the file's mode and owner against this process's ids (a secret mounted 0400 for root)
                why = at(key + "_file") + ": cannot read " + shown + " ("
                        + (e instanceof java.nio.file.AccessDeniedException ? io.dbbackup.core.DeniedFile.why(p) : reason(e)) + ")"
                        + (named && e instanceof java.nio.file.NoSuchFileException ? FolderNames.forMissing(p) : "");
            }
            return Optional.of(Secret.unresolved(named ? "file " + p : "the file named in " + key + "_file",
                    problems.secretProblem(at(key), at, why)));
        }
        return Optional.empty();
    }

    /**
     * A secret without the byte order mark a Windows editor's "UTF-8 with BOM" puts first: no password, key or token
     * begins with U+FEFF, and the server refused the password that reads right. An age passphrase keeps it (the backups
     * made with it need it: {@link WeakPassphrase#BYTE_ORDER_MARK}), an identity is read by {@code AgeKeys}, which skips it.
     */
    private static String withoutByteOrderMark(String key, String text) {
        return !key.equals("passphrase") && text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /**
     * Warns, without showing it, about a secret read as given that is likely not what was meant: in quotes or with
     * spaces around it (a .env file for {@code docker run --env-file}, which keeps both, unlike a shell or docker
     * compose), of several lines (a file holding more than the secret), or holding a NUL. Not an identity (a key file
     * of several lines, with comments).
     */
    private void warnIfDoubtful(String key, String sourceKey, String value, Node at) {
        if (key.equals("identity")) {
            return;
        }
        String v = withoutByteOrderMark(key, value);
        String why;
        if (v.indexOf('\0') >= 0) {
            why = "holds a NUL character, which the database tools and most servers cut the secret at";
        } else if (v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
            why = "holds " + v.split("\r\n|\r|\n", -1).length + " lines: only the line breaks at its end are cut, "
                    + "the other lines are part of it (PostgreSQL's tools would take the first line alone)";
        } else if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'') && v.charAt(v.length() - 1) == v.charAt(0)) {
            why = "is in quotes, which are part of it (docker run --env-file and Kubernetes keep them; a shell and docker "
                    + "compose remove them)";
        } else if (!v.isEmpty() && (Character.isWhitespace(v.charAt(0)) || Character.isWhitespace(v.charAt(v.length() - 1)))) {
            why = "begins or ends with white space, which is part of it (docker run --env-file keeps it)";
        } else {
            return;
        }
        if (sourceKey.endsWith("_env")) { // one variable shared by several keys: one warning naming them all
            String var = string(sourceKey).orElse("");
            problems.doubtfulVariable(at, at(sourceKey), var, VARIABLE_NAME.matcher(var).matches() ? "env " + var
                    : "one variable", why);
            return;
        }
        problems.warn(at, at(sourceKey) + ": the secret (not shown) " + why + "; if that is not part of the secret, "
                + "fix the file");
    }

    /**
     * Why {@code p}, named by a key that takes a file ({@code password_file}, {@code recipients_file}, {@code ca_file},
     * {@code key_file}...), is no file to read, shown as {@code shown}; empty when it is a regular file or does not exist.
     * A folder is most often a Kubernetes Secret or ConfigMap mounted at the file's path without {@code subPath}: the
     * message names the files in it. A FIFO would hang the read, {@code /dev/zero} fill the memory.
     */
    static Optional<String> notAFile(Path p, String shown, String wanted) {
        if (Files.isDirectory(p)) {
            return Optional.of(shown + " is a folder, not a file (a Secret volume mounted at this path?): "
                    + (shown.equals(p.toString()) ? FolderNames.forFolder(p, wanted) : "name the file in it"));
        }
        if (Files.exists(p) && !Files.isRegularFile(p)) {
            return Optional.of(shown + " is not a regular file");
        }
        return Optional.empty();
    }

    @Override
    public Optional<String> unreadableFile(Path p) {
        Optional<String> notAFile = notAFile(p, p.toString(), null);
        if (notAFile.isPresent()) {
            return notAFile;
        }
        if (!Files.exists(p)) { // a typo in the name: the one plausibly meant, as a secret's *_file says
            return Optional.of("cannot read " + p + " (no such file)" + FolderNames.forMissing(p));
        }
        return Files.isReadable(p) ? Optional.empty() : Optional.of("cannot read " + p + " (permission denied)");
    }

    /** {@code text} without the line breaks at its end (an editor's, {@code echo}'s, a Kubernetes secret's). */
    private static String withoutLineBreaks(String text) {
        String t = text;
        while (t.endsWith("\n") || t.endsWith("\r")) {
            t = t.substring(0, t.length() - 1);
        }
        return t;
    }

    /**
     * {@code <key>_command}: a string split on spaces or a list of arguments. The program must exist now (else
     * an error, or an unresolved secret when deferring); it runs when the secret is first needed.
     */
    private Optional<Secret> commandSecret(String key) {
        String k = key + "_command";
        Node n = entries.get(k).getValueNode();
        List<String> argv = new ArrayList<>();
        if (n instanceof ScalarNode sc && !isNull(sc)) {
            argv.addAll(Arrays.stream(sc.getValue().strip().split("\\s+")).filter(a -> !a.isEmpty()).toList());
        } else if (n instanceof SequenceNode seq) {
            for (Node item : seq.getValue()) {
                if (!(item instanceof ScalarNode sc) || isNull(sc)) {
                    problems.error(item, at(k) + ": list items must be strings, got " + describe(item));
                    return Optional.empty();
                }
                argv.add(sc.getValue());
            }
        }
        if (argv.isEmpty()) {
            problems.error(n, at(k) + ": expected a command (a string or a list of arguments), got " + describe(n));
            return Optional.empty();
        }
        boolean named = shownName(argv.get(0));
        String source = named ? "command " + argv.get(0) : "the program named in " + k;
        Optional<Path> exe = SecretCommand.executable(argv.get(0), baseDir, env);
        if (exe.isEmpty()) {
            String program = named ? argv.get(0)
                    : "the program named in " + k + " (its name is not shown: is it the secret itself?)";
            String why = at(k) + ": " + program + (argv.get(0).contains("/") ? " is not an executable file"
                    : " was not found on PATH");
            return Optional.of(Secret.unresolved(source, problems.secretProblem(at(key), n, why)));
        }
        String prefix = ProblemText.clean(problems.file()) + ":" + n.getStartMark().map(m -> m.getLine() + 1).orElse(1) + ":"
                + n.getStartMark().map(m -> m.getColumn() + 1).orElse(1) + ": " + at(k) + ": ";
        List<String> args = List.copyOf(argv);
        return Optional.of(Secret.later(source, () -> SecretCommand.run(exe.get(), args, baseDir, prefix))
                .setAt(place(key + "_command")));
    }

    /** Warns when a file holding a secret can be read by other users, naming the fix ({@link io.dbbackup.core.SharedSecretFile}). */
    void warnIfShared(Path p, String key, Node at) {
        io.dbbackup.core.SharedSecretFile.problem(p).ifPresent(why -> problems.warn(at, at(key) + ": " + why));
    }

    /** Why secret file {@code p}, which is not UTF-8, is no secret here: an age-encrypted file (passphrase-protected), or binary. */
    private static String notText(Path p) {
        if (isUtf16(p)) {
            return UTF16;
        }
        try (java.io.InputStream in = Files.newInputStream(p)) {
            if (io.dbbackup.codec.age.AgeKeys.isAgeEncrypted(new String(in.readNBytes(64), StandardCharsets.ISO_8859_1))) {
                return io.dbbackup.codec.age.AgeKeys.passphraseProtected(p.toString());
            }
        } catch (IOException | SecurityException e) {
            // said as not text below
        }
        return "is not a text file (not UTF-8): a secret file holds text";
    }

    /** Why a file with a UTF-16 byte order mark is not read, and the fix. */
    static final String UTF16 = io.dbbackup.core.Utf16Text.WHY;

    /** Whether {@code p} is UTF-16 text ({@link io.dbbackup.core.Utf16Text#is}). */
    static boolean isUtf16(Path p) {
        try (java.io.InputStream in = Files.newInputStream(p)) {
            return io.dbbackup.core.Utf16Text.is(in.readNBytes((int) MAX_SECRET_FILE));
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    static String reason(Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null && !f.getReason().isBlank()) {
            // the operating system's reason alone ("File name too long", "Not a directory"): the exception's text
            // repeats the path, which may be a secret written in its place, thousands of characters long
            String why = f.getReason().strip();
            return Character.toLowerCase(why.charAt(0)) + why.substring(1);
        }
        if (e.getClass() == IOException.class && e.getMessage() != null && !e.getMessage().isBlank()
                && e.getMessage().length() <= 80 && e.getCause() == null) {
            // a plain IOException of the file system carries the operating system's reason alone ("Is a directory")
            String why = e.getMessage().strip();
            return Character.toLowerCase(why.charAt(0)) + why.substring(1);
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    @Override
    public Optional<ConfigSection> section(String key) {
        return value(key).map(n -> child(key, n));
    }

    YamlSection child(String key, Node n) {
        return new YamlSection(at(key), key, n, problems, env, baseDir);
    }

    /**
     * A list of mappings, each naming one of {@code known} at {@code nameKey} (a job's notify rules). An item written as
     * a bare value ({@code notify: [ops-mail]}) is one error that shows how to write it, the value shown only when it is
     * one of {@code known} (anything else may be a secret); it is skipped, so no "missing required key" follows.
     */
    List<YamlSection> sectionList(String key, String nameKey, Set<String> known) {
        Optional<Node> v = value(key);
        if (v.isEmpty()) {
            return List.of();
        }
        if (!(v.get() instanceof SequenceNode seq)) {
            problems.error(v.get(), at(key) + ": expected a list, got " + describe(v.get()));
            return List.of();
        }
        List<YamlSection> out = new ArrayList<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            Node item = seq.getValue().get(i);
            if (item instanceof ScalarNode sc && !isNull(item)) {
                String name = known.contains(sc.getValue()) ? sc.getValue() : "NAME";
                problems.error(item, at(key) + "[" + i + "]: each entry is a mapping, not a bare name: write {" + nameKey
                        + ": " + name + "} (add on: success or on: always to be told of more than failures)"
                        + (name.equals(sc.getValue()) ? "" : "; the value is not shown: it may be a secret"));
                continue;
            }
            out.add(new YamlSection(at(key) + "[" + i + "]", key, item, problems, env, baseDir));
        }
        return out;
    }

    @Override
    public Secret unusable(String key, Secret secret, String message) {
        return Secret.unresolved(secret.source(), problems.secretProblem(at(key), keyNode(key), at(key) + ": " + message));
    }

    @Override
    public void unreadableSecretFile(String key, String message) {
        unreadFile(key, message);
    }

    @Override
    public void error(String key, String message) {
        problems.error(key == null ? node : keyNode(key), (key == null ? path : at(key)) + ": " + message);
    }

    @Override
    public void errorAtItem(String key, String item, String message) {
        if (entries.get(key) != null && entries.get(key).getValueNode() instanceof SequenceNode seq) {
            for (int i = 0; i < seq.getValue().size(); i++) {
                if (seq.getValue().get(i) instanceof ScalarNode s && s.getValue().equals(item)) {
                    problems.error(s, at(key) + "[" + i + "]: " + message);
                    return;
                }
            }
        }
        error(key, message);
    }

    @Override
    public void warn(String key, String message) {
        problems.warn(key == null ? node : keyNode(key), (key == null ? path : at(key)) + ": " + message);
    }

    /** The warning {@link #warn} would add at {@code key}, built but not added: for a run that learns it later. */
    Problem warningAt(String key, String message) {
        return problems.problemAt(keyNode(key), Problem.Severity.WARNING, at(key) + ": " + message);
    }

    /**
     * A file {@code key} names that cannot be read here, needed only by some work (an encryption's recipients, an SSH
     * key): an error, or, when the config defers secrets, the problem that work will raise ({@link Problems#secretProblem}).
     */
    String unreadFile(String key, String message) {
        return problems.secretProblem(at(key), value(key).orElse(keyNode(key)), at(key) + ": " + message);
    }

    /** A secret that was read but cannot be used ({@code message}): deferred like one that could not be read. */
    Secret unreadSecret(String key, Secret secret, String message) {
        return Secret.unresolved(secret.source(), unreadFile(key, message));
    }

    void errorAtValue(String key, String message) {
        problems.error(value(key).orElse(keyNode(key)), at(key) + ": " + message);
    }
}
