package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code ```yaml} block of the README that is a config or a fragment of one passes {@code config validate}: a
 * fragment is completed with the least it needs (a SQLite datasource and a local store of its own for the names its jobs use, a
 * job for each datasource and store no job of it uses), its absolute paths moved under a temp folder, the files its
 * keys read written there, and its {@code *_env} variables set. Nothing else of the block is changed, so a key
 * renamed, a value no longer accepted or a default the README shows wrongly written fails here with the block's line.
 */
class ReadmeConfigSnippetsTest {
    private static final Set<String> SECTIONS = Set.of("datasources", "stores", "notifications", "jobs");
    /** An absolute path as a value (not a URL's path). */
    private static final Pattern ABSOLUTE = Pattern.compile("(?<=: |- |\\[)/\\w[\\w./-]*");
    /** A key whose value is a file dbbackup reads when it loads the config. */
    private static final Pattern READ_FILE = Pattern.compile("(?m)^\\s*(\\w*_file|ssl_?(?:ca|cert|key)|sslrootcert|known_hosts): (\\S+)");
    private static final String RECIPIENT = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";

    @TempDir
    Path dir;

    @Test
    void everyConfigSnippetOfTheReadmeValidates() throws Exception {
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (Readme.Block block : Readme.blocks("yaml")) {
            Map<String, Object> config = load(block);
            if (config == null) {
                continue; // a Prometheus rule, a Kubernetes manifest
            }
            checked++;
            Path file = dir.resolve("readme-" + block.line() + ".yaml");
            Files.writeString(file, new Dump(DumpSettings.builder().build()).dumpToString(complete(config)));
            Cli cli = new Cli().workingDir(dir);
            Matcher envs = Pattern.compile("_env: (\\w+)").matcher(block.text());
            while (envs.find()) {
                cli.env(envs.group(1), envs.group(1).endsWith("URL") ? "https://hooks.example.com/services/T0/B0/token"
                        : "secret-value-" + envs.group(1).toLowerCase());
            }
            Cli.Result r = cli.run("-c", file.toString(), "config", "validate");
            if (r.exit() != 0) {
                failures.add("README.md:" + block.line() + ": " + r.err() + "\n" + Files.readString(file));
            }
        }
        assertThat(checked).as("config blocks of the README").isGreaterThanOrEqualTo(14);
        assertThat(failures).as("README config blocks that config validate refuses").isEmpty();
    }

    /** And the completion does not make every fragment pass: a wrong key in one is still refused. */
    @Test
    void aWrongKeyInAFragmentIsRefused() throws Exception {
        Map<String, Object> config = load(new Readme.Block(1, "jobs:\n  app:\n    retention: {keep_dayly: 7}\n"));
        Path file = dir.resolve("wrong.yaml");
        Files.writeString(file, new Dump(DumpSettings.builder().build()).dumpToString(complete(config)));
        Cli.Result r = new Cli().workingDir(dir).run("-c", file.toString(), "config", "validate");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("keep_dayly");
    }

    /** The block as a config, its paths under the temp folder and its files written; null if it is no config. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> load(Readme.Block block) throws IOException {
        String text = block.text().replaceAll("<([\\w-]+)>", "$1"); // https://<account-id>.r2.cloudflarestorage.com
        text = ABSOLUTE.matcher(text).replaceAll(m -> Matcher.quoteReplacement(dir + m.group()));
        Object tree = new Load(LoadSettings.builder().setLabel("README.md:" + block.line()).build()).loadFromString(text);
        if (!(tree instanceof Map<?, ?> top) || top.isEmpty() || !SECTIONS.containsAll(top.keySet())) {
            return null;
        }
        Matcher files = READ_FILE.matcher(text);
        while (files.find()) {
            Path f = Path.of(files.group(2));
            assertThat(f.startsWith(dir)).as("README.md:" + block.line() + ": " + files.group()).isTrue();
            Files.createDirectories(f.getParent());
            Files.writeString(f, files.group(1).equals("url_file") ? "https://hc-ping.com/0f3c9e4a\n"
                    : files.group(1).equals("recipients_file") ? RECIPIENT + "\n" : "secret-" + f.getFileName() + "-" + "x".repeat(40) + "\n");
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        }
        return (Map<String, Object>) tree;
    }

    /** The fragment with what it leaves out: the datasources, stores and jobs its other parts name or need. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> complete(Map<String, Object> config) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String s : List.of("datasources", "stores", "notifications", "jobs")) {
            out.put(s, config.get(s) instanceof Map<?, ?> m ? m : new LinkedHashMap<>());
        }
        Map<String, Object> datasources = (Map<String, Object>) out.get("datasources");
        Map<String, Object> stores = (Map<String, Object>) out.get("stores");
        Map<String, Object> jobs = (Map<String, Object>) out.get("jobs");
        Path db = dir.resolve("stub.db");
        if (!Files.exists(db)) {
            Files.createFile(db);
        }
        Map<String, Object> stubDatasource = Map.of("engine", "sqlite", "path", db.toString());
        for (Map.Entry<String, Object> e : jobs.entrySet()) {
            Map<String, Object> job = (Map<String, Object>) e.getValue();
            if (!job.containsKey("datasource") && !job.containsKey("copy_of")) {
                job.put("datasource", datasources.isEmpty() ? "stub" : datasources.keySet().iterator().next());
            }
            job.putIfAbsent("store", stores.isEmpty() ? "stub" : stores.keySet().iterator().next());
            if (job.get("datasource") instanceof String ds) {
                datasources.putIfAbsent(ds, stubDatasource);
            }
            String store = (String) job.get("store");
            stores.putIfAbsent(store, Map.of("type", "local", "path", dir.resolve("stub-store-" + store).toString()));
        }
        if (datasources.isEmpty()) {
            datasources.put("stub", stubDatasource);
        }
        if (stores.isEmpty()) {
            stores.put("stub", Map.of("type", "local", "path", dir.resolve("stub-store").toString()));
        }
        String anyDatasource = datasources.keySet().iterator().next();
        for (String ds : datasources.keySet()) {
            if (jobs.values().stream().noneMatch(j -> ds.equals(((Map<String, Object>) j).get("datasource")))) {
                jobs.put("stub-" + ds, new LinkedHashMap<>(Map.of("datasource", ds, "store", stores.keySet().iterator().next())));
            }
        }
        for (String st : stores.keySet()) {
            if (jobs.values().stream().noneMatch(j -> st.equals(((Map<String, Object>) j).get("store")))) {
                jobs.put("stub-" + st, new LinkedHashMap<>(Map.of("datasource", anyDatasource, "store", st, "prefix", "stub-" + st)));
            }
        }
        return out;
    }
}
