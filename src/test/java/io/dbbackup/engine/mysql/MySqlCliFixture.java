package io.dbbackup.engine.mysql;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.MariaDbServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The set-up the MariaDB CLI ITs share, as their base: one throwaway {@link MariaDbServer} and one folder {@link #dir}
 * for the class; a {@code config.yaml} there whose datasource {@code shop} (YAML anchor {@code &db}) is the server's
 * database {@code shop} as {@code backup} with the password in {@code DB_PW}, {@code scratch} the same server's database
 * {@code scratch}, a local store {@code local} (folder {@code store}) and a job {@code shop}; a {@link Cli} working in
 * that folder; rows read back as root. Or ({@link #configureSocketCopy}) a {@code config.yaml} of a datasource {@code src}
 * over TCP and a second one on the same server through its socket.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MySqlCliFixture {
    private static final String CONFIG = """
            datasources:
              shop: &db
                engine: mariadb
                host: 127.0.0.1
                port: %d
                user: %s
                password_env: DB_PW
                database: shop
            %s  scratch:
                <<: *db
                database: scratch
            %sstores:
              local: {type: local, path: store}
            jobs:
              shop: {datasource: shop, store: local}
            %s""";
    private static final String SOCKET_COPY_CONFIG = """
            datasources:
              src:
                engine: %1$s
                host: 127.0.0.1
                port: %2$d
                user: %3$s
                password_env: DB_PW
            %4$s  %5$s:
                engine: %1$s
                socket: %6$s
                user: %3$s
                password_env: DB_PW
            %7$sstores:
              local:
                type: local
                path: store
            jobs:
              %8$s:
                datasource: src
                store: local
            %9$s""";

    MariaDbServer server;
    @TempDir
    Path dir;
    Cli cli;

    @BeforeAll
    void startMariaDb() {
        server = MariaDbServer.start(serverOptions());
    }

    /** More options of the server (e.g. {@code --bind-address=127.0.0.1,::1}). */
    String[] serverOptions() {
        return new String[0];
    }

    @AfterAll
    void stopMariaDb() {
        if (server != null) {
            server.close();
        }
    }

    /** Drops {@code shop} and {@code scratch}, creates {@code shop} and loads {@code schema} into it. */
    void freshShop(String schema) {
        server.rootSql("DROP DATABASE IF EXISTS shop; DROP DATABASE IF EXISTS scratch; CREATE DATABASE shop;");
        server.load("shop", schema);
    }

    /** {@link #configure(String, String, String)} with no more settings of shop and no more jobs. */
    Cli configure(String datasources) throws IOException {
        return configure("", datasources, "");
    }

    /**
     * Writes {@code config.yaml} into {@link #dir} and returns a CLI working there with {@code DB_PW} set. Each part is
     * YAML lines indented for its place, each ending with a line break: {@code shopSettings} more settings of {@code shop},
     * which every {@code <<: *db} inherits (4 spaces); {@code datasources} more datasources after {@code scratch} and
     * {@code jobs} more jobs after {@code shop} (2 spaces).
     */
    Cli configure(String shopSettings, String datasources, String jobs) throws IOException {
        Files.writeString(dir.resolve("config.yaml"), CONFIG.formatted(server.port(), server.user(), shopSettings, datasources,
                jobs));
        return newCli();
    }

    /**
     * Writes {@code config.yaml} into {@link #dir}: datasource {@code src} of {@code engine} over TCP as {@code backup} with
     * the password in {@code DB_PW}, datasource {@code copy} of the same server through its socket, the local store
     * {@code local} (folder {@code store}) and a job {@code job} of {@code src} there. {@code srcSettings},
     * {@code copySettings} and {@code jobSettings} are more settings of each (YAML lines, not indented; may be empty).
     */
    void configureSocketCopy(String engine, String srcSettings, String copy, String copySettings, String job,
                             String jobSettings) throws IOException {
        Files.writeString(dir.resolve("config.yaml"), SOCKET_COPY_CONFIG.formatted(engine, server.port(), server.user(),
                srcSettings.indent(4), copy, server.socket(), copySettings.indent(4), job, jobSettings.indent(4)));
    }

    /** A CLI working in {@link #dir} with {@code DB_PW} set. */
    Cli newCli() {
        return new Cli().workingDir(dir).env("DB_PW", server.password());
    }

    /** Adds {@code datasources} (indented as for {@link #configure}) after the last datasource of {@code config.yaml}. */
    void addDatasources(String datasources) throws IOException {
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, Files.readString(config).replace("stores:", datasources + "stores:"));
    }

    /** Runs {@code backup job} with {@link #cli}; a run that does not exit 0 fails the test with what it printed. */
    void runBackup(String job) {
        Cli.Result b = cli.run("-c", "config.yaml", "backup", job);
        assertThat(b.exit()).as(b.toString()).isZero();
    }

    /**
     * A {@code bin_dir} whose mariadb-dump runs the real one with {@code --databases} added (as an option file's
     * {@code [mysqldump] databases} would): a dump of one database that says {@code CREATE DATABASE}/{@code USE} its name.
     */
    Path binAddingDatabases() throws IOException {
        Path bin = dir.resolve("bin-B");
        if (Files.isDirectory(bin)) {
            return bin;
        }
        Files.createDirectories(bin);
        Files.createSymbolicLink(bin.resolve("mariadb"), Path.of(io.dbbackup.testkit.Shell.sh(dir, "command -v mariadb").strip()));
        Path dump = bin.resolve("mariadb-dump");
        String real = io.dbbackup.testkit.Shell.sh(dir, "command -v mariadb-dump").strip();
        Files.writeString(dump, "#!/bin/sh\ncase \"$1\" in --version|-V) exec " + real + " \"$@\";; esac\nfirst=$1; shift\nexec "
                + real + " \"$first\" --databases \"$@\"\n"); // --defaults-extra-file stays first
        Files.setPosixFilePermissions(dump, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    /** What {@code query} gives in {@code database} (null: none), run as root: rows as {@code -N -B} text, stripped. */
    String rows(String database, String query) {
        return server.rootSql(database, query).strip();
    }
}
