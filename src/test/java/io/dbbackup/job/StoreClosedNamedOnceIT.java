package io.dbbackup.job;

import io.dbbackup.config.JobConfig;
import io.dbbackup.core.Log;
import io.dbbackup.testkit.OpenSshServer;
import io.dbbackup.testkit.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A job's thread that goes on after the command returned and closed the stores (a job past its timeout): the store's
 * refusal ("store X is closed") came after a job's words that name the same store ({@code cannot list d/ in sftp
 * u@h:/p: store sftp u@h:/p is closed}). The store is said once, by the job's words: {@code …: the store is closed}.
 * A real SFTP server and a real s3proxy; nothing is sent once the store is closed.
 */
class StoreClosedNamedOnceIT {
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

    private Workspace load(String store, Map<String, String> env) throws Exception {
        Files.writeString(dir.resolve("d.db"), "");
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  d: {engine: sqlite, path: %s}
                stores:
                  s: %s
                jobs:
                  j: {datasource: d, store: s}
                """.formatted(dir.resolve("d.db"), store));
        Clock clock = Clock.fixed(Instant.parse("2026-12-06T03:00:00Z"), ZoneOffset.UTC);
        Log log = new Log(new PrintWriter(new StringWriter()), Log.Format.TEXT, Log.Level.INFO, clock);
        return Workspace.load(dir.resolve("config.yaml"), "config.yaml", env, clock, log);
    }

    private Workspace sftp() throws Exception {
        String root = ssh.dataDir().resolve("closed-" + java.util.UUID.randomUUID().toString().substring(0, 8)).toString();
        return load("{type: sftp, host: %s, port: %d, user: %s, path: %s, key_file: %s, known_hosts: %s}".formatted(ssh.host(),
                ssh.port(), ssh.user(), root, ssh.clientKey(), ssh.knownHosts()), Map.of());
    }

    @Test
    void aListingOfAClosedSftpStoreNamesTheStoreOnce() throws Exception {
        Workspace ws = sftp();
        JobConfig job = ws.config().jobs().get("j");
        Catalog catalog = new Catalog(ws);
        assertThat(catalog.list(job)).isEmpty(); // connected, listed
        String store = catalog.store(job).describe();
        ws.closeStores();

        Throwable t = catchThrowable(() -> catalog.list(job));

        assertThat(t).hasMessage("cannot list d/ in " + store + ": the store is closed");
    }

    @Test
    void aNamedBackupOfAClosedSftpStoreNamesTheStoreOnce() throws Exception {
        Workspace ws = sftp();
        JobConfig job = ws.config().jobs().get("j");
        Catalog catalog = new Catalog(ws);
        assertThat(catalog.list(job)).isEmpty();
        String store = catalog.store(job).describe();
        ws.closeStores();

        Throwable t = catchThrowable(() -> catalog.resolve(job, Optional.of("d-20261206-020000.sqlite.gz")));

        assertThat(t).hasMessage("cannot reach store " + store + ": the store is closed");
    }

    @Test
    void aListingOfAClosedS3StoreNamesTheStoreOnceAndItsFolderAsAnAddress() throws Exception {
        try (S3ProxyServer s3 = new S3ProxyServer();
             software.amazon.awssdk.services.s3.S3Client admin = io.dbbackup.store.s3.S3Fixture.admin(s3)) {
            admin.createBucket(b -> b.bucket("closed"));
            Workspace ws = load("{type: s3, endpoint: %s, bucket: closed, path_style: true, access_key_env: S3_ACCESS, "
                    .formatted(s3.endpoint()) + "secret_key_env: S3_SECRET}",
                    Map.of("S3_ACCESS", s3.accessKey(), "S3_SECRET", s3.secretKey()));
            JobConfig job = ws.config().jobs().get("j");
            Catalog catalog = new Catalog(ws);
            assertThat(catalog.list(job)).isEmpty();
            String store = catalog.store(job).describe();
            ws.closeStores();

            Throwable t = catchThrowable(() -> catalog.list(job));

            // s3://closed/j/ is the folder's address (an object name), not the store said again
            assertThat(t).hasMessage("cannot list d/ in " + store + ": s3 list s3://closed/d/ failed: the store is closed");
        }
    }
}
