package io.dbbackup.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every environment variable the product reads — the code ({@code System.getenv("X")}, the environment map's
 * {@code env.get("X")}), the launcher ({@code $X}, {@code ${X…}} in bin/dbbackup) and the image (the Dockerfile's
 * {@code ENV}) — is a row of README.md's "Environment variables" table: an on-call engineer looking for what changes a
 * run finds it there, not in the sources.
 */
class EnvironmentVariablesDocumentedTest {
    private static final Path BASE = Path.of(System.getProperty("project.basedir", "."));

    /** Read but no setting of dbbackup's: each with why it is not in the table. */
    private static final Map<String, String> NOT_SETTINGS = Map.of(
            "PWD", "bash's own working folder: the launcher names it when that folder was deleted under it");

    private static final List<Pattern> JAVA_READS = List.of(
            Pattern.compile("getenv\\(\"([A-Za-z_][A-Za-z0-9_]*)\"\\)"),
            // the environment map passed down from Main (env.get("X"), env.getOrDefault("X", …)) and helpers given it
            Pattern.compile("\\benv\\.(?:get|getOrDefault|containsKey)\\(\"([A-Za-z_][A-Za-z0-9_]*)\""),
            Pattern.compile("\\(env, \"([A-Za-z_][A-Za-z0-9_]*)\"\\)"),
            Pattern.compile("\\bString [A-Z_]*_ENV = \"([A-Za-z_][A-Za-z0-9_]*)\""));
    /** Upper-case only: the launcher's own variables are lower-case. */
    private static final Pattern SHELL_READ = Pattern.compile("\\$\\{?([A-Z_][A-Z0-9_]*)");
    /** In an {@code ENV} instruction: a name at the start of a word, before its {@code =}. */
    private static final Pattern DOCKERFILE_ENV_NAME = Pattern.compile("(?<!\\S)([A-Z_][A-Z0-9_]*)=");

    @Test
    void everyVariableTheCodeTheLauncherOrTheImageReadsIsInTheReadmesTable() throws IOException {
        Map<String, String> read = new TreeMap<>(); // name -> where it was first seen
        try (Stream<Path> files = Files.walk(BASE.resolve("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                collect(f, JAVA_READS, read);
            }
        }
        collect(BASE.resolve("bin/dbbackup"), List.of(SHELL_READ), read);
        collectDockerfileEnv(BASE.resolve("Dockerfile"), read);
        // the collection itself works: one of each kind
        assertThat(read).containsKeys("HOSTNAME", "DBBACKUP_CONFIG", "NO_PROXY", "JOB_COMPLETIONS", "DBBACKUP_JAR", "MALLOC_ARENA_MAX");

        Set<String> documented = tableNames();
        Map<String, String> missing = new TreeMap<>(read);
        missing.keySet().removeAll(documented);
        missing.keySet().removeAll(NOT_SETTINGS.keySet());
        assertThat(missing).as("read but not in README.md's table under '## Environment variables' (name=where read)").isEmpty();
        assertThat(NOT_SETTINGS.keySet()).as("excluded but no longer read").allMatch(read::containsKey);
    }

    /** The names in backquotes in the first column of the table under "## Environment variables". */
    static Set<String> tableNames() throws IOException {
        List<String> lines = Readme.lines();
        int start = lines.indexOf("## Environment variables");
        assertThat(start).as("README.md has a section '## Environment variables'").isNotNegative();
        Set<String> names = new TreeSet<>();
        for (int i = start + 1; i < lines.size() && !lines.get(i).startsWith("## "); i++) {
            String[] cells = lines.get(i).split("\\|");
            if (lines.get(i).startsWith("| `") && cells.length > 1) {
                Matcher m = Pattern.compile("`([A-Za-z_][A-Za-z0-9_]*)`").matcher(cells[1]);
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }

    private static void collect(Path file, List<Pattern> patterns, Map<String, String> into) throws IOException {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            for (Pattern p : patterns) {
                Matcher m = p.matcher(lines.get(i));
                while (m.find()) {
                    into.putIfAbsent(m.group(1), BASE.relativize(file) + ":" + (i + 1));
                }
            }
        }
    }

    /** The names an {@code ENV} instruction sets, its continuation lines included. */
    private static void collectDockerfileEnv(Path dockerfile, Map<String, String> into) throws IOException {
        List<String> lines = Files.readAllLines(dockerfile);
        boolean inEnv = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("ENV ") || inEnv) {
                Matcher m = DOCKERFILE_ENV_NAME.matcher(line.startsWith("ENV ") ? line.substring(4) : line);
                while (m.find()) {
                    into.putIfAbsent(m.group(1), "Dockerfile:" + (i + 1));
                }
                inEnv = line.stripTrailing().endsWith("\\");
            }
        }
    }
}
