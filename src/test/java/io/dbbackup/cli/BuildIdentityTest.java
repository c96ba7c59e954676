package io.dbbackup.cli;

import io.dbbackup.core.BuildInfo;
import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The build identity (docs/DECISIONS.md "Build identity"): {@code --version} names the commit and build time, not only
 * the pom's version (which every build between two releases shares), and bin/build-commit says which commit a checkout
 * is — "unknown" for a tree that is no git checkout (a source tarball); a plain {@code mvn package} is not told at all.
 */
class BuildIdentityTest {
    @TempDir
    Path dir;

    @Test
    void versionNamesTheCommitAndTheBuildTime() {
        Cli.Result v = new Cli().run("--version");
        assertThat(v.exit()).isZero();
        // bin/dbbackup and bin/test say the commit (or "unknown": no git checkout); a plain `mvn test` does not
        assertThat(v.out()).matches("dbbackup \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\((commit ([0-9a-f]{12}(-dirty)?|unknown), "
                + "|commit not recorded: the build was given an empty build\\.commit \\(mvn -Dbuild\\.commit=\\), a plain mvn package records it; )"
                + "built \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\)\n");
        BuildInfo b = BuildInfo.current();
        assertThat(v.out()).isEqualTo("dbbackup " + b.describe() + "\n");
        assertThat(b.describe()).startsWith(b.version() + (b.commitRecorded() ? " (commit " + b.commit() + ", built " : " (commit not"));
    }

