package io.dbbackup.job;

import io.dbbackup.config.Config;
import io.dbbackup.config.JobConfig;
import io.dbbackup.config.StoreConfig;
import io.dbbackup.core.Log;
import io.dbbackup.core.StoredObject;
import io.dbbackup.spi.ForwardingStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Catalog#elsewhere} for many jobs without backups (a config written again): the store is listed once, not once per job. */
class CatalogElsewhereTest {
    @TempDir
    Path dir;

    @Test
    void manyJobsWithoutBackupsListTheWholeStoreOnce() throws IOException {
        int n = 30;
        StringBuilder y = new StringBuilder("datasources:\n");
        for (int i = 0; i < n; i++) {
            Path db = dir.resolve("d" + i + ".db");
            Files.createFile(db);
            y.append("  d").append(i).append(": {engine: sqlite, path: ").append(db).append("}\n");
            // the old config's backups, under no prefix: no job of the new config (prefix: new) reaches them
            Path old = dir.resolve("store/d" + i + "/d" + i + "-20261201-020000.sqlite.gz");
            Files.createDirectories(old.getParent());
            Files.writeString(old, "x");
            Files.writeString(old.resolveSibling(old.getFileName() + ".sha256"), "x");
        }
        y.append("stores:\n  local: {type: local, path: ").append(dir.resolve("store")).append("}\njobs:\n");
        for (int i = 0; i < n; i++) {
            y.append("  j").append(i).append(": {datasource: d").append(i).append(", store: local, prefix: new}\n");
        }
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, y);
        Clock clock = Clock.fixed(Instant.parse("2026-12-05T03:00:00Z"), ZoneOffset.UTC);
        Log log = new Log(new PrintWriter(new StringWriter()), Log.Format.TEXT, Log.Level.INFO, clock);
        Config loaded = Workspace.load(file, "config.yaml", Map.of(), clock, log).config();
        AtomicInteger wholeListings = new AtomicInteger();
        StoreConfig local = loaded.stores().get("local");
        Map<String, StoreConfig> stores = new LinkedHashMap<>();
        stores.put("local", new StoreConfig("local", local.type(), new ForwardingStore(local.store()) {
            @Override
            public List<StoredObject> listReadable(String prefix) throws IOException {
                if (prefix.isEmpty()) {
                    wholeListings.incrementAndGet();
                }
                return super.listReadable(prefix);
            }
        }));
        Config config = new Config(loaded.file(), loaded.datasources(), stores, loaded.notifiers(), loaded.jobs(),
                loaded.warnings(), loaded.unresolvedSecrets(), loaded.secretsRead());
        Workspace ws = new Workspace(config, clock, log, dir.resolve("scratch"));
        Catalog catalog = new Catalog(ws);
        for (JobConfig j : config.jobs().values()) {
            assertThat(catalog.elsewhere(j)).as(j.name()).hasValueSatisfying(h -> assertThat(h).contains("no job of this config reaches"));
        }
        assertThat(wholeListings).as("whole-store listings for %d jobs", n).hasValue(1);
    }
}
