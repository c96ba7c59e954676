package io.dbbackup.config;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sweep of the names config.example.yaml gives its datasources, stores, notifications and jobs ({@link
 * ConfigKeySweepTest} sweeps its keys, duplicate names among them): each reference to one ({@code datasource:}, {@code
 * store:}, {@code notifier:}, {@code copy_of:}) misspelled is one error at the referring line naming the closest defined
 * name; each name defined, and every reference to it, made one a key cannot be (a space, a '/', empty) is one error at
 * the definition.
 */
class ConfigNameSweepTest {
    @TempDir
    static Path dir;
    private static ExampleSweep sweep;

    /** A reference to a name: its line (1-based), key, and the name. */
    record Reference(int line, String key, String name) {
        @Override
        public String toString() {
            return key + ": " + name + " (line " + line + ")";
        }
    }

    /** A name defined: its line (1-based), section, and the name. */
    record Definition(int line, String section, String name) {
        @Override
        public String toString() {
            return section + "." + name + " (line " + line + ")";
        }
    }

    private static final Pattern REFERENCE = Pattern.compile("^\\s*(?:- )?(datasource|store|notifier|copy_of): ([\\w.-]+)");
    private static final Pattern SECTION = Pattern.compile("^(datasources|stores|notifications|jobs):");
    private static final Pattern ENTRY = Pattern.compile("^  ([\\w.-]+):");

    @BeforeAll
    static void example() throws IOException {
        sweep = new ExampleSweep(dir);
    }

    @AfterEach
    void nothingWritten() {
        assertThat(sweep.store()).as("nothing is written into the store").doesNotExist();
    }

    private static List<String> lines() throws IOException {
        return new ArrayList<>(List.of((sweep == null ? new ExampleSweep(dir) : sweep).example.split("\n", -1)));
    }

    static List<Reference> references() throws IOException {
        List<Reference> out = new ArrayList<>();
        List<String> lines = List.of(ExampleConfig.withSecretFiles(java.nio.file.Files.createTempDirectory("names")).split("\n", -1));
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = REFERENCE.matcher(lines.get(i));
            if (m.find()) {
                out.add(new Reference(i + 1, m.group(1), m.group(2)));
            }
        }
        assertThat(out).as("the example's references").hasSizeGreaterThan(15);
        return out;
    }

    static List<Definition> definitions() throws IOException {
        List<Definition> out = new ArrayList<>();
        List<String> lines = List.of(ExampleConfig.withSecretFiles(java.nio.file.Files.createTempDirectory("names")).split("\n", -1));
        String section = null;
        for (int i = 0; i < lines.size(); i++) {
            Matcher s = SECTION.matcher(lines.get(i));
            if (s.find()) {
                section = s.group(1);
            } else if (!lines.get(i).isEmpty() && !lines.get(i).startsWith(" ") && !lines.get(i).startsWith("#")) {
                section = null; // x- blocks
            }
            Matcher m = ENTRY.matcher(lines.get(i));
            if (section != null && m.find()) {
                out.add(new Definition(i + 1, section, m.group(1)));
            }
        }
        assertThat(out).as("the example's names").hasSizeGreaterThan(20);
        return out;
    }

    /** Swaps two letters in the middle (that differ). */
    private static String misspelled(String name) {
        return ConfigKeySweepTest.misspelled(name, true);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("references")
    void aMisspelledReferenceIsOneErrorAtItNamingTheClosestName(Reference ref) throws IOException {
        List<String> lines = lines();
        String typo = misspelled(ref.name());
        lines.set(ref.line() - 1, lines.get(ref.line() - 1).replaceFirst(ref.key() + ": " + Pattern.quote(ref.name()) + "\\b",
                ref.key() + ": " + typo));
        Cli.Result r = sweep.validate(String.join("\n", lines));
        String kind = ref.key().equals("notifier") ? "notification" : ref.key().equals("copy_of") ? "job" : ref.key();
        boolean extension = ref.line() < lines.indexOf("jobs:"); // the x- block two jobs merge: said once, for both
        String path = "jobs.";
        String why = sweep.refusal(r, ref.line(), ref.line(), path, extension, ref.key());
        assertThat(why).as(ref + " misspelled as " + typo).isNull();
        assertThat(ExampleSweep.errorLine(r)).as(ref + " misspelled as " + typo)
                .contains("no " + kind + " named '" + typo + "' (defined: ").endsWith("; did you mean '" + ref.name() + "'?");
    }

    /**
     * What a name cannot be, one per name (for time): with a space, with a '/'; a job, empty (a job another job copies
     * always: its {@code copy_of: ""} names the refused name, no error of its own).
     */
    private static final List<String> BAD = List.of("%s x", "%s/x");

    @ParameterizedTest(name = "{0}")
    @MethodSource("definitions")
    void aNameThatCannotBeAKeyIsOneErrorAtItsDefinition(Definition d) throws IOException {
        List<String> lines = lines();
        int which = Math.floorMod(d.name().hashCode() + d.line(), BAD.size());
        boolean copied = lines.stream().anyMatch(l -> l.matches("\\s*copy_of: " + Pattern.quote(d.name()) + "(\\s.*)?"));
        String bad = d.section().equals("jobs") && (copied || which == 0) ? ""
                : String.format(BAD.get(which), d.name());
        String quoted = "\"" + bad + "\"";
        lines.set(d.line() - 1, lines.get(d.line() - 1).replaceFirst("^  " + Pattern.quote(d.name()) + ":", "  " + quoted + ":"));
        String key = d.section().equals("datasources") ? "datasource" : d.section().equals("stores") ? "store"
                : d.section().equals("notifications") ? "notifier" : "copy_of";
        for (int i = 0; i < lines.size(); i++) { // every reference renamed too: the name is what the user chose
            lines.set(i, lines.get(i).replaceFirst("^(\\s*(?:- )?" + key + ": )" + Pattern.quote(d.name()) + "(?=\\s|$)",
                    "$1" + Matcher.quoteReplacement(quoted)));
        }
        Cli.Result r = sweep.validate(String.join("\n", lines));
        String why = sweep.refusal(r, d.line(), d.line(), d.section() + "." + bad, false, bad);
        assertThat(why).as(d + " named '" + bad + "'").isNull();
        assertThat(ExampleSweep.errorLine(r)).as(d + " named '" + bad + "'").contains("a name starts with a letter or digit");
    }
}
