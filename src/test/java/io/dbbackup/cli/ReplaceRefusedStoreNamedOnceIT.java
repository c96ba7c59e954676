package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A local store on a file system that renames nothing in one step and links nothing (a mount point, some FUSE file
 * systems) refuses to replace an object: a pin's new note onto its pin. The job's line names the store ({@code in faulty PATH}) and the
 * store's own line named it again ({@code local store PATH: cannot replace PATH/KEY: …}). The store is said once: the
 * job's words name it, the store's name the object by its full path.
 */
class ReplaceRefusedStoreNamedOnceIT {
    @TempDir
    Path dir;

    @Test
    void aPinWhoseReplaceIsRefusedNamesTheStoreOnce() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  d: {engine: fake, size: 2000}
                stores:
                  local: {type: faulty, path: store, no_atomic_rename: true, no_hard_links: true}
                jobs:
                  j: {datasource: d, store: local}
                """);
        Cli cli = new Cli().workingDir(dir).clock(Clock.fixed(Instant.parse("2026-12-06T02:00:00Z"), ZoneOffset.UTC));
        assertThat(cli.run("-c", "config.yaml", "backup", "j").exit()).isZero();
        Cli.Result first = cli.run("-c", "config.yaml", "pin", "j", "--note", "before the migration");
        assertThat(first.exit()).as(first.toString()).isZero();

        Cli.Result r = cli.run("-c", "config.yaml", "pin", "j", "--note", "legal hold #7");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        Path store = dir.resolve("store");
        String key;
        try (var s = Files.list(store.resolve("d"))) {
            key = s.map(p -> "d/" + p.getFileName()).filter(k -> k.endsWith(".pin")).findFirst().orElseThrow();
        }
        String backup = key.substring(0, key.length() - ".pin".length());
        List<String> errors = r.err().lines().filter(l -> l.startsWith("error: ")).toList();
        assertThat(errors).as(r.err()).hasSize(1);
        assertThat(errors.get(0)).as(r.err()).startsWith("error: cannot pin " + backup + " in faulty " + store
                + ": cannot replace " + store.resolve(key) + ": the file system cannot rename onto it in one step (")
                .endsWith("Invalid cross-device link), and deleting it first could lose both; the old object is kept, the "
                        + "new one was not stored");
        assertThat(Files.readString(store.resolve(key))).as("the old pin").contains("before the migration");
    }
}
