package io.dbbackup.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Every shell script of the repository (the launcher, bin/test, CI, the benchmarks, the container smoke test: each file
 * named *.sh or starting with a shell's #!) passes shellcheck with no finding at all, notes included; a check that does
 * not fit a line is disabled on that line with its reason. shellcheck is one of the tools bin/test installs: without it
 * this test fails, saying how to install it, rather than skip.
 */
class ShellScriptsLintTest {
    /** Folders that hold no script of this repository: build output, installed npm packages, git's own. */
    private static final Set<String> NOT_OURS = Set.of(".git", "node_modules", "backups");

    @Test
    void everyShellScriptPassesShellcheck() throws Exception {
        List<String> scripts = scripts(Path.of(""));
        assertThat(scripts).contains("bin/dbbackup", "bin/test", "bin/build-commit", ".ci/run", "tests/container/smoke.sh");

        List<String> command = new ArrayList<>(List.of("shellcheck", "--format=gcc"));
        command.addAll(scripts);
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("shellcheck is not installed: sudo apt-get install -y shellcheck (bin/test installs it when run as root)", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("shellcheck did not finish in 120 s");
        }
        assertThat(out).as("shellcheck " + String.join(" ", scripts) + " (exit " + p.exitValue() + ")").isEmpty();
        assertThat(p.exitValue()).isZero();
    }

    private static List<String> scripts(Path root) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root.toAbsolutePath())) {
            Path top = root.toAbsolutePath();
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path rel = top.relativize(f);
                if (ours(rel) && isShellScript(f)) {
                    found.add(rel.toString());
                }
            }
        }
        found.sort(null);
        return found;
    }

    private static boolean ours(Path rel) {
        for (Path part : rel) {
            String name = part.toString();
            if (NOT_OURS.contains(name) || name.startsWith("target")) {
                return false;
            }
        }
        return true;
    }

    private static boolean isShellScript(Path f) throws IOException {
        if (f.getFileName().toString().endsWith(".sh")) {
            return true;
        }
        byte[] head = new byte[64];
        int n;
        try (var in = Files.newInputStream(f)) {
            n = in.readNBytes(head, 0, head.length);
        }
        String first = new String(head, 0, n, StandardCharsets.ISO_8859_1).lines().findFirst().orElse("");
        return first.matches("#!\\s*(/usr)?/bin/(env\\s+)?(ba|da|k)?sh(\\s.*)?");
    }
}
