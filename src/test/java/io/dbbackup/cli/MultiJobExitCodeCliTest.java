package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One exit-code rule for every verb that runs several jobs (README "Exit codes"), with real SQLite jobs in a local
 * store: some of several failed → 4, for every verb alike; a corrupt backup among them → 3, never hidden by a 4 or 2.
 */
class MultiJobExitCodeCliTest {
    @TempDir
    Path dir;
    Cli cli;

    @BeforeEach
    void setUp() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 50);
        Files.writeString(dir.resolve("blocker"), "a file where the store's folder should be");
        Files.createDirectories(dir.resolve("scratch"));
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                  scratch: {engine: sqlite, path: scratch/drill.db}
                stores:
                  local: {type: local, path: store}
                  broken: {type: local, path: blocker}
                jobs:
                  app: {datasource: app, store: local}
                  other: {datasource: app, store: local, prefix: other}
                  broken: {datasource: app, store: broken}
                """);
        Instant made = Instant.parse("2026-03-01T02:00:00Z");
        Cli.Result r = new Cli().workingDir(dir).clock(Clock.fixed(made, ZoneOffset.UTC)).run("-c", "config.yaml", "backup", "app", "other");
        assertThat(r.exit()).as(r.toString()).isZero();
        cli = new Cli().workingDir(dir).clock(Clock.fixed(made.plusSeconds(3600), ZoneOffset.UTC)); // a backup --all names new keys
    }

    private Cli.Result run(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "-c";
        all[1] = "config.yaml";
        System.arraycopy(args, 0, all, 2, args.length);
        return cli.run(all);
    }

    @Test
    void oneJobOfSeveralFailingIsExit4ForEveryMultiJobVerb() {
        for (String[] verb : new String[][] {
                {"backup", "--all"}, {"verify", "--all"}, {"list", "--all"}, {"prune", "--all"}, {"check", "--all"},
                {"drill", "--all", "--to", "scratch"}}) {
            Cli.Result r = run(verb);
            assertThat(r.exit()).as(String.join(" ", verb) + ": " + r).isEqualTo(4);
            assertThat(r.out() + r.err()).as(String.join(" ", verb)).contains("broken");
        }
    }

    @Test
    void aCorruptBackupAmongSeveralJobsIsExit3WhateverTheOtherJobsDid() throws Exception {
        Path artifact;
        try (Stream<Path> s = Files.walk(dir.resolve("store/app"))) {
            artifact = s.filter(p -> p.toString().endsWith(".sqlite.gz")).findFirst().orElseThrow();
        }
        try (FileChannel ch = FileChannel.open(artifact, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {0x55, 0x55, 0x55, 0x55}), ch.size() / 2);
        }

        Cli.Result verify = run("verify", "--all"); // app corrupt, other sound, broken's store unreachable
        assertThat(verify.exit()).as(verify.toString()).isEqualTo(3);
        assertThat(verify.out()).contains("(exit 3)");

        Cli.Result drill = run("drill", "--all", "--to", "scratch");
        assertThat(drill.exit()).as(drill.toString()).isEqualTo(3);

        Cli.Result json = run("verify", "--all", "--json");
        assertThat(json.exit()).isEqualTo(3);
        assertThat(json.out()).containsPattern("\"status\" *: *3");
    }
}