    /**
     * The build reads the commit itself (pom.xml's maven-antrun-plugin runs bin/build-commit; docs/DECISIONS.md "A plain mvn
     * package records the commit"), so the pom declares no build.commit default that would shadow it; a build given an
     * empty one ({@code -Dbuild.commit=}) says the commit is not recorded instead of a bare "unknown" that reads like a
     * tarball's; its manifests still write {@code tool_commit: unknown}.
     */
    @Test
    void aBuildGivenAnEmptyCommitSaysItIsNotRecordedAndWhatRecordsIt() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));
        assertThat(pom).as("pom.xml declares no build.commit: its first step sets it").doesNotContainPattern("<build\\.commit(>|/>)")
                .contains("<arg value=\"bin/build-commit 2&gt; /dev/null || echo unknown\"/>");
        java.util.Properties filtered = new java.util.Properties();
        filtered.load(new java.io.StringReader(Files.readString(Path.of("src/main/resources-filtered/io/dbbackup/version.properties"))
                .replace("${project.version}", "0.1.0").replace("${build.commit}", "").replace("${build.time}", "2026-12-06T02:30:00Z")));

        BuildInfo plain = BuildInfo.from(filtered);
        assertThat(plain.describe()).isEqualTo("0.1.0 (commit not recorded: the build was given an empty build.commit "
                + "(mvn -Dbuild.commit=), a plain mvn package records it; built 2026-12-06T02:30:00Z)");
        assertThat(plain.commit()).as("a manifest's tool_commit").isEqualTo("unknown");

        filtered.setProperty("commit", "unknown"); // bin/build-commit outside a git checkout: told, there is none
        assertThat(BuildInfo.from(filtered).describe()).isEqualTo("0.1.0 (commit unknown, built 2026-12-06T02:30:00Z)");
        filtered.setProperty("commit", "0123456789ab-dirty");
        assertThat(BuildInfo.from(filtered).describe()).isEqualTo("0.1.0 (commit 0123456789ab-dirty, built 2026-12-06T02:30:00Z)");
    }

    /**
     * The Dockerfile's build (-Dbuild.builder=image): no BUILD_COMMIT is the Dockerfile's default "unknown"; an empty one
     * (--build-arg BUILD_COMMIT=, a CI variable that was not set) says the image build was not given it and how it is,
     * not the plain mvn package's wording (nobody ran mvn by hand there); a commit given is named as anywhere else.
     */
    @Test
    void anImageBuildWithAnEmptyBuildCommitSaysTheImageBuildWasNotGivenIt() throws Exception {
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        assertThat(dockerfile).contains("ARG BUILD_COMMIT=unknown").contains("-Dbuild.commit=\"$BUILD_COMMIT\" -Dbuild.builder=image ");
        String template = Files.readString(Path.of("src/main/resources-filtered/io/dbbackup/version.properties"));
        assertThat(image(template, "").describe()).isEqualTo("0.1.0 (commit not recorded: the image build was not given it "
                + "(BUILD_COMMIT was empty), docker build --build-arg BUILD_COMMIT=\"$(bin/build-commit)\" gives it; "
                + "built 2026-12-06T02:30:00Z)");
        assertThat(image(template, "").commit()).as("a manifest's tool_commit").isEqualTo("unknown");
        assertThat(image(template, "unknown").describe()).isEqualTo("0.1.0 (commit unknown, built 2026-12-06T02:30:00Z)");
        assertThat(image(template, "0123456789ab").describe()).isEqualTo("0.1.0 (commit 0123456789ab, built 2026-12-06T02:30:00Z)");
    }

    /** version.properties as the Dockerfile's mvn run filters it, told {@code commit}. */
    private static BuildInfo image(String template, String commit) throws Exception {
        java.util.Properties p = new java.util.Properties();
        p.load(new java.io.StringReader(template.replace("${project.version}", "0.1.0").replace("${build.commit}", commit)
                .replace("${build.builder}", "image").replace("${build.time}", "2026-12-06T02:30:00Z")));
        return BuildInfo.from(p);
    }

    @Test
    void everyManifestSaysWhichBuildWroteIt() throws Exception {
        io.dbbackup.testkit.SqliteFixture.create(dir.resolve("app.db"), 3);
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                  plain: {datasource: app, store: local}
                """);
        Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "plain");
        assertThat(r.exit()).as(r.toString()).isZero();
        Path manifest;
        try (java.util.stream.Stream<Path> s = Files.list(dir.resolve("store/app"))) {
            manifest = s.filter(p -> p.toString().endsWith(".manifest.json")).findFirst().orElseThrow();
        }
        java.util.Map<?, ?> m = (java.util.Map<?, ?>) io.dbbackup.core.Json.parse(Files.readString(manifest));
        BuildInfo b = BuildInfo.current();
        assertThat(m.get("tool_version")).isEqualTo(b.version());
        assertThat(m.get("tool_commit")).isEqualTo(b.commit());
        assertThat(m.get("tool_built")).isEqualTo(b.built()).asString().matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    }

    @Test
    void buildCommitSaysTheCheckoutsCommitDirtyOrUnknown() throws Exception {
        Path repo = Path.of("").toAbsolutePath();
        Path tree = dir.resolve("src-tree");
        Files.createDirectories(tree.resolve("bin"));
        Files.createDirectories(tree.resolve("src/main/java"));
        Files.copy(repo.resolve("bin/build-commit"), tree.resolve("bin/build-commit"));
        Files.writeString(tree.resolve("pom.xml"), "<project/>\n");
        Files.writeString(tree.resolve("src/main/java/A.java"), "class A {}\n");

        assertThat(run(tree, "bin/build-commit")).isEqualTo("unknown"); // a tarball: no .git

        run(tree, "git", "init", "-q");
        run(tree, "git", "add", "-A");
        run(tree, "git", "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "one");
        String head = run(tree, "git", "rev-parse", "--short=12", "HEAD");
        assertThat(head).matches("[0-9a-f]{12}");
        assertThat(run(tree, "bin/build-commit")).isEqualTo(head);

        Files.writeString(tree.resolve("README.md"), "docs only\n"); // not what the jar is built from
        assertThat(run(tree, "bin/build-commit")).isEqualTo(head);
        Files.writeString(tree.resolve("src/main/java/B.java"), "class B {}\n"); // a new source file, not committed
        assertThat(run(tree, "bin/build-commit")).isEqualTo(head + "-dirty");
    }

    private static String run(Path in, String... command) throws Exception {
        Process p = new ProcessBuilder(List.of(command)).directory(in.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
        return out.strip();
    }
}
