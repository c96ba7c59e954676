package io.dbbackup.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every script of this checkout that builds the jar ({@code mvn … package} or {@code verify}) passes the commit
 * ({@code -Dbuild.commit=…}, bin/build-commit's): a plain {@code mvn package} writes an empty
 * {@code target/dbbackup.commit}, and {@code bin/dbbackup} then rebuilds the jar once before it runs it (a bench would
 * time that build, or run a jar whose {@code --version} says its commit is not recorded).
 */
class ScriptsRecordTheCommitTest {
    /** A line that runs Maven's package phase (not one that names it in a message). */
    private static final Pattern BUILD = Pattern.compile("\\bmvn\\b.*\\b(package|verify|install)\\b");
    /** Maven run as a command: at a line's start, after {@code exec}, or after {@code &&}, {@code ||}, {@code ;}, {@code (}. */
    private static final Pattern MVN = Pattern.compile("(^|exec\\s+|&&\\s*|\\|\\|\\s*|;\\s*|\\(\\s*)mvn\\s");
    private static final List<String> FOLDERS = List.of("bin", "bench", ".ci", "tests/container");

    @Test
    void everyScriptThatBuildsTheJarPassesTheCommit() throws IOException {
        List<String> builds = new ArrayList<>();
        List<String> without = new ArrayList<>();
        for (String folder : FOLDERS) {
            try (Stream<Path> files = Files.walk(Path.of(folder))) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    List<String> lines = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).lines().toList();
                    for (int i = 0; i < lines.size(); i++) {
                        String l = lines.get(i).strip();
                        if (l.startsWith("#") || l.startsWith("echo") || !BUILD.matcher(l).find()
                                || l.contains("-Dtest=none") /* runs named ITs: builds no jar a launcher runs */) {
                            continue;
                        }
                        String where = f + ":" + (i + 1) + ": " + l;
                        long runs = MVN.matcher(l).results().count();
                        if (runs == 0) {
                            continue; // mvn named in a string
                        }
                        if (l.split("-Dbuild\\.commit=", -1).length - 1 < runs) { // each mvn of the line
                            without.add(where);
                        }
                        builds.add(where);
                    }
                }
            }
        }
        assertThat(builds).as("the scripts' builds").anySatisfy(b -> assertThat(b).startsWith("bin/dbbackup:"))
                .anySatisfy(b -> assertThat(b).startsWith("bin/test:")).anySatisfy(b -> assertThat(b).startsWith("bench/"));
        assertThat(without).as("builds of the jar that do not record the commit").isEmpty();
    }
}
