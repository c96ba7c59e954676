package io.dbbackup.store.sftp;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.FreePort;
import io.dbbackup.testkit.OpenSshServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every command against an SFTP store whose server cannot be reached (a free port nothing listens on) or refuses the
 * key (a real OpenSSH server): the error line names the server's HOST:PORT once. Before, the job's words named the
 * store ({@code cannot list app/ in sftp u@h:P:/p}) and the store's words the server again ({@code : sftp cannot connect
 * to h:P: Connection refused}).
 */
class SftpServerNamedOnceIT {
    static OpenSshServer ssh;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        ssh = new OpenSshServer();
    }

    @AfterAll
    static void stop() {
        if (ssh != null) {
            ssh.close();
        }
    }

    private Cli config(int port, Path key) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.db"))) {
            c.createStatement().execute("CREATE TABLE IF NOT EXISTS t (x)");
        }
        String root = ssh.dataDir().resolve("once-" + UUID.randomUUID().toString().substring(0, 8)).toString();
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: %s}
                stores:
                  here: {type: local, path: %s}
                  far: {type: sftp, host: %s, port: %d, user: %s, path: %s, key_file: %s, known_hosts: %s, connect_timeout: 5s}
                jobs:
                  j: {datasource: app, store: far, retention: {keep_last: 2}}
                  src: {datasource: app, store: here, retention: {keep_last: 2}}
                  cp: {copy_of: src, store: far, prefix: copies, retention: {keep_last: 2}}
                """.formatted(dir.resolve("app.db"), dir.resolve("local"), ssh.host(), port, ssh.user(), root, key, ssh.knownHosts()));
        return new Cli().workingDir(dir);
    }

    /** Each command's lines that tell the failure, each checked to name HOST:PORT once; the exit code. */
    private static List<String> failures(Cli cli, String server, String... args) {
        Cli.Result r = cli.run(args);
        assertThat(r.exit()).as(String.join(" ", args) + ": " + r).isEqualTo(2);
        List<String> lines = new ArrayList<>();
        for (String line : (r.out() + r.err()).split("\n")) {
            if (line.contains(server)) {
                lines.add(line);
                assertThat(line.split(Pattern.quote(server), -1)).as(String.join(" ", args) + ": " + line).hasSize(2);
            }
        }
        assertThat(lines).as(String.join(" ", args) + ": " + r).isNotEmpty();
        return lines;
    }

    private static void everyCommand(Cli cli, String server) {
        Cli.Result src = cli.run("-c", "config.yaml", "backup", "src");
        assertThat(src.exit()).as(src.toString()).isZero();
        failures(cli, server, "-c", "config.yaml", "backup", "j");
        failures(cli, server, "-c", "config.yaml", "list", "j");
        failures(cli, server, "-c", "config.yaml", "prune", "j", "--dry-run");
        failures(cli, server, "-c", "config.yaml", "verify", "j");
        failures(cli, server, "-c", "config.yaml", "restore", "j", "--to", "app", "--auto-confirm");
        failures(cli, server, "-c", "config.yaml", "download", "j", "-o", "out.db");
        failures(cli, server, "-c", "config.yaml", "show", "j");
        failures(cli, server, "-c", "config.yaml", "check", "j");
        failures(cli, server, "-c", "config.yaml", "backup", "cp");
    }

    @Test
    void aServerNothingListensOnIsNamedOnceByEveryCommand() throws Exception {
        int port = FreePort.pick();
        Cli cli = config(port, ssh.clientKey());
        String server = ssh.host() + ":" + port;
        everyCommand(cli, server);
        assertThat(failures(cli, server, "-c", "config.yaml", "list", "j")).containsExactly("error: cannot list app/ in sftp "
                + ssh.user() + "@" + server + ":" + ssh.dataDir() + "/" + listRoot(cli)
                + ": cannot connect: Connection refused");
    }

    @Test
    void aKeyTheServerRefusesIsNamedOnceByEveryCommand() throws Exception {
        Path other = dir.resolve("other_key");
        io.dbbackup.testkit.Shell.sh(dir, "ssh-keygen -q -t ed25519 -N '' -f " + other);
        Cli cli = config(ssh.port(), other);
        String server = ssh.host() + ":" + ssh.port();
        everyCommand(cli, server);
    }

    private String listRoot(Cli cli) throws Exception {
        String config = Files.readString(dir.resolve("config.yaml"));
        java.util.regex.Matcher m = Pattern.compile("path: " + Pattern.quote(ssh.dataDir().toString()) + "/(once-[0-9a-f]+)")
                .matcher(config);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }
}
