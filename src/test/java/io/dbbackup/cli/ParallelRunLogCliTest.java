package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code backup --all --parallel N}: the lines of several jobs interleave on stderr. What an engine or a store says during
 * a job (a warning about the database, {@code pg_dump started}) named the datasource only, so with two jobs on one
 * datasource (two stores, two schedules) nobody could tell whose line it was. Every line said during a job names it.
 */
class ParallelRunLogCliTest {
    @TempDir
    Path dir;

    @Test
    void aWarningOfTheEngineNamesTheJobItCameFrom() throws Exception {
        // a database without tables: the SQLite engine warns about it (naming the file, which both jobs share)
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("empty.db"))) {
            c.createStatement().execute("PRAGMA user_version = 1");
        }
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  empty:
                    engine: sqlite
                    path: empty.db
                stores:
                  near:
                    type: local
                    path: near
                  far:
                    type: local
                    path: far
                jobs:
                  empty-near:
                    datasource: empty
                    store: near
                  empty-far:
                    datasource: empty
                    store: far
                """);
        Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "--all", "--parallel", "2");
        assertThat(r.exit()).as(r.toString()).isZero();
        List<String> warnings = Arrays.stream(r.err().split("\n")).filter(l -> l.contains("holds no tables")).toList();
        assertThat(warnings).as(r.err()).hasSize(2);
        assertThat(warnings).as(r.err()).anyMatch(l -> l.contains(" job=empty-near")).anyMatch(l -> l.contains(" job=empty-far"));
    }
}
