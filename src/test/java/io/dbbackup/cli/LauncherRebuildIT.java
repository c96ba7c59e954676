package io.dbbackup.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bin/dbbackup in a source checkout (a pom.xml beside bin/): it (re)builds target/dbbackup.jar with Maven when the jar is
 * missing, older than src/main or pom.xml, or names another commit than the checkout (target/dbbackup.commit, which the
 * build writes), saying why in its one "building" line; runs the jar as it is otherwise, and runs nothing when the build
 * fails — never the jar that is older than the sources. The launcher and Maven are the real ones; the checkout is a copy
 * of the launcher (bin/dbbackup, bin/build-commit) and of the stamp this build writes (src/main/stamp, and pom.xml's
 * resources plugin that writes it) beside a one-class project built by the same Maven plugins as this one's, in a temp
 * folder: a rebuild there takes seconds, not this project's minutes, and never touches the tree under test.
 */
class LauncherRebuildIT {
    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    @Test
    void aJarOlderThanTheSourcesIsRebuiltBeforeItRunsAnUpToDateOneIsNotAndAFailedBuildRunsNothing() throws Exception {
        Path checkout = checkout();
        Files.writeString(checkout.resolve("pom.xml"), pom());
        Path source = checkout.resolve("src/main/java/toy/Main.java");
        Files.createDirectories(source.getParent());
        Path jar = checkout.resolve("target/dbbackup.jar");

        // no jar yet: built, then run
        Files.writeString(source, main("one"));
        Run first = launcher(checkout);
        assertThat(first.exit()).as(first.toString()).isZero();
        assertThat(first.err()).contains("dbbackup: building " + jar + " (mvn package): there is no jar yet ...");
        assertThat(first.out()).isEqualTo("toy build one --version\n");
        assertThat(jar).exists();

        // up to date (the sources are older than the jar and say what it was built from): run as it is, Maven not even started
        FileTime before = FileTime.from(Files.getLastModifiedTime(jar).toInstant().minusSeconds(3600));
        backdate(checkout.resolve("src"), before);
        Files.setLastModifiedTime(checkout.resolve("pom.xml"), before);
        FileTime built = Files.getLastModifiedTime(jar);
        Run fast = launcher(checkout);
        assertThat(fast.exit()).as(fast.toString()).isZero();
        assertThat(fast.err()).doesNotContain("building");
        assertThat(fast.out()).isEqualTo("toy build one --version\n");
        assertThat(Files.getLastModifiedTime(jar)).isEqualTo(built);

        // an edit that keeps a time older than the jar (cp -p, tar x, touch -d; no git here to say the tree is dirty): the
        // sources' contents differ from those the jar was built from, so it is rebuilt, and the edit runs (not the class
        // the compiler would keep because its source looks older than it)
        Files.writeString(source, main("two"));
        Files.setLastModifiedTime(source, before);
        Run hidden = launcher(checkout);
        assertThat(hidden.exit()).as(hidden.toString()).isZero();
        assertThat(hidden.err()).contains("dbbackup: building " + jar + " (mvn package): the contents of src/main or pom.xml "
                + "differ from those the jar was built from (no file is newer than it) ...");
        assertThat(hidden.out()).as("the edit older than the jar").isEqualTo("toy build two --version\n");
        built = Files.getLastModifiedTime(jar);
        assertThat(launcher(checkout).err()).as("rebuilt once").doesNotContain("building");

        // a source touched after the jar was built: rebuilt first, and the new build runs
        Files.writeString(source, main("three"));
        Files.setLastModifiedTime(source, FileTime.from(Instant.now().plusSeconds(2)));
        Run rebuilt = launcher(checkout);
        assertThat(rebuilt.exit()).as(rebuilt.toString()).isZero();
        assertThat(rebuilt.err()).contains("dbbackup: building " + jar + " (mvn package): src/main/java/toy/Main.java is newer than the jar ...");
        assertThat(rebuilt.out()).isEqualTo("toy build three --version\n");
        assertThat(Files.getLastModifiedTime(jar)).isGreaterThan(built);

        // a build that fails: one line saying so and what to do, exit 2, and the (now stale) jar is not run
        Files.writeString(source, main("four").replace("}\n}", "\n}"));
        Run failed = launcher(checkout);
        assertThat(failed.exit()).as(failed.toString()).isEqualTo(2);
        assertThat(failed.out()).as("the stale jar ran").isEmpty();
        assertThat(failed.err()).contains("Main.java") // Maven's own error, above
                .endsWith("dbbackup: error: building " + jar + " failed (mvn package in " + checkout + ": its errors are above); "
                        + "fix the build, or set DBBACKUP_JAR to a built dbbackup.jar; nothing was run\n");
    }

