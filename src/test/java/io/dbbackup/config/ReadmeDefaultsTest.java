package io.dbbackup.config;

import io.dbbackup.plugin.PluginRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The defaults of the README's configuration tables are the code's: for each row of a {@code | key | … default …}
 * table whose default is a value one could write (a backticked word, a number), a minimal config of that table's
 * section is loaded twice, without the key and with the key set to the README's default, and what the loader builds
 * (the datasource with its engine, the store, the notifier, the job) must be the same, field by field. A default the
 * README states wrongly (the code's is another) or a key the code ignores where the README says it has a default fails
 * here with its README line.
 */
class ReadmeDefaultsTest {
    private static final Pattern HEADING = Pattern.compile("^#{2,4} .*$");
    private static final Pattern TICKED = Pattern.compile("`([^`]+)`");
    /** Defaults that name where a value comes from, not a value to write. */
    private static final Set<String> DESCRIPTIVE = Set.of("PATH", "AZURE_TENANT_ID", "AZURE_CLIENT_ID");
    private static final String DATASOURCE = "    #HERE\n";

    /** One README table: its section's minimal config with {@code #HERE} where a key goes, and what to compare. */
    private record Section(String config, Function<Config, Object> built) {
    }

    private static final String STORE = "stores:\n  s:\n    type: local\n    path: out\n";
    private static final String JOB = "jobs:\n  j:\n    datasource: d\n    store: s\n";
    private static final String SQLITE = "datasources:\n  d:\n    engine: sqlite\n    path: app.db\n";

    private static Section datasource(String fields) {
        return new Section("datasources:\n  d:\n" + fields + DATASOURCE + STORE + JOB, c -> c.datasources().get("d"));
    }

    private static Section store(String fields) {
        return new Section(SQLITE + "stores:\n  s:\n" + fields + "    #HERE\n" + JOB, c -> c.stores().get("s"));
    }

    private static Section notifier(String fields) {
        return new Section(SQLITE + STORE + "notifications:\n  n:\n" + fields + "    #HERE\n" + JOB
                + "    notify: [{notifier: n, on: failure}]\n", c -> c.notifiers().get("n"));
    }

    /** README heading line above a table → its section. */
    private static final Map<String, Section> SECTIONS = new LinkedHashMap<>();

    static {
        Section sqlite = datasource("    engine: sqlite\n    path: app.db\n");
        SECTIONS.put("### Datasources: common keys", sqlite);
        SECTIONS.put("### SQLite (`engine: sqlite`)", sqlite);
        SECTIONS.put("### PostgreSQL (`engine: postgres`)", datasource("    engine: postgres\n    database: app\n"));
        SECTIONS.put("#### Configuration", datasource("    engine: postgres\n    method: physical\n"));
        SECTIONS.put("### MySQL and MariaDB", datasource("    engine: mysql\n    database: app\n"));
        Section local = store("    type: local\n    path: out\n");
        SECTIONS.put("### Stores: keys every type takes", local);
        SECTIONS.put("### Stores: local folder (`type: local`)", local);
        SECTIONS.put("#### `type: s3` — AWS S3 and S3-compatible services (Cloudflare R2, MinIO, Backblaze B2, Wasabi...)",
                store("    type: s3\n    bucket: bkt\n"));
        SECTIONS.put("#### `type: ssh` (alias `sftp`) — a folder on an SSH server",
                store("    type: ssh\n    host: h.example.com\n    user: u\n    path: backups\n"
                        + "    password_file: url.txt\n"));
        SECTIONS.put("#### `type: azure` (alias `azblob`) — Azure Blob Storage",
                store("    type: azure\n    account: acct\n    container: backups\n"));
        SECTIONS.put("### Jobs", new Section(SQLITE + STORE + JOB + "    #HERE\n", c -> c.jobs().get("j")));
        SECTIONS.put("#### `type: email`", notifier("    type: email\n    smtp_host: mail.example.com\n    from: a@example.com\n"
                + "    to: b@example.com\n"));
        SECTIONS.put("#### `type: webhook`", notifier("    type: webhook\n    url_file: url.txt\n"));
        SECTIONS.put("#### `type: pushgateway` (Prometheus metrics)", notifier("    type: pushgateway\n    url: http://127.0.0.1:9091\n"));
        SECTIONS.put("## Retention (GFS)", new Section(SQLITE + STORE + JOB + "    #HERE\n", c -> c.jobs().get("j")));
    }

    /** A README table row's key with the default it states. */
    record Stated(int line, String section, String key, String value) {
        @Override
        public String toString() {
            return "README.md:" + line + ": " + key + " (default " + value + ")";
        }
    }

    @TempDir
    Path dir;

    @Test
    void everyStatedDefaultIsTheCodesDefault() throws Exception {
        Files.writeString(dir.resolve("url.txt"), "https://hooks.example.com/services/T0/B0/token\n");
        Files.setPosixFilePermissions(dir.resolve("url.txt"), PosixFilePermissions.fromString("rw-------"));
        List<Stated> stated = stated();
        assertThat(stated).as("README defaults found").hasSizeGreaterThan(40)
                .anyMatch(s -> s.key().equals("pages_per_step") && s.value().equals("100"))
                .anyMatch(s -> s.key().equals("retry.delay") && s.value().equals("30s"))
                .anyMatch(s -> s.key().equals("part_size"));
        List<String> wrong = new ArrayList<>();
        for (Stated s : stated) {
            Section section = SECTIONS.get(s.section());
            if (section.config().contains("\n    " + s.key() + ": ")) {
                continue; // a key the section's minimal config needs (physical: method)
            }
            String without = section.config().replace("    #HERE\n", entry(s, null));
            String with = section.config().replace("    #HERE\n", entry(s, yaml(s.value())));
            Object a;
            Object b;
            try {
                a = section.built().apply(load(without));
                b = section.built().apply(load(with));
            } catch (ConfigException e) {
                wrong.add(s + ": refused: " + e.problems().stream().map(Problem::format).toList());
                continue;
            }
            List<String> diffs = new ArrayList<>();
            diff(a, b, "", diffs, new IdentityHashMap<>());
            if (!diffs.isEmpty()) {
                wrong.add(s + ": left out is not the same as set to the default: " + diffs);
            }
        }
        assertThat(wrong).as("README defaults that are not the code's").isEmpty();
    }

    /** The comparison itself tells a change apart: a value other than the default is seen. */
    @Test
    void anotherValueIsSeen() throws Exception {
        Section sqlite = SECTIONS.get("### SQLite (`engine: sqlite`)");
        List<String> diffs = new ArrayList<>();
        diff(sqlite.built().apply(load(sqlite.config().replace("#HERE", ""))),
                sqlite.built().apply(load(sqlite.config().replace("#HERE", "pages_per_step: 99"))), "", diffs,
                new IdentityHashMap<>());
        assertThat(diffs).as("pages_per_step 99 against the default").isNotEmpty();
    }

    /**
     * The key as YAML under the section's indent, or without it ({@code value} null): {@code retry.delay} nested in a
     * retry that says something else too, a retention key beside a rule of its own.
     */
    private static String entry(Stated s, String value) {
        String[] parts = s.key().split("\\.", 2);
        if (parts.length == 1) {
            return value == null ? "" : "    " + s.key() + ": " + value + "\n";
        }
        String other = switch (parts[0]) {
            case "retry" -> parts[1].equals("max_attempts") ? "delay: 1m" : "max_attempts: 3";
            case "retention" -> parts[1].equals("keep_last") ? "keep_daily: 5" : "keep_last: 5";
            default -> throw new AssertionError("a nested key this test cannot write: " + s);
        };
        return "    " + parts[0] + ":\n      " + other + "\n" + (value == null ? "" : "      " + parts[1] + ": " + value + "\n");
    }

    private static String yaml(String value) {
        return value.startsWith("[") || value.startsWith("{") || value.contains(": ") ? "\"" + value + "\"" : value;
    }

    private Config load(String yaml) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), yaml);
        return new ConfigLoader(PluginRegistry.load(), Map.of()).load(dir.resolve("config.yaml"), "config.yaml");
    }

    /** Every key of a README {@code | key …} table whose default column holds a value to write. */
    static List<Stated> stated() throws Exception {
        List<String> lines = Files.readAllLines(Path.of(System.getProperty("project.basedir", "."), "README.md"));
        List<Stated> out = new ArrayList<>();
        String heading = null;
        int column = -1;
        boolean code = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.strip().startsWith("```")) {
                code = !code;
            }
            Matcher h = HEADING.matcher(line);
            if (!code && h.matches()) {
                heading = line; // with its level: "#### Configuration" (physical) is not "## Configuration"
            }
            if (code || !line.startsWith("|")) {
                column = -1;
                continue;
            }
            List<String> cells = List.of(line.split("\\|", -1)).subList(1, line.split("\\|", -1).length - 1);
            if (line.startsWith("| key")) {
                column = cells.stream().map(String::strip).toList().indexOf("default");
                if (column >= 0 && !SECTIONS.containsKey(heading)) {
                    throw new AssertionError("README.md:" + (i + 1) + ": a table of defaults under '" + heading
                            + "', which this test has no config for: add one");
                }
                continue;
            }
            if (column < 0 || line.startsWith("|---") || cells.size() <= column) {
                continue;
            }
            List<String> keys = ticked(cells.get(0));
            List<String> values = values(cells.get(column).strip());
            if (values.isEmpty() || keys.size() != values.size()) {
                continue;
            }
            for (int k = 0; k < keys.size(); k++) {
                String key = keys.get(k);
                String value = values.get(k);
                if (key.matches("[a-z_.]+") && !DESCRIPTIVE.contains(value) && !value.contains("<")) {
                    out.add(new Stated(i + 1, heading, key, value));
                }
            }
        }
        return out;
    }

    private static List<String> ticked(String cell) {
        List<String> out = new ArrayList<>();
        Matcher m = TICKED.matcher(cell);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** {@code `gzip`}, {@code 100}, {@code 0 (off)}, {@code `127.0.0.1`, `3306`}: the values; else none. */
    private static List<String> values(String cell) {
        Matcher n = Pattern.compile("^(\\d+)( \\(.*\\))?$").matcher(cell);
        if (n.matches()) {
            return List.of(n.group(1));
        }
        if (cell.replaceAll("`[^`]+`", "").replace(",", "").isBlank() && cell.contains("`")) {
            return ticked(cell);
        }
        return List.of();
    }

    /** The differences between two built objects: this code's classes field by field, others by their equals. */
    static void diff(Object a, Object b, String path, List<String> out, IdentityHashMap<Object, Object> seen) throws Exception {
        if (a == b) {
            return;
        }
        if (a instanceof ZoneId za && b instanceof ZoneId zb) {
            if (!za.normalized().equals(zb.normalized())) { // timezone: UTC is the offset Z the default is
                out.add(path + ": " + a + " / " + b);
            }
            return;
        }
        if (path.endsWith(".another") && a instanceof java.util.function.Supplier<?>
                && b instanceof java.util.function.Supplier<?>) {
            return; // StoreConfig's maker of another instance: made from the same section as the store compared beside it
        }
        if (a == null || b == null || a.getClass() != b.getClass()) {
            out.add(path + ": " + a + " / " + b);
            return;
        }
        Class<?> c = a.getClass();
        if (c.isArray()) {
            if (Array.getLength(a) != Array.getLength(b)) {
                out.add(path + ": length " + Array.getLength(a) + " / " + Array.getLength(b));
                return;
            }
            for (int i = 0; i < Array.getLength(a); i++) {
                diff(Array.get(a, i), Array.get(b, i), path + "[" + i + "]", out, seen);
            }
        } else if (a instanceof Optional<?> oa) {
            diff(oa.orElse(null), ((Optional<?>) b).orElse(null), path, out, seen);
        } else if (a instanceof Map<?, ?> ma) {
            Map<?, ?> mb = (Map<?, ?>) b;
            if (!ma.keySet().equals(mb.keySet())) {
                out.add(path + ": keys " + ma.keySet() + " / " + mb.keySet());
                return;
            }
            for (Object k : ma.keySet()) {
                diff(ma.get(k), mb.get(k), path + "[" + k + "]", out, seen);
            }
        } else if (a instanceof Collection<?> ca) {
            Collection<?> cb = (Collection<?>) b;
            if (ca.size() != cb.size()) {
                out.add(path + ": size " + ca.size() + " / " + cb.size());
                return;
            }
            Iterator<?> ib = cb.iterator();
            int i = 0;
            for (Object x : ca) {
                diff(x, ib.next(), path + "[" + i++ + "]", out, seen);
            }
        } else if (c.getName().startsWith("io.dbbackup.") && !c.isEnum()) {
            if (seen.put(a, b) != null) {
                return;
            }
            for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
                for (Field f : k.getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers()) || f.isSynthetic() && f.getName().startsWith("this$")) {
                        continue;
                    }
                    if (f.getName().endsWith("Place") && f.getType() == String.class) {
                        continue; // where the config file says it, for messages (addressPlace): not a value
                    }
                    if (!f.trySetAccessible()) {
                        continue;
                    }
                    diff(f.get(a), f.get(b), path + "." + f.getName(), out, seen);
                }
            }
        } else if (c.getMethod("equals", Object.class).getDeclaringClass() != Object.class && !a.equals(b)) {
            out.add(path + ": " + a + " / " + b);
        }
    }
}
