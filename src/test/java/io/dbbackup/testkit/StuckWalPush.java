package io.dbbackup.testkit;

import io.dbbackup.core.Json;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A physical job {@code phys} whose WAL segment {@link #SEGMENT} is a FIFO nobody writes: a {@code wal-push} of it waits
 * in an open no cancellation reaches, the way to drive the real process into its forced-exit paths.
 */
public final class StuckWalPush {
    public static final String SEGMENT = "000000010000000000000001";

    private StuckWalPush() {
    }

    /** Writes the config and the FIFO into {@code dir}. */
    public static void prepare(Path dir) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  pg: {engine: postgres, method: physical, cluster: main}
                stores:
                  local: {type: local, path: store}
                jobs:
                  phys: {datasource: pg, store: local, compression: zstd}
                """);
        Files.createDirectories(dir.resolve("pg_wal/archive_status"));
        Process fifo = new ProcessBuilder("mkfifo", dir.resolve("pg_wal/" + SEGMENT).toString()).inheritIO().start();
        assertThat(fifo.waitFor()).isZero();
    }

    /** The arguments of a {@code wal-push} of the stuck segment with {@code --timeout timeout}, after {@code global}. */
    public static String[] args(String timeout, String... global) {
        List<String> all = new java.util.ArrayList<>(List.of(global));
        all.addAll(List.of("wal-push", "--job", "phys", "--ahead", "0", "--timeout", timeout, "pg_wal/" + SEGMENT, SEGMENT));
        return all.toArray(String[]::new);
    }

    /** The last line of a run's stderr, parsed, after checking that every line of it is a JSON object. */
    public static Map<?, ?> lastJsonLine(DbbackupJar.Run run) {
        List<String> lines = run.err().lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as(run.toString()).isNotEmpty().allSatisfy(l -> assertThat(l).startsWith("{").endsWith("}"));
        return (Map<?, ?>) Json.parse(lines.get(lines.size() - 1));
    }
}