    /**
     * The commit a jar was built from is part of being up to date: a jar newer than every source can still name another
     * commit — built dirty and then committed, or a {@code git reset --hard} to a commit whose sources are the same — and
     * is rebuilt, so that --version (and every manifest's tool_commit) says the checkout's commit; a jar that names it
     * runs as it is. The toy project filters {@code build.commit} into a resource as this one does.
     */
    @Test
    void aJarThatNamesAnotherCommitThanTheCheckoutIsRebuiltEvenWhenNewerThanTheSources() throws Exception {
        Path checkout = stampedCheckout();
        Path source = checkout.resolve("src/main/java/toy/Main.java");
        Files.writeString(source, stamped("one"));
        git(checkout, "init", "-q");
        String one = commit(checkout, "one");
        Path jar = checkout.resolve("target/dbbackup.jar");

        Run first = launcher(checkout);
        assertThat(first.exit()).as(first.toString()).isZero();
        assertThat(first.out()).isEqualTo("toy build one, commit " + one + "\n");

        // an edit, run (a dirty build), then committed: the jar is newer than the sources, and names the dirty tree
        Files.writeString(source, stamped("two"));
        Run dirty = launcher(checkout);
        assertThat(dirty.out()).as(dirty.toString()).isEqualTo("toy build two, commit " + one + "-dirty\n");
        String two = commit(checkout, "two");
        Run committed = launcher(checkout);
        assertThat(committed.exit()).as(committed.toString()).isZero();
        assertThat(committed.err()).contains("dbbackup: building " + jar + " (mvn package): the jar was built from " + one
                + "-dirty, the checkout is " + two + " ...");
        assertThat(committed.out()).as("the version line after a commit").isEqualTo("toy build two, commit " + two + "\n");

        // the checkout's commit again: run as it is, Maven not even started
        FileTime built = Files.getLastModifiedTime(jar);
        Run fast = launcher(checkout);
        assertThat(fast.err()).as(fast.toString()).doesNotContain("building");
        assertThat(fast.out()).isEqualTo("toy build two, commit " + two + "\n");
        assertThat(Files.getLastModifiedTime(jar)).isEqualTo(built);

        // an edit not committed whose file is older than the jar (copied with its time, say): the checkout is dirty, and the
        // edit runs (the compiler plugin, which goes by mtimes too, would keep the class it has)
        FileTime older = FileTime.from(built.toInstant().minusSeconds(60));
        Files.writeString(source, stamped("edited"));
        Files.setLastModifiedTime(source, older);
        Run edited = launcher(checkout);
        assertThat(edited.err()).as(edited.toString()).contains("dbbackup: building " + jar + " (mvn package): src/main or pom.xml has "
                + "changes not committed since " + two + ", the jar's commit ...");
        assertThat(edited.out()).isEqualTo("toy build edited, commit " + two + "-dirty\n");
        // a second such edit, the checkout still as dirty as the jar's commit says: its contents tell
        Files.writeString(source, stamped("edited again"));
        Files.setLastModifiedTime(source, older);
        Run again = launcher(checkout);
        assertThat(again.err()).as(again.toString()).contains("dbbackup: building " + jar + " (mvn package): the contents of src/main "
                + "or pom.xml differ from those the jar was built from (no file is newer than it) ...");
        assertThat(again.out()).isEqualTo("toy build edited again, commit " + two + "-dirty\n");
        assertThat(launcher(checkout).err()).as("rebuilt once").doesNotContain("building");
        git(checkout, "checkout", "-q", "--", ".");
        assertThat(launcher(checkout).out()).isEqualTo("toy build two, commit " + two + "\n");

        // a commit that changes no source, built, then reset away: the sources are untouched (older than the jar)
        Files.writeString(checkout.resolve("README.md"), "docs\n");
        String three = commit(checkout, "three");
        assertThat(launcher(checkout).out()).isEqualTo("toy build two, commit " + three + "\n");
        git(checkout, "reset", "-q", "--hard", two);
        Run reset = launcher(checkout);
        assertThat(reset.err()).as(reset.toString()).contains("dbbackup: building " + jar + " (mvn package): the jar was built from "
                + three + ", the checkout is " + two + " ...");
        assertThat(reset.out()).as("the version line after git reset --hard").isEqualTo("toy build two, commit " + two + "\n");
    }

