package io.dbbackup.config;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * config.example.yaml is complete, and the README's configuration reference too: every key the loader accepts appears in
 * both. The accepted keys are not a list kept here but what the loader itself says: every section of the example (each
 * datasource, store, notifier, job and their nested retry, retention, notify and encryption mappings) gets a key nobody
 * could mean, and the loader's "unknown key (known keys: …)" error names every key it asked that section for. A key a
 * plugin starts reading is therefore asked for here the day it is added. The keys the config code names as string
 * literals must all be among them, so a key read only in a shape the example does not show (another method, another
 * engine) is caught too.
 */
class ConfigKeysDocumentedTest {
    private static final String PROBE = "q".repeat(30);
    private static final Pattern KNOWN = Pattern.compile(": error: ([\\w.\\[\\]-]+)\\." + PROBE + ": unknown key \\(known keys: ([^)]*)\\)");
    /** A key read by the config code: {@code s.string("host")}, {@code section.secret("password")}. */
    private static final Pattern READ = Pattern.compile("\\.(string|requireString|choice|integer|bool|duration|stringList|path|"
            + "secret|secretGiven|has|section|sectionList|value|decimal)\\(\"([a-z][a-z0-9_]*)\"");

    @TempDir
    Path dir;

    @Test
    void everyAcceptedKeyIsInTheExampleConfig() throws Exception {
        String example = example();
        List<String> missing = new ArrayList<>();
        for (String key : acceptedKeys().keySet()) {
            if (forms(key).stream().noneMatch(k -> Pattern.compile("(?<![\\w-])" + Pattern.quote(k) + ":").matcher(example).find())) {
                missing.add(key + " (" + acceptedKeys().get(key) + ")");
            }
        }
        assertThat(missing).as("keys the loader accepts that config.example.yaml does not show").isEmpty();
    }

    @Test
    void everyAcceptedKeyIsInTheReadmesConfigurationReference() throws Exception {
        String readme = Files.readString(base().resolve("README.md"));
        List<String> missing = new ArrayList<>();
        for (String key : acceptedKeys().keySet()) {
            boolean found = forms(key).stream().anyMatch(k -> readme.contains("`" + k + "`") || readme.contains("`" + k + ":")
                    || Pattern.compile("(?m)^\\s*(- )?" + Pattern.quote(k) + ":").matcher(readme).find());
            if (!found) {
                missing.add(key + " (" + acceptedKeys().get(key) + ")");
            }
        }
        assertThat(missing).as("keys the loader accepts that README.md does not document").isEmpty();
    }

    /**
     * The other way round: every key the README's configuration tables document (the first column of a table headed
     * {@code | key}) is one the loader accepts, so a key renamed or removed in the code cannot stay documented.
     */
    @Test
    void everyKeyOfTheReadmesTablesIsAccepted() throws Exception {
        Set<String> accepted = acceptedKeys().keySet();
        List<String> documented = readmeTableKeys();
        assertThat(documented).as("the README's table keys").contains("engine", "bucket", "retention.keep_last", "url_env");
        List<String> unknown = new ArrayList<>();
        for (String key : documented) {
            String k = key.replaceFirst("^(retention|retry)\\.", "");
            String base = k.replaceAll("_(env|file|command)$", "");
            if (!accepted.contains(k) && !(accepted.contains(base + "*") && !base.equals(k))) {
                unknown.add(key);
            }
        }
        assertThat(unknown).as("keys README.md's tables document that the loader refuses").isEmpty();
    }

    /** The backticked keys in the first column of each {@code | key …} table of README.md. */
    private static List<String> readmeTableKeys() throws IOException {
        List<String> out = new ArrayList<>();
        boolean table = false;
        for (String line : Files.readAllLines(base().resolve("README.md"))) {
            if (line.startsWith("| key")) {
                table = true;
            } else if (table && line.startsWith("|")) {
                Matcher m = Pattern.compile("`([a-z][a-z0-9_.]*)`").matcher(line.split("\\|")[1]);
                while (m.find()) {
                    out.add(m.group(1));
                }
            } else {
                table = false;
            }
        }
        return out;
    }

    /** The derivation is no empty set that passes by itself: it finds keys of every kind of section. */
    @Test
    void theAcceptedKeysAreDerivedFromEveryKindOfSection() throws Exception {
        assertThat(acceptedKeys().keySet()).contains("engine", "strategy", "checkpoint", "role_passwords", "include_grants",
                "bucket", "host_key_policy", "access_tier", "fsync", "smtp_host", "url*", "job", "copy_of", "drill_checks",
                "max_attempts", "keep_yearly", "timezone", "notifier", "on", "scrypt_work_factor", "recipients",
                "passphrase*", "password*", "upload_rate_limit");
    }

