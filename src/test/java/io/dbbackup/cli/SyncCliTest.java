package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code dbbackup sync} with SQLite (no server needed): the copy, the confirmation rules of restore,
 * and the refusals that come before anything runs (same database, different engines).
 */
class SyncCliTest {
    @TempDir
    Path dir;
    Cli cli;

    @BeforeEach
    void setUp() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 400);
        Files.createDirectories(dir.resolve("scratch"));
        cli = new Cli().workingDir(dir).env("DBBACKUP_TMPDIR", dir.resolve("scratch").toString());
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app:
                    engine: sqlite
                    path: app.db
                  copy:
                    engine: sqlite
                    path: copies/app-copy.db
                  alias:
                    engine: sqlite
                    path: ./copies/../app.db
                  pg:
                    engine: postgres
                    host: 127.0.0.1
                    port: 1
                    database: app
                stores:
                  local:
                    type: local
                    path: store
                jobs:
                  app:
                    datasource: app
                    store: local
                """);
    }

    @Test
    void copiesIntoAFreshFileThenNeedsConfirmationToOverwrite() throws Exception {
        Cli.Result r = cli.run("-c", "config.yaml", "sync", "app", "copy");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("synced app into copy");
        Path copy = dir.resolve("copies/app-copy.db");
        assertThat(SqliteFixture.fingerprint(copy)).isEqualTo(SqliteFixture.fingerprint(dir.resolve("app.db")));
        assertThat(leftovers()).as("no temporary file left beside the target or in the scratch folder").isEmpty();

        // the copy now holds tables: no terminal and no --auto-confirm refuses, and changes nothing
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + copy); var st = c.createStatement()) {
            st.execute("create table local_only(i int)");
        }
        List<String> before = SqliteFixture.fingerprint(copy);
        Cli.Result refused = cli.run("-c", "config.yaml", "sync", "app", "copy");
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.err()).contains("refusing to overwrite sqlite " + copy).contains("pass --auto-confirm");
        assertThat(refused.err().lines().filter(l -> l.startsWith("error:"))).hasSize(1);
        assertThat(SqliteFixture.fingerprint(copy)).isEqualTo(before);

        Cli.Result declined = new Cli().workingDir(dir).confirmer(Cli.answering(false)).run("-c", "config.yaml", "sync", "app", "copy");
        assertThat(declined.exit()).as(declined.toString()).isEqualTo(1);
        assertThat(declined.err()).contains("sync declined; nothing was changed");
        assertThat(SqliteFixture.fingerprint(copy)).isEqualTo(before);

        Cli.Result confirmed = cli.run("-c", "config.yaml", "sync", "app", "copy", "--auto-confirm");
        assertThat(confirmed.exit()).as(confirmed.toString()).isZero();
        assertThat(SqliteFixture.fingerprint(copy)).isEqualTo(SqliteFixture.fingerprint(dir.resolve("app.db")));
    }

    /**
     * A wall clock stepped back during the sync (NTP, a VM resumed; here every reading is a minute before the last):
     * "synced app into copy (… in -120000ms)" and a negative "seconds" in the log. The time is measured, not read off
     * the wall clock twice.
     */
    @Test
    void aSyncDuringWhichTheClockSteppedBackDidNotTakeANegativeTime() {
        Cli.Result r = cli.clock(new io.dbbackup.testkit.SteppingClock(java.time.Instant.parse("2026-03-04T10:00:00Z"),
                java.time.Duration.ofMinutes(-1))).run("-c", "config.yaml", "sync", "app", "copy");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).as(r.toString()).containsPattern("synced app into copy \\(.* in [0-9][0-9.]*m?s\\)")
                .doesNotContain(" in -");
        assertThat(r.err()).as(r.toString()).doesNotContain("seconds=-");
    }

    @Test
    void refusesTheSameDatabaseAndOtherEnginesBeforeAnythingRuns() throws Exception {
        List<String> source = SqliteFixture.fingerprint(dir.resolve("app.db"));
        long modified = Files.getLastModifiedTime(dir.resolve("app.db")).toMillis();

        Cli.Result same = cli.run("-c", "config.yaml", "sync", "app", "app", "--auto-confirm", "--clean");
        assertThat(same.exit()).as(same.toString()).isEqualTo(1);
        assertThat(same.err().strip()).isEqualTo("error: source and target are the same datasource 'app': nothing to sync");

        Cli.Result alias = cli.run("-c", "config.yaml", "sync", "app", "alias", "--auto-confirm");
        assertThat(alias.exit()).as(alias.toString()).isEqualTo(1);
        assertThat(alias.err()).contains("datasources 'app' and 'alias' are the same database (sqlite:" + dir.resolve("app.db") + ")");

        // a symlink to the source is the same file too (the target would be the source itself)
        Files.createSymbolicLink(dir.resolve("scratch/linked.db"), dir.resolve("app.db"));
        Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml"))
                .replace("  pg:\n", "  linked: {engine: sqlite, path: scratch/linked.db}\n  pg:\n"));
        Cli.Result linked = cli.run("-c", "config.yaml", "sync", "app", "linked", "--auto-confirm", "--clean");
        assertThat(linked.exit()).as(linked.toString()).isEqualTo(1);
        assertThat(linked.err()).contains("datasources 'app' and 'linked' are the same database (sqlite:"
                + dir.resolve("app.db").toRealPath() + ")");
        Files.delete(dir.resolve("scratch/linked.db"));

        Cli.Result engines = cli.run("-c", "config.yaml", "sync", "app", "pg", "--auto-confirm");
        assertThat(engines.exit()).as(engines.toString()).isEqualTo(1);
        assertThat(engines.err()).contains("cannot sync sqlite datasource 'app' into postgres datasource 'pg'");
        assertThat(engines.err().lines().filter(l -> !l.isBlank())).hasSize(1);

        Cli.Result unknown = cli.run("-c", "config.yaml", "sync", "app", "nope");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("no datasource named 'nope'");

        assertThat(SqliteFixture.fingerprint(dir.resolve("app.db"))).isEqualTo(source);
        assertThat(Files.getLastModifiedTime(dir.resolve("app.db")).toMillis()).isEqualTo(modified);
        assertThat(Files.exists(dir.resolve("copies"))).isFalse();
        assertThat(leftovers()).isEmpty();
    }

    /**
     * A hard link to the source file is another path to the same inode: the same database, refused before anything is
     * read or written. Compared by real path (symlinks resolved) the two were different files, and a sync with
     * --auto-confirm overwrote the source with itself through the link.
     */
    @Test
    void aHardLinkToTheSourceFileIsTheSameDatabase() throws Exception {
        List<String> source = SqliteFixture.fingerprint(dir.resolve("app.db"));
        long modified = Files.getLastModifiedTime(dir.resolve("app.db")).toMillis();
        Files.createLink(dir.resolve("scratch/hard.db"), dir.resolve("app.db"));
        Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml"))
                .replace("  pg:\n", "  hard: {engine: sqlite, path: scratch/hard.db}\n  pg:\n"));
        for (String[] pair : new String[][] {{"app", "hard"}, {"hard", "app"}}) {
            Cli.Result r = cli.run("-c", "config.yaml", "sync", pair[0], pair[1], "--auto-confirm", "--clean");
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).contains("datasources '" + pair[0] + "' and '" + pair[1] + "' are the same database (")
                    .contains("sqlite:" + dir.resolve("scratch/hard.db").toRealPath(), "sqlite:" + dir.resolve("app.db").toRealPath())
                    .doesNotContain("sync started");
            assertThat(r.err().lines().filter(l -> !l.isBlank())).hasSize(1);
        }
        assertThat(SqliteFixture.fingerprint(dir.resolve("app.db"))).isEqualTo(source);
        assertThat(Files.getLastModifiedTime(dir.resolve("app.db")).toMillis()).isEqualTo(modified);
    }

    /**
     * One server under another spelling of its host (localhost, 127.0.0.1, ::1, upper case, a trailing dot, a socket
     * folder) is the same database: refused before any connection, where comparing the written hosts would have synced
     * the database into itself (here: tried to connect, exit 2).
     */
    @Test
    void theSameServerDatabaseUnderAnotherHostSpellingIsRefusedBeforeAnythingRuns() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml")).replace("stores:\n", """
                  pg_local: {engine: postgres, host: localhost, port: 1, database: app}
                  pg_v6: {engine: postgres, host: "::1", port: 1, database: app}
                  pg_socket: {engine: postgres, host: /var/run/postgresql, port: 1, database: app}
                  pg_other_db: {engine: postgres, host: localhost, port: 1, database: app2}
                  my: {engine: mysql, host: Db1.Example.Invalid., port: 1, database: shop}
                  my_lower: {engine: mysql, host: db1.example.invalid, port: 1, database: shop}
                stores:
                """));
        for (String target : List.of("pg_local", "pg_v6", "pg_socket")) {
            Cli.Result r = cli.run("-c", "config.yaml", "sync", "pg", target, "--auto-confirm");
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).contains("datasources 'pg' and '" + target + "' are the same database (postgresql://127.0.0.1:1/app")
                    .contains("refusing to sync a database into itself");
        }
        Cli.Result my = cli.run("-c", "config.yaml", "sync", "my", "my_lower", "--auto-confirm");
        assertThat(my.exit()).as(my.toString()).isEqualTo(1);
        assertThat(my.err()).contains("datasources 'my' and 'my_lower' are the same database");

        Cli.Result otherDb = cli.run("-c", "config.yaml", "sync", "pg", "pg_other_db", "--auto-confirm");
        assertThat(otherDb.err()).as("another database on the server is not refused as the same").doesNotContain("same database");
    }

    @Test
    void aSourceThatCannotBeReadLeavesTheTargetAsItWas() throws Exception {
        Cli.Result first = cli.run("-c", "config.yaml", "sync", "app", "copy");
        assertThat(first.exit()).as(first.toString()).isZero();
        Path copy = dir.resolve("copies/app-copy.db");
        List<String> before = SqliteFixture.fingerprint(copy);
        Files.writeString(dir.resolve("app.db"), "this is not a database, it is text long enough to be checked");
        Cli.Result r = cli.run("-c", "config.yaml", "sync", "app", "copy", "--auto-confirm");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("is not a SQLite database");
        assertThat(SqliteFixture.fingerprint(copy)).isEqualTo(before);
        assertThat(leftovers()).isEmpty();
    }

    private List<Path> leftovers() throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().startsWith(".dbbackup")
                    || p.startsWith(dir.resolve("scratch"))).toList();
        }
    }
}
