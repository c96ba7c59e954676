package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's retention worked example is what {@code prune --dry-run --json} prints: the backups its JSON names are
 * laid in a local store, each with its sidecar, the policy is the README's own {@code retention:} block, and the real
 * command's document must equal the README's JSON; the README's table must say the same of every backup (kept or
 * deleted, and by which rules). A rule changed in the code or an edit to one of the two in the README fails here.
 */
class ReadmeRetentionExampleTest {
    /** A row of the worked example's table: {@code | 2026-03-10 14:00 (Tue) | keep | `last 1/2`, … | why |}. */
    private static final Pattern ROW = Pattern.compile("^\\| (\\d{4})-(\\d\\d)-(\\d\\d) (\\d\\d):(\\d\\d)[^|]*\\| (keep|delete) \\|([^|]*)\\|");

    @TempDir
    Path dir;

    @Test
    void theWorkedExampleIsWhatPruneDryRunPrints() throws Exception {
        Map<String, Object> readme = readmeJson();
        List<String> keys = new ArrayList<>();
        for (String side : List.of("keep", "delete")) {
            for (Map<String, Object> e : entries(readme, side)) {
                keys.add((String) e.get("key"));
            }
        }
        assertThat(keys).as("the backups of the README's JSON").hasSize(10);
        for (String key : keys) {
            Path file = dir.resolve("store").resolve(key);
            Files.createDirectories(file.getParent());
            byte[] bytes = ("-- " + key + "\n").getBytes(StandardCharsets.UTF_8);
            Files.write(file, bytes);
            Files.writeString(Path.of(file + ".sha256"), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))
                    + "  " + file.getFileName() + "\n");
        }
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: postgres, host: 127.0.0.1, database: app, user: app}
                stores:
                  local: {type: local, path: store}
                """ + readmeRetentionBlock());

        Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "prune", "nightly", "--dry-run", "--json");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(new Load(LoadSettings.builder().build()).loadFromString(r.out())).as("prune --dry-run --json against README.md's JSON")
                .isEqualTo(readme);
    }

    @Test
    void theWorkedExamplesTableSaysWhatItsJsonSays() throws Exception {
        Map<String, Object> readme = readmeJson();
        Map<String, String> json = new LinkedHashMap<>();
        entries(readme, "keep").forEach(e -> json.put(name((String) e.get("key")), "keep " + e.get("reasons")));
        entries(readme, "delete").forEach(e -> json.put(name((String) e.get("key")), "delete []"));
        Map<String, String> table = new LinkedHashMap<>();
        boolean in = false;
        for (String line : Readme.lines()) {
            if (line.startsWith("#")) {
                in = line.equals("### Worked example");
            }
            Matcher m = ROW.matcher(line);
            if (in && m.find()) {
                List<String> reasons = new ArrayList<>();
                Matcher rule = Pattern.compile("`([^`]+)`").matcher(m.group(7));
                while (rule.find()) {
                    reasons.add(rule.group(1));
                }
                table.put("app-" + m.group(1) + m.group(2) + m.group(3) + "-" + m.group(4) + m.group(5) + "00", m.group(6) + " " + reasons);
            }
        }
        assertThat(table).as("the worked example's table against its JSON").isEqualTo(json);
    }

    private static String name(String key) {
        return key.substring(key.lastIndexOf('/') + 1).replaceFirst("\\..*$", "");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> entries(Map<String, Object> doc, String side) {
        return (List<Map<String, Object>>) doc.get(side);
    }

    /** The {@code ```json} block after "### Worked example". */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> readmeJson() throws Exception {
        StringBuilder text = new StringBuilder();
        for (Readme.Line l : Readme.blockAfter("### Worked example")) {
            text.append(l.text()).append('\n');
        }
        return (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(text.toString());
    }

    /** The {@code jobs:} block of "## Retention (GFS)", the policy the worked example says it uses. */
    private static String readmeRetentionBlock() throws Exception {
        StringBuilder text = new StringBuilder();
        for (Readme.Line l : Readme.blockAfter("## Retention (GFS)")) {
            text.append(l.text()).append('\n');
        }
        assertThat(text.toString()).startsWith("jobs:").contains("retention:");
        return text.toString();
    }
}
