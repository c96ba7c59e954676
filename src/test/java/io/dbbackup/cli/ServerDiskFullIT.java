package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.MariaDbServer;
import io.dbbackup.testkit.PostgresServer;
import io.dbbackup.testkit.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A restore into a real database server whose disk fills up: the server's files (a PostgreSQL tablespace, a MariaDB
 * database's folder, PostgreSQL's pg_wal) on a small tmpfs mounted for the test (as root, the server's user owning it),
 * unmounted in {@code finally}. The restore fails with exit 2 and the one line that says the server's disk is full,
 * claims no success, leaves the target as the README says, and the server takes work afterwards.
 */
class ServerDiskFullIT {
    @TempDir
    Path dir;

    /**
     * The target database's files on a 16 MiB tablespace, a backup of ~25 MiB of rows: pg_restore (custom) and psql
     * (plain) both stop at "could not extend file", the hint says the database server's disk is full, the one
     * transaction is rolled back (no table in the target, the tablespace's room given back), and the server works on.
     */
    @Test
    void aPostgresRestoreIntoAFullTablespaceSaysTheServersDiskIsFullAndAppliesNothing() throws Exception {
        try (PostgresServer pg = PostgresServer.start()) {
            pg.createDatabase("app");
            pg.execute("app", "create table t(i int primary key, s text); insert into t select i, md5(i::text) "
                    + "|| md5((i * 7)::text) || md5((i * 13)::text) from generate_series(1, 200000) i");
            writeConfig(pg);
            Cli.Result backup = cli().run("-q", "-c", "config.yaml", "backup", "app");
            assertThat(backup.exit()).as(backup.toString()).isZero();
            Cli.Result plain = cli().run("-q", "-c", "config.yaml", "backup", "app-plain");
            assertThat(plain.exit()).as(plain.toString()).isZero();

            Path small = pg.dir().resolve("small");
            mount(small, "16m", "postgres:postgres");
            try {
                pg.execute("postgres", "create tablespace small location '" + small + "'");
                pg.execute("postgres", "create database copy tablespace small");
                long free = Files.getFileStore(small).getUsableSpace();

                for (String job : new String[] {"app", "app-plain"}) {
                    Cli.Result r = cli().run("-c", "config.yaml", "restore", job, "--to", "copy", "--auto-confirm",
                            "--no-progress");

                    assertThat(r.exit()).as(job + ": " + r).isEqualTo(2);
                    assertThat(r.err()).as(job).containsPattern("could not extend file \"pg_tblspc/\\d+/PG_15_\\d+/\\d+/\\d+(\\.\\d+)?\": "
                                    + "No space left on device")
                            .contains("(the database server's disk is full: the file system of its data directory (or of the "
                                    + "tablespace holding that file) has no room for the restored data; the transaction's "
                                    + "rollback gave back what it took: free space there or grow that volume, then restore again)")
                            .contains("ran as one transaction and was rolled back: nothing was applied");
                    assertThat(r.out() + r.err()).as(job).doesNotContainIgnoringCase("restored into")
                            .doesNotContain("restore finished");
                    assertThat(pg.queryOne("copy", "select count(*) from pg_class c join pg_namespace n on n.oid = "
                            + "c.relnamespace where n.nspname = 'public'")).as(job + ": nothing applied").isEqualTo("0");
                    assertThat(Files.getFileStore(small).getUsableSpace()).as(job + ": the rollback gave the room back")
                            .isGreaterThan(free - 1024 * 1024);
                }
                pg.execute("copy", "create table after(i int); insert into after values (1)");
                assertThat(pg.queryOne("copy", "select count(*) from after")).as("the server takes writes").isEqualTo("1");
                assertThat(pg.queryOne("app", "select count(*) from t")).isEqualTo("200000");
                pg.execute("postgres", "drop database copy; drop tablespace small");
            } finally {
                unmount(small);
            }
        }
    }

    /**
     * PostgreSQL's pg_wal on a tmpfs too small for the restore's WAL: the server PANICs ("could not write to file
     * \"pg_wal/xlogtemp.N\": No space left on device") and every connection is cut; its crash recovery cannot write
     * either, so it shuts down for good. The restore fails, exit 2, without claiming success, and says that the server
     * ended the connection and why that happens, not bare libpq words; the database it created and could not drop (the
     * server recovering) is said to be left behind, not in a warning alone. It used to end at "nothing was applied:
     * pg_restore failed (exit 1): error returned by PQputCopyData: server closed the connection unexpectedly".
     */
    @Test
    void aPostgresRestoreThatFillsPgWalSaysTheServerWentAway() throws Exception {
        try (PostgresServer source = PostgresServer.start(); PostgresServer pg = PostgresServer.start()) {
            source.createDatabase("app");
            source.execute("app", "create table t(i int primary key, s text); insert into t select i, md5(i::text) "
                    + "|| md5((i * 7)::text) || md5((i * 13)::text) from generate_series(1, 400000) i");
            writeConfig(source);
            pg.writePasswordFile(dir.resolve("target.pgpass"));
            Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml")).replace("stores:\n",
                    "  target: {<<: *pg, host: %s, port: %d, password_file: target.pgpass, database: copy}\nstores:\n"
                            .formatted(pg.host(), pg.port())));
            Cli.Result backup = cli().run("-q", "-c", "config.yaml", "backup", "app");
            assertThat(backup.exit()).as(backup.toString()).isZero();

            pg.stop(); // its pg_wal, one segment, moves onto a tmpfs with room for two more
            Path wal = pg.dir().resolve("wal");
            mount(wal, "40m", "postgres:postgres");
            try {
                Path data = pg.dir().resolve("data");
                Shell.sh(dir, "cp -a " + data.resolve("pg_wal") + "/. " + wal + "/ && rm -rf " + data.resolve("pg_wal")
                        + " && ln -s " + wal + " " + data.resolve("pg_wal") + " && chown -h postgres:postgres "
                        + data.resolve("pg_wal"));
                startAgain(pg);

                Cli.Result r = cli().run("-c", "config.yaml", "restore", "app", "--to", "target", "--auto-confirm",
                        "--no-progress");

                assertThat(pg.serverLog()).as("the server PANICked on its full pg_wal")
                        .containsPattern("PANIC:  could not write to file \"pg_wal/xlogtemp\\.\\d+\": No space left on device");
                assertThat(r.exit()).as(r.toString()).isEqualTo(2);
                assertThat(r.err()).as(r.toString())
                        .contains("ran as one transaction and was rolled back: nothing was applied")
                        .contains("server closed the connection unexpectedly (the server ended the connection in the middle "
                                + "of the restore without saying why: it crashed or was restarted — a full disk under pg_wal "
                                + "makes it PANIC and restart, ending every session — or an administrator or the network cut "
                                + "the session; the server's log says which: free space there if its disk is full, then "
                                + "restore again)")
                        .doesNotContain("restored into").doesNotContain("restore finished");
                // the database created for the restore is dropped again, or, the server still recovering, said to be left
                assertThat(r.err()).containsAnyOf("the database copy created for it was dropped again",
                        "the database copy created for it is left behind, empty, as it could not be dropped (");
                // its crash recovery cannot write the end-of-recovery WAL either: the server shuts down for good ...
                Path pid = pg.dir().resolve("data/postmaster.pid");
                for (int i = 0; i < 300 && Files.exists(pid); i++) {
                    Thread.sleep(100);
                }
                assertThat(pid).as("the server shut down: " + pg.serverLog()).doesNotExist();
                // ... and, given room, starts again with nothing of the restore applied
                Shell.ok(dir, "mount", "-o", "remount,size=200m", wal.toString());
                startAgain(pg);
                if (r.err().contains("is left behind")) {
                    assertThat(pg.query("copy", "select count(*) from pg_class c join pg_namespace n on n.oid = "
                            + "c.relnamespace where n.nspname = 'public'")).as("left behind empty").containsExactly("0");
                } else {
                    assertThat(pg.databaseExists("copy")).as("dropped again").isFalse();
                }
                assertThat(pg.queryOne("postgres", "select 1")).as("the server works on").isEqualTo("1");
            } finally {
                Shell.run(dir, "runuser", "-u", "postgres", "--", pg.binDir().resolve("pg_ctl").toString(), "-D",
                        pg.dir().resolve("data").toString(), "-m", "immediate", "-w", "stop");
                unmount(wal);
            }
        }
    }

    /**
     * The target database's folder in MariaDB's datadir on a 4 MiB tmpfs: the load stops at ERROR 1114 "The table 't'
     * is full", said as the server's disk being full, exit 2, no success claimed; the server works on.
     */
    @Test
    void aMariaDbRestoreIntoAFullDatabaseFolderSaysTheServersDiskIsFull() throws Exception {
        try (MariaDbServer db = MariaDbServer.start()) {
            db.createDatabase("app");
            db.rootSql("app", "create table t(i int primary key, s text); insert into t select seq, concat(md5(seq), "
                    + "md5(seq * 7), md5(seq * 13)) from seq_1_to_200000;");
            db.createDatabase("copy");
            Files.writeString(dir.resolve("dbpass"), db.password() + "\n");
            Files.setPosixFilePermissions(dir.resolve("dbpass"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            Files.writeString(dir.resolve("config.yaml"), """
                    datasources:
                      app: &db {engine: mariadb, host: 127.0.0.1, port: %d, user: %s, password_file: dbpass, database: app}
                      copy: {<<: *db, database: copy}
                    stores:
                      local: {type: local, path: store}
                    jobs:
                      app: {datasource: app, store: local}
                    """.formatted(db.port(), db.user()));
            Cli.Result backup = cli().run("-q", "-c", "config.yaml", "backup", "app");
            assertThat(backup.exit()).as(backup.toString()).isZero();

            Path folder = Path.of(db.rootSql("select @@datadir").strip()).resolve("copy");
            byte[] opt = Files.readAllBytes(folder.resolve("db.opt"));
            mount(folder, "4m", "mysql:mysql");
            try {
                Files.write(folder.resolve("db.opt"), opt);
                Shell.ok(dir, "chown", "mysql:mysql", folder.resolve("db.opt").toString());

                Cli.Result r = cli().run("-c", "config.yaml", "restore", "app", "--to", "copy", "--auto-confirm",
                        "--no-progress");

                assertThat(r.exit()).as(r.toString()).isEqualTo(2);
                assertThat(r.err()).as(r.toString()).containsPattern("error: restore of \\S+ into mariadb copy on 127\\.0\\.0\\.1:\\d+ failed: ERROR "
                                + "1114 \\(HY000\\) at line \\d+: The table 't' is full — the server's disk is most likely full: the "
                                + "file system of its datadir has no room left for the table's rows")
                        .contains("free space there or grow that volume (or raise the cap), then run it again; database `copy` "
                                + "keeps what loaded before the error and is partly restored")
                        .doesNotContain("restored into").doesNotContain("restore finished");
                // as the README says: the table the load reached is there with part of its rows
                assertThat(Long.parseLong(db.rootSql("copy", "select count(*) from t").strip())).as("part of the rows")
                        .isLessThan(200_000);
                db.rootSql("drop table copy.t");
                db.rootSql("copy", "create table after(i int); insert into after values (1);");
                assertThat(db.rootSql("copy", "select count(*) from after").strip()).as("the server takes writes").isEqualTo("1");
                assertThat(db.rootSql("app", "select count(*) from t").strip()).isEqualTo("200000");
                db.rootSql("copy", "drop table after");
            } finally {
                unmount(folder);
            }
        }
    }

    /** Starts {@code pg} again (stopped, or shut down by a failed recovery) on its port. */
    private void startAgain(PostgresServer pg) {
        Shell.ok(dir, "runuser", "-u", "postgres", "--", pg.binDir().resolve("pg_ctl").toString(), "-D",
                pg.dir().resolve("data").toString(), "-l", pg.dir().resolve("server.log").toString(), "-w", "-t", "60", "-o",
                "-p " + pg.port() + " -k " + pg.dir() + " -c listen_addresses=127.0.0.1 -c fsync=off "
                        + "-c synchronous_commit=off -c full_page_writes=off", "start");
    }

    /** Writes config.yaml for {@code pg}: jobs app (custom) and app-plain of database app, datasource copy to restore into. */
    private void writeConfig(PostgresServer pg) throws Exception {
        pg.writePasswordFile(dir.resolve("pgpass"));
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: &pg {engine: postgres, host: %s, port: %d, user: postgres, password_file: pgpass, database: app, format: custom}
                  app-plain: {<<: *pg, format: plain}
                  copy: {<<: *pg, database: copy}
                stores:
                  local: {type: local, path: store}
                jobs:
                  app: {datasource: app, store: local}
                  app-plain: {datasource: app-plain, store: local, prefix: plain}
                """.formatted(pg.host(), pg.port()));
    }

    private Cli cli() {
        return new Cli().workingDir(dir);
    }

    /** Mounts a tmpfs of {@code size} on {@code at} (created), owned by {@code owner}, mode 0700. */
    private void mount(Path at, String size, String owner) throws Exception {
        Files.createDirectories(at);
        Shell.ok(dir, "mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs", at.toString());
        Shell.ok(dir, "chown", owner, at.toString());
    }

    /** Unmounts {@code at}; lazily when a server still holds files there, so no mount is left behind either way. */
    private void unmount(Path at) {
        if (Shell.run(dir, "umount", at.toString()).exit() != 0) {
            Shell.ok(dir, "umount", "-l", at.toString());
        }
        assertThat(Shell.run(dir, "findmnt", at.toString()).exit()).as("no mount left on " + at).isNotZero();
    }
}