    /**
     * The README's test command builds the jar too: bin/test (the real one, run in the toy checkout, whose verify runs no
     * test) gives the build the checkout's commit, and the build writes it beside the jar, so the launcher's next run
     * runs that jar as it is and says the commit. A plain {@code mvn package} records none, and the launcher rebuilds
     * once, saying why.
     */
    @Test
    void aJarBuiltByBinTestRunsAsItIsAndAPlainMvnPackageIsRebuiltOnce() throws Exception {
        Path checkout = stampedCheckout();
        Files.copy(Path.of("bin/test").toAbsolutePath(), checkout.resolve("bin/test"));
        // bin/test installs Azurite for the Azure tests when it is missing; the toy has none
        Path azurite = checkout.resolve("tests/azurite/node_modules/azurite/dist/src/blob/main.js");
        Files.createDirectories(azurite.getParent());
        Files.writeString(azurite, "");
        Files.writeString(checkout.resolve(".gitignore"), "target/\ntests/\n");
        Files.writeString(checkout.resolve("src/main/java/toy/Main.java"), stamped("one"));
        git(checkout, "init", "-q");
        String one = commit(checkout, "one");
        Path jar = checkout.resolve("target/dbbackup.jar");

        Run test = run(checkout, "bash", checkout.resolve("bin/test").toString(), "-q");
        assertThat(test.exit()).as(test.toString()).isZero();
        FileTime built = Files.getLastModifiedTime(jar);
        Run version = launcher(checkout);
        assertThat(version.exit()).as(version.toString()).isZero();
        assertThat(version.err()).as("the launcher after bin/test").doesNotContain("building");
        assertThat(version.out()).isEqualTo("toy build one, commit " + one + "\n");
        assertThat(Files.getLastModifiedTime(jar)).isEqualTo(built);

        // a plain mvn package, typed by hand: the build reads the commit itself (bin/build-commit), so the launcher runs
        // its jar as it is
        Files.writeString(checkout.resolve("src/main/java/toy/Main.java"), stamped("two"));
        String two = commit(checkout, "two");
        Run plain = run(checkout, "mvn", "-B", "-q", "-ntp", "package");
        assertThat(plain.exit()).as(plain.toString()).isZero();
        assertThat(Files.readAllLines(checkout.resolve("target/dbbackup.commit")).get(0)).as("the stamp of a plain mvn package").isEqualTo(two);
        built = Files.getLastModifiedTime(jar);
        Run after = launcher(checkout);
        assertThat(after.err()).as(after.toString()).doesNotContain("building");
        assertThat(after.out()).isEqualTo("toy build two, commit " + two + "\n");
        assertThat(Files.getLastModifiedTime(jar)).isEqualTo(built);
    }

    /**
     * A source tarball (no .git, no git at all on the PATH would do the same): a plain mvn package builds, says the commit
     * is unknown, and the launcher runs that jar as it is until a source's contents change.
     */
    @Test
    void aTarballWithoutGitBuildsWithAnUnknownCommit() throws Exception {
        Path checkout = stampedCheckout();
        Files.writeString(checkout.resolve("src/main/java/toy/Main.java"), stamped("one"));
        Path jar = checkout.resolve("target/dbbackup.jar");
        Run plain = run(checkout, "mvn", "-B", "-q", "-ntp", "package");
        assertThat(plain.exit()).as(plain.toString()).isZero();
        assertThat(Files.readAllLines(checkout.resolve("target/dbbackup.commit")).get(0)).isEqualTo("unknown");
        Run fast = launcher(checkout);
        assertThat(fast.err()).as(fast.toString()).doesNotContain("building");
        assertThat(fast.out()).isEqualTo("toy build one, commit unknown\n");
        FileTime built = Files.getLastModifiedTime(jar);
        Files.writeString(checkout.resolve("src/main/resources/toy.properties"), "commit=${build.commit} (edited)\n");
        Files.setLastModifiedTime(checkout.resolve("src/main/resources/toy.properties"), FileTime.from(built.toInstant().minusSeconds(60)));
        Run edited = launcher(checkout);
        assertThat(edited.err()).as(edited.toString()).contains("(no file is newer than it) ...");
        assertThat(edited.out()).as("a resource edited with an older time").isEqualTo("toy build one, commit unknown (edited)\n");
    }

    /** The launcher (bin/dbbackup, bin/build-commit) and the stamp the build writes beside the jar, in a temp folder. */
    private Path checkout() throws Exception {
        Path repo = Path.of("").toAbsolutePath();
        Path checkout = dir.resolve("checkout");
        Files.createDirectories(checkout.resolve("bin"));
        Files.createDirectories(checkout.resolve("src/main/stamp"));
        Files.createDirectories(checkout.resolve("src/main/java/toy"));
        for (String f : new String[] {"bin/dbbackup", "bin/build-commit", "src/main/stamp/dbbackup.commit"}) {
            Files.copy(repo.resolve(f), checkout.resolve(f));
        }
        return checkout;
    }

