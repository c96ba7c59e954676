package io.dbbackup.cli;

import io.dbbackup.testkit.DbbackupJar;
import io.dbbackup.testkit.Shell;
import io.dbbackup.testkit.WebhookServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real jar on a host whose locale is not English: Turkish (where "info" upper-cases to "İNFO" and "FAILURE"
 * lower-cases to "faılure"), German and Hindi (a decimal comma or other grouping), Arabic, Persian and Thai (digits of
 * their own for %d), set as JVM flags as JAVA_OPTS would, and Turkish from LANG as a Turkish host sets it (the locale
 * compiled into a LOCPATH folder). Config, tables, JSON logs, manifests, keys and the prune summary read as under C.
 */
class HostLocaleIT {
    static Path locales;

    @TempDir
    Path dir;

    @BeforeAll
    static void compileTurkish(@TempDir Path tmp) {
        locales = tmp;
        Shell.ok(tmp, "localedef", "-i", "tr_TR", "-f", "UTF-8", tmp.resolve("tr_TR.UTF-8").toString());
    }

    static Stream<Arguments> hosts() {
        return Stream.of(
                Arguments.of("tr", List.of("-Duser.language=tr", "-Duser.country=TR"), Map.of()),
                Arguments.of("de", List.of("-Duser.language=de", "-Duser.country=DE"), Map.of()),
                Arguments.of("hi-IN", List.of("-Duser.language=hi", "-Duser.country=IN"), Map.of()),
                Arguments.of("ar-EG", List.of("-Duser.language=ar", "-Duser.country=EG"), Map.of()),
                Arguments.of("ar-SA", List.of("-Duser.language=ar", "-Duser.country=SA"), Map.of()),
                Arguments.of("fa-IR", List.of("-Duser.language=fa", "-Duser.country=IR"), Map.of()),
                Arguments.of("th-TH-TH", List.of("-Duser.language=th", "-Duser.country=TH", "-Duser.variant=TH"), Map.of()),
                Arguments.of("LANG=tr_TR.UTF-8", List.of(), Map.of("LANG", "tr_TR.UTF-8")));
    }

    private DbbackupJar.Run run(List<String> jvm, Map<String, String> env, WebhookServer hook, String... args) throws Exception {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("HOOK_URL", hook.url() + "/hook");
        all.put("LOCPATH", locales.toString());
        return DbbackupJar.run(dir, jvm, n -> n.startsWith("LC_") || n.equals("LANG") || n.startsWith("JAVA_"), all, args);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hosts")
    void everythingAProgramReadsIsTheSameUnderTheHostsLocale(String host, List<String> jvm, Map<String, String> env) throws Exception {
        Files.copy(Path.of("examples/shop.db"), dir.resolve("shop.db"));
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, """
                datasources:
                  shop:
                    engine: sqlite
                    path: shop.db
                    strategy: online
                    compression: zstd
                  gone:
                    engine: sqlite
                    path: gone.db
                stores:
                  local:
                    type: local
                    path: backups
                notifications:
                  hook:
                    type: webhook
                    url_env: HOOK_URL
                jobs:
                  shop:
                    datasource: shop
                    store: local
                    timeout: 1h
                    retention:
                      keep_last: 1
                  gone:
                    datasource: gone
                    store: local
                    notify:
                      - {notifier: hook, on: failure}
                """);
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-rw-rw-"));
        try (WebhookServer hook = new WebhookServer()) {
            DbbackupJar.Run validate = run(jvm, env, hook, "config", "validate");
            assertThat(validate.exit()).as(validate.toString()).isZero();
            assertThat(validate.out()).as(validate.toString()).contains(": ok (2 datasources, 1 store, 1 notification, 2 jobs)");
            assertThat(validate.err()).as("a config others can write is warned of").contains(": warning: ").contains("chmod go-w");

            DbbackupJar.Run backup = run(jvm, env, hook, "--log-format=json", "backup", "--all");
            assertThat(backup.exit()).as(backup.toString()).isEqualTo(4);
            assertThat(backup.out()).as(backup.toString())
                    .containsPattern(Pattern.compile("^gone +FAILED +1 ", Pattern.MULTILINE))
                    .contains("1 of 2 jobs succeeded (exit 4)");
            assertThat(backup.err().lines()).as(backup.toString()).isNotEmpty()
                    .allMatch(l -> l.matches("\\{\"time\":\"[0-9T:.Z-]+\",\"level\":\"(debug|info|warn|error)\",.*"));
            assertThat(backup.err()).contains("\"level\":\"info\"").contains("\"level\":\"error\"");
            WebhookServer.Request notice = hook.take(Duration.ofSeconds(10));
            assertThat(notice).as("on: failure sends the failure").isNotNull();
            assertThat(notice.body()).contains("\"job\":\"gone\"").contains("\"outcome\":\"failure\"");

            List<String> names;
            try (Stream<Path> s = Files.list(dir.resolve("backups/shop"))) {
                names = s.map(p -> p.getFileName().toString()).sorted().toList();
            }
            assertThat(names).hasSize(3).allMatch(n -> n.matches("shop-[0-9]{8}-[0-9]{6}\\.sqlite\\.zst(\\.sha256|\\.manifest\\.json)?"));
            String key = names.get(0);
            assertThat(Files.readString(dir.resolve("backups/shop/" + key + ".manifest.json"))).contains("\"strategy\": \"online\"");
            assertThat(Shell.ok(dir.resolve("backups/shop"), "sha256sum", "-c", key + ".sha256")).contains(key + ": OK");

            DbbackupJar.Run prune = run(jvm, env, hook, "prune", "--dry-run", "shop");
            assertThat(prune.exit()).as(prune.toString()).isZero();
            assertThat(prune.out()).as(prune.toString()).contains("job shop: keep 1, would delete 0");
        }
    }
}