    /** Every key the config code reads by a literal name is one the probe found (a shape the example lacks, else). */
    @Test
    void everyKeyTheConfigCodeReadsIsAmongThem() throws Exception {
        Set<String> accepted = acceptedKeys().keySet();
        List<String> unseen = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : keysInCode().entrySet()) {
            String key = e.getKey();
            String base = key.replaceAll("_(env|file|command)$", "");
            if (!accepted.contains(key) && !accepted.contains(key + "*") && !accepted.contains(base + "*")) {
                unseen.add(key + " (read in " + e.getValue() + ")");
            }
        }
        assertThat(unseen).as("keys read by the config code that no section of config.example.yaml is asked for: show that "
                + "shape in the example").isEmpty();
    }

    /** A secret {@code password*} is written as password_env, password_file or password_command. */
    private static List<String> forms(String key) {
        if (key.endsWith("*")) {
            String base = key.substring(0, key.length() - 1);
            return List.of(base + "_env", base + "_file", base + "_command");
        }
        return List.of(key);
    }

    private Map<String, Set<String>> accepted;

    /** Key → the sections that accept it; a secret as {@code base*}. */
    private Map<String, Set<String>> acceptedKeys() throws IOException {
        if (accepted != null) {
            return accepted;
        }
        Object tree = new Load(LoadSettings.builder().build()).loadFromString(exampleWithSecrets());
        @SuppressWarnings("unchecked")
        Map<String, Object> top = (Map<String, Object>) tree;
        for (Object group : top.values()) {
            if (group instanceof Map<?, ?> named) {
                named.values().forEach(ConfigKeysDocumentedTest::probe);
            }
        }
        Files.writeString(dir.resolve("probe.yaml"), new Dump(DumpSettings.builder().build()).dumpToString(tree));
        Cli.Result r = cli().run("-c", "probe.yaml", "config", "validate");
        Map<String, Set<String>> out = new TreeMap<>();
        Matcher m = KNOWN.matcher(r.err());
        int sections = 0;
        while (m.find()) {
            sections++;
            String where = m.group(1).replaceAll("\\[\\d+]", "[]");
            Set<String> keys = Stream.of(m.group(2).split(", ")).collect(Collectors.toCollection(TreeSet::new));
            for (String k : keys) {
                String base = k.replaceAll("_(env|file|command)$", "");
                boolean secret = !base.equals(k) && keys.containsAll(List.of(base + "_env", base + "_file", base + "_command"));
                out.computeIfAbsent(secret ? base + "*" : k, x -> new TreeSet<>()).add(where);
            }
        }
        assertThat(sections).as("sections probed; the validate output:\n" + r).isGreaterThan(30);
        accepted = out;
        return accepted;
    }

    /** Puts the probe key into this section and every mapping below it. */
    @SuppressWarnings("unchecked")
    private static void probe(Object node) {
        if (node instanceof Map<?, ?> m) {
            m.values().forEach(ConfigKeysDocumentedTest::probe);
            ((Map<String, Object>) m).put(PROBE, "x");
        } else if (node instanceof List<?> l) {
            l.forEach(ConfigKeysDocumentedTest::probe);
        }
    }

    private static Map<String, Set<String>> keysInCode() throws IOException {
        Map<String, Set<String>> out = new TreeMap<>();
        Path main = base().resolve("src/main/java/io/dbbackup");
        try (Stream<Path> files = Files.walk(main)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String text = Files.readString(f);
                boolean config = f.startsWith(main.resolve("config")) || text.contains("ConfigSection");
                if (!config || f.getFileName().toString().equals("ConfigSection.java")) {
                    continue;
                }
                Matcher m = READ.matcher(text);
                while (m.find()) {
                    out.computeIfAbsent(m.group(2), x -> new TreeSet<>()).add(f.getFileName().toString());
                }
            }
        }
        return out;
    }

    private static Path base() {
        return Path.of(System.getProperty("project.basedir", "."));
    }

    private static String example() throws IOException {
        return Files.readString(base().resolve("config.example.yaml"));
    }

    /** The example, its secret files under the temp dir, as ConfigExampleTest loads it. */
    private String exampleWithSecrets() throws IOException {
        return ExampleConfig.withSecretFiles(dir);
    }

    private Cli cli() throws IOException {
        Cli cli = new Cli().workingDir(dir);
        Matcher envs = Pattern.compile("_env: (\\w+)").matcher(example());
        while (envs.find()) {
            String name = envs.group(1);
            cli.env(name, name.endsWith("URL") ? "https://hooks.example.com/services/T000/B000/token" : "secret-value-" + name.toLowerCase());
        }
        return cli;
    }
}