    /** {@link #checkout()} whose build filters {@code build.commit} into a resource as this project's does. */
    private Path stampedCheckout() throws Exception {
        Path checkout = checkout();
        Files.writeString(checkout.resolve("pom.xml"), pom().replace("<plugins>", """
                <resources><resource><directory>src/main/resources</directory><filtering>true</filtering></resource></resources>
                    <plugins>"""));
        Files.createDirectories(checkout.resolve("src/main/resources"));
        Files.writeString(checkout.resolve("src/main/resources/toy.properties"), "commit=${build.commit}\n");
        Files.writeString(checkout.resolve(".gitignore"), "target/\n");
        return checkout;
    }

    private String commit(Path checkout, String message) throws Exception {
        git(checkout, "add", "-A");
        git(checkout, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", message);
        return git(checkout, "rev-parse", "--short=12", "HEAD");
    }

    private static String git(Path in, String... args) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("git"));
        command.addAll(java.util.List.of(args));
        Process p = new ProcessBuilder(command).directory(in.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
        return out.strip();
    }

    /** A Main that prints which build it is and the commit Maven filtered into its resource. */
    private static String stamped(String build) {
        return "package toy;\n\npublic class Main {\n    public static void main(String[] args) throws Exception {\n"
                + "        java.util.Properties p = new java.util.Properties();\n"
                + "        p.load(Main.class.getResourceAsStream(\"/toy.properties\"));\n"
                + "        System.out.println(\"toy build " + build + ", commit \" + p.getProperty(\"commit\"));\n    }\n}\n";
    }

    private Run launcher(Path checkout) throws Exception {
        return run(dir, "bash", checkout.resolve("bin/dbbackup").toString(), "--version");
    }

    private Run run(Path in, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(in.toFile()).redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
        pb.environment().keySet().removeIf(k -> k.equals("DBBACKUP_JAR") || k.equals("JAVA_OPTS") || k.startsWith("MAVEN_"));
        pb.environment().put("DBBACKUP_CDS", "off");
        pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
        Process p = pb.start();
        assertThat(p.waitFor(150, TimeUnit.SECONDS)).as("finished").isTrue();
        return new Run(p.exitValue(), Files.readString(dir.resolve("out.txt")), Files.readString(dir.resolve("err.txt")));
    }

    private static void backdate(Path tree, FileTime time) throws Exception {
        try (var files = Files.walk(tree)) {
            for (Path p : files.toList()) {
                Files.setLastModifiedTime(p, time);
            }
        }
    }

    private static String main(String build) {
        return "package toy;\n\npublic class Main {\n    public static void main(String[] args) {\n"
                + "        System.out.println(\"toy build " + build + " \" + String.join(\" \", args));\n    }\n}\n";
    }

    /**
     * A one-class project, built by the Maven plugins (and versions) this project's build already uses, so that it builds
     * from the local repository: the jar plugin's is left to Maven, as in pom.xml.
     */
    private static String pom() throws Exception {
        String real = Files.readString(Path.of("pom.xml"));
        StringBuilder plugins = new StringBuilder();
        for (String plugin : new String[] {"maven-antrun-plugin", "maven-resources-plugin"}) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                    "<plugin>\\s*<groupId>org.apache.maven.plugins</groupId>\\s*<artifactId>" + plugin + "</artifactId>.*?</plugin>",
                    java.util.regex.Pattern.DOTALL).matcher(real);
            assertThat(m.find()).as("pom.xml's " + plugin).isTrue();
            plugins.append(m.group()).append('\n');
        }
        return POM.replace("<!-- resources -->", plugins);
    }

    private static final String POM = """
            <?xml version="1.0" encoding="UTF-8"?>
            <project xmlns="http://maven.apache.org/POM/4.0.0">
              <modelVersion>4.0.0</modelVersion>
              <groupId>toy</groupId>
              <artifactId>toy</artifactId>
              <version>1</version>
              <properties>
                <maven.compiler.release>17</maven.compiler.release>
                <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
              </properties>
              <build>
                <finalName>dbbackup</finalName>
                <plugins>
                  <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>3.16.0</version></plugin>
                  <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-surefire-plugin</artifactId><version>3.6.1</version></plugin>
                  <plugin>
                    <groupId>org.apache.maven.plugins</groupId><artifactId>maven-jar-plugin</artifactId>
                    <configuration><archive><manifest><mainClass>toy.Main</mainClass></manifest></archive></configuration>
                  </plugin>
                  <!-- resources -->
                </plugins>
              </build>
            </project>
            """;
}
