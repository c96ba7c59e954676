package io.dbbackup.config;

import io.dbbackup.testkit.ConfigText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shared settings written once: a top-level key beginning with {@code x-} (as Docker Compose's extension fields) holds
 * anchors that jobs merge ({@code <<: *defaults}); it was refused as an unknown top-level key. What it holds is never
 * read as config, but a secret written in it is refused, there and wherever it is merged in.
 */
class ConfigExtensionKeyTest {
    @TempDir
    Path dir;

    private Config load(String yaml) throws Exception {
        return ConfigFiles.load(dir, yaml);
    }

    private List<String> problems(String yaml) throws Exception {
        return ConfigFiles.problems(dir, yaml);
    }

    @Test
    void anXKeyHoldsDefaultsThatJobsMerge() throws Exception {
        String yaml = """
                x-defaults: &defaults
                  verify: deep
                  retention:
                    keep_last: 7
                x-notes:
                  anything: [1, 2]
                  owner: dba team
                """ + ConfigText.withAppJob("<<: *defaults\nretention:\n  keep_last: 3\n")
                + "  other:\n    <<: *defaults\n    datasource: app\n    store: local\n    prefix: other\n";
        Config config = load(yaml);
        assertThat(config.jobs().get("app").verify()).isEqualTo(JobConfig.Verification.DEEP);
        assertThat(config.jobs().get("app").retention().keepLast()).isEqualTo(3); // its own wins over the merged one
        assertThat(config.jobs().get("other").retention().keepLast()).isEqualTo(7);
        assertThat(config.jobs().keySet()).containsExactly("app", "other");
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void otherUnknownTopLevelKeysAreStillRefused() throws Exception {
        assertThat(problems(ConfigText.withAppJob("") + "defaults:\n  verify: deep\nX-defaults:\n  verify: deep\n")).containsExactly(
                "config.yaml:13:1: error: defaults: unknown top-level key (expected datasources, stores, notifications, jobs)",
                "config.yaml:15:1: error: X-defaults: unknown top-level key (expected datasources, stores, notifications, jobs; "
                        + "shared settings go under a key beginning with lower-case x-: x-defaults)");
    }

    @Test
    void aTopLevelAnchorHolderIsToldToBeginWithX() throws Exception {
        assertThat(problems("defaults: &defaults\n  verify: deep\n" + ConfigText.withAppJob("<<: *defaults\n"))).containsExactly(
                "config.yaml:1:1: error: defaults: unknown top-level key (expected datasources, stores, notifications, jobs; "
                        + "shared settings go under a key beginning with lower-case x-: x-defaults)");
    }

    @Test
    void aSecretInAnXBlockIsRefusedWhereItIsMergedIn() throws Exception {
        String yaml = """
                x-pg: &pg
                  engine: postgres
                  host: db
                  database: shop
                  user: backup
                  password: hunter2
                datasources:
                  shop:
                    <<: *pg
                """ + ConfigText.APP_AND_LOCAL_STORE.substring("datasources:\n".length()) + ConfigText.appJob("");
        List<String> problems = problems(yaml);
        assertThat(problems).contains("config.yaml:6:3: error: datasources.shop.password: secrets are not read from the config "
                + "file; use password_env (an environment variable), password_file (a file, e.g. a Kubernetes secret) or "
                + "password_command (a secret manager's command)");
        assertThat(String.join("\n", problems)).doesNotContain("hunter2");
    }

    @Test
    void aSecretInAnXBlockIsRefusedThereEvenWhenNothingMergesIt() throws Exception {
        String yaml = """
                x-unused:
                  password: hunter2
                  nested:
                    - encryption:
                        passphrase: correct horse
                  identity_note: AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ
                  password_env: PGPASSWORD
                """ + ConfigText.withAppJob("");
        List<String> problems = problems(yaml);
        assertThat(problems).containsExactly(
                "config.yaml:2:3: error: x-unused.password: secrets are not read from the config file; use password_env "
                        + "(an environment variable), password_file (a file, e.g. a Kubernetes secret) or password_command "
                        + "(a secret manager's command)",
                "config.yaml:5:9: error: x-unused.nested[0].encryption.passphrase: secrets are not read from the config file; "
                        + "use passphrase_env (an environment variable), passphrase_file (a file, e.g. a Kubernetes secret) or "
                        + "passphrase_command (a secret manager's command)",
                "config.yaml:6:18: error: x-unused.identity_note: holds an age secret key (not shown): secrets are not read "
                        + "from the config file; keep it in a file named by identity_file");
        assertThat(String.join("\n", problems)).doesNotContain("hunter2", "horse", "QQQQ");
    }

    /**
     * The secret keys refused in an x- block are every key the code reads as a secret ({@code .secret("password")}),
     * but those that are plain text elsewhere: a plugin's new secret key is refused there the day it is added.
     */
    @Test
    void everySecretKeyTheCodeReadsIsRefusedInAnXBlock() throws Exception {
        Set<String> read = new TreeSet<>();
        Pattern secret = Pattern.compile("\\.secret\\(\"([a-z_]+)\"\\)");
        try (Stream<Path> files = Files.walk(Path.of(System.getProperty("project.basedir", "."), "src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = secret.matcher(Files.readString(f));
                while (m.find()) {
                    read.add(m.group(1));
                }
            }
        }
        Set<String> textElsewhere = Set.of("url", "username"); // a webhook's URL is a secret, a Pushgateway's is not
        assertThat(read).contains("password", "passphrase");
        assertThat(new TreeSet<>(ExtensionFields.SECRET_KEYS)).isEqualTo(read.stream().filter(k -> !textElsewhere.contains(k))
                .collect(java.util.stream.Collectors.toCollection(TreeSet::new)));
    }

    /** The README's example of x-defaults loads as it says: both jobs get the shared keys, billing its own retention. */
    @Test
    void theReadmesExampleLoads() throws Exception {
        String readme = Files.readString(Path.of(System.getProperty("project.basedir", "."), "README.md"));
        int start = readme.indexOf("x-defaults: &defaults");
        assertThat(start).as("the README's x-defaults example").isPositive();
        String example = readme.substring(start, readme.indexOf("```", start));
        Config config = load(example + """
                datasources:
                  shop: {engine: sqlite, path: shop.db}
                  billing: {engine: sqlite, path: billing.db}
                stores:
                  s3: {type: local, path: store}
                notifications:
                  ops: {type: pushgateway, url: "http://localhost:9091"}
                """);
        assertThat(config.jobs().get("shop").retention().keepDaily()).isEqualTo(7);
        assertThat(config.jobs().get("shop").retention().keepWeekly()).isEqualTo(4);
        assertThat(config.jobs().get("billing").retention().keepDaily()).isEqualTo(30);
        assertThat(config.jobs().get("billing").retention().keepWeekly()).isZero();
        assertThat(config.jobs().get("billing").retry().maxAttempts()).isEqualTo(3);
        assertThat(config.jobs().get("billing").verify()).isEqualTo(JobConfig.Verification.READ_BACK);
        assertThat(config.jobs().get("billing").notifyRules()).hasSize(1);
    }

    /**
     * A URL with a password in it ({@code postgres://bob:S3cretPW@db/app}) written in an {@code x-} block is a literal
     * secret in the file, whatever key holds it ({@code url:}, which is refused only where merged into a secret key):
     * refused at its line, the password not shown. Before, the config loaded without a word.
     */
    @Test
    void aUrlWithAPasswordInAnXBlockIsRefusedWithoutShowingIt() throws Exception {
        List<String> problems = problems("""
                x-defaults:
                  url: postgres://bob:S3cretPW@db/app
                  hosts: ["https://ops:Hunter2@hooks.example.com/x"]
                """ + ConfigText.withAppJob(""));
        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).startsWith("config.yaml:2:").contains("x-defaults.url").contains("password");
        assertThat(problems.get(1)).startsWith("config.yaml:3:").contains("x-defaults.hosts[0]");
        assertThat(String.join("\n", problems)).doesNotContain("S3cretPW").doesNotContain("Hunter2");
        // a user without a password is not a secret
        assertThat(load("x-defaults:\n  url: postgres://bob@db/app\n" + ConfigText.withAppJob("")).jobs()).containsKey("app");
    }

    /**
     * Any config error that echoes a value (a key that is not a secret: {@code database}, an {@code endpoint}, a
     * pushgateway {@code url}...) masks the password of a URL in it. Before, {@code database: 'postgres://bob:S3cretPW@db'}
     * was printed whole in "cannot name a backup folder".
     */
    @Test
    void noConfigErrorShowsTheSecretOfAUrlItEchoes() throws Exception {
        List<String> problems = problems("""
                datasources:
                  app: {engine: postgres, host: db, database: "postgres://bob:S3cretPW@db/app"}
                  lite: {engine: sqlite, path: "sqlite://bob:S3cretPW@x"}
                stores:
                  local: {type: local, path: store, part_size: "http://bob:S3cretPW@x"}
                jobs:
                  app: {datasource: app, store: local, prefix: "http://bob:S3cretPW@x", timeout: "ftp://bob:S3cretPW@x"}
                """);
        assertThat(problems).isNotEmpty().allSatisfy(p -> assertThat(p).doesNotContain("S3cretPW"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("datasources.app.database")
                .contains("postgres://bob:(not shown)@db/app"));
        assertThat(ProblemText.clean("a 'https://u:p@ss:w@rd@h/x' b 'http://u@h' c")).isEqualTo("a 'https://u:(not shown)@h/x' b 'http://u@h' c");
    }
}
