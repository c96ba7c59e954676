package io.dbbackup.store.sftp;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.Leftovers;
import io.dbbackup.testkit.OpenSshServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One {@code backup --all} run whose SFTP connection the server drops between two jobs (an sshd restart, its
 * {@code ClientAliveInterval}, a NAT timeout): the later job reconnects once and succeeds without a retry (the jobs have
 * none), says so in one line, and the run leaves no connection or server session behind.
 */
class SftpReconnectIT {
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

    /** The session's processes killed: the connection closes, the client's transport sees it end. */
    @Test
    void aConnectionClosedBetweenTwoJobsIsMadeAgainAndClosedAtTheEnd() throws Exception {
        runWithDropBetweenJobs("", ssh::cutSessions);
        assertThat(Leftovers.connectionsTo(ssh.port())).as("connections open after the run").isZero();
        for (long end = System.nanoTime() + 5_000_000_000L; ssh.sessionProcesses() > 0 && System.nanoTime() < end; ) {
            Thread.sleep(50);
        }
        assertThat(ssh.sessionProcesses()).as("server sessions after the run").isZero();
        verifyBoth();
    }

    /**
     * The session's processes stopped: the connection goes silent, as one a NAT forgot; the next job's first request
     * gets no answer within {@code timeout}, and that job goes on over a new connection.
     */
    @Test
    void aConnectionGoneSilentBetweenTwoJobsIsMadeAgain() throws Exception {
        runWithDropBetweenJobs("    timeout: 2s\n", ssh::freezeSessions);
        assertThat(Leftovers.connectionsTo(ssh.port())).as("connections open after the run").isZero();
        ssh.cutSessions(); // the stopped ones
        verifyBoth();
    }

    /**
     * A store used after it was closed (a job's thread still running when the command returned): every operation is
     * refused with "store X is closed", an upload open at the close aborts without a new connection, and none is left.
     */
    @Test
    void aClosedStoreRefusesEveryOperationAndConnectsNoMore() throws Exception {
        String root = ssh.dataDir().resolve("closed-" + UUID.randomUUID().toString().substring(0, 8)).toString();
        SftpStore store = new SftpStore(SftpFixture.withKey(ssh.host(), ssh.port(), ssh.user(), root, ssh.clientKey(),
                ssh.knownHosts()));
        io.dbbackup.spi.OperationContext ctx = new io.dbbackup.spi.OperationContext(new io.dbbackup.spi.Cancellation(),
                new io.dbbackup.core.Log(new java.io.PrintWriter(new java.io.StringWriter()), io.dbbackup.core.Log.Format.TEXT,
                        io.dbbackup.core.Log.Level.INFO, java.time.Clock.systemUTC()), dir);
        store.put("job/a.dump", new byte[] {1, 2, 3}, ctx);
        io.dbbackup.spi.Upload open = store.upload("job/b.dump", ctx);
        open.stream().write(new byte[] {4, 5, 6});
        store.close();
        java.util.List<java.util.concurrent.Callable<?>> operations = java.util.List.of(() -> store.stat("job/a.dump"),
                () -> store.list("job/"), () -> store.listFolder("job/"), () -> store.listUnfinished("job/"),
                () -> store.listSetAside("job/"), () -> store.open("job/a.dump"), () -> store.upload("job/c.dump", ctx),
                () -> {
                    store.delete("job/a.dump");
                    return null;
                });
        for (java.util.concurrent.Callable<?> op : operations) {
            Throwable t = org.assertj.core.api.Assertions.catchThrowable(op::call);
            assertThat(t).isInstanceOf(io.dbbackup.spi.StoreClosedException.class)
                    .hasMessage("store " + store.describe() + " is closed");
        }
        open.abort();
        for (long end = System.nanoTime() + 5_000_000_000L; (Leftovers.connectionsTo(ssh.port()) > 0
                || ssh.sessionProcesses() > 0) && System.nanoTime() < end; ) {
            Thread.sleep(50);
        }
        assertThat(Leftovers.connectionsTo(ssh.port())).as("connections open after the close").isZero();
        assertThat(ssh.sessionProcesses()).as("server sessions after the close").isZero();
        assertThat(Path.of(root, "job", "a.dump")).as("the delete after the close did nothing").exists();
    }

    /**
     * A restore's or verify's read whose server session stops mid-stream (its sshd processes SIGSTOPped, the listener
     * still answering): after the store's {@code timeout} (2 s here) without an answer the read goes on from the byte it
     * had reached over a new connection, and the bytes read are exactly the file's. Waiting out {@code timeout} is the
     * point: a silent connection cannot be told from a slow one before then.
     */
    @Test
    void aReadWhoseSessionStopsMidStreamGoesOnOverANewConnectionAfterTheTimeout() throws Exception {
        String root = ssh.dataDir().resolve("stall-" + UUID.randomUUID().toString().substring(0, 8)).toString();
        try (SftpStore store = new SftpStore(SftpFixture.withKey(ssh.host(), ssh.port(), ssh.user(), root, ssh.clientKey(),
                ssh.knownHosts(), java.time.Duration.ofSeconds(2)))) {
            String sha = putBig(store, root);
            long t0;
            String read;
            try (java.io.InputStream in = store.open("db/big.dump")) {
                java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
                digest.update(in.readNBytes(1 << 20));
                ssh.freezeSessions();
                t0 = System.nanoTime();
                try (java.security.DigestInputStream rest = new java.security.DigestInputStream(in, digest)) {
                    rest.transferTo(java.io.OutputStream.nullOutputStream());
                }
                read = java.util.HexFormat.of().formatHex(digest.digest());
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("---- sftp read with its session stopped: the rest read in " + ms + " ms");
            assertThat(read).as("the whole file, once").isEqualTo(sha);
            assertThat(ms).as("the timeout waited out once, then a new connection").isBetween(1_900L, 6_000L);
        } finally {
            ssh.cutSessions(); // the stopped ones
        }
    }

    /**
     * A read whose server restarts mid-stream (its sessions cut, the listener gone for a moment: "Connection refused"):
     * the read goes on from the byte it had reached once the server listens again, the bytes read exactly the file's. It
     * failed at the first refused connection: a restore failed over a restart of sshd.
     */
    @Test
    void aReadWhoseServerRestartsMidStreamGoesOnOnceItListensAgain() throws Exception {
        String root = ssh.dataDir().resolve("restart-" + UUID.randomUUID().toString().substring(0, 8)).toString();
        try (SftpStore store = new SftpStore(SftpFixture.withKey(ssh.host(), ssh.port(), ssh.user(), root, ssh.clientKey(),
                ssh.knownHosts(), java.time.Duration.ofSeconds(2)))) {
            String sha = putBig(store, root);
            String read;
            CompletableFuture<Void> restarted;
            try (java.io.InputStream in = store.open("db/big.dump")) {
                java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
                digest.update(in.readNBytes(1 << 20));
                ssh.cutSessions();
                ssh.stop();
                restarted = CompletableFuture.runAsync(() -> {
                    try {
                        Thread.sleep(1_500);
                        ssh.start();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                try (java.security.DigestInputStream rest = new java.security.DigestInputStream(in, digest)) {
                    rest.transferTo(java.io.OutputStream.nullOutputStream());
                }
                read = java.util.HexFormat.of().formatHex(digest.digest());
            } finally {
                ssh.start(); // a no-op once the restart above ran
            }
            restarted.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(read).as("the whole file, once").isEqualTo(sha);
        } finally {
            ssh.start();
        }
    }

    /**
     * The same with the whole server stopped (listener too: a hung host): the read fails after the timeout, and its going
     * on over a new connection fails after the same timeout again (the kernel takes the connection, sshd never says
     * hello), three times with pauses of 1 and 2 s between; the failure names the server, the file and the byte the read
     * had reached, and why each step failed. It said only the new connection's failure ("sftp cannot connect to
     * HOST:PORT: no SSH banner within 2 s …"): no file, no read.
     */
    @Test
    void aReadWhoseServerStopsMidStreamFailsNamingTheFileAfterTheTimeouts() throws Exception {
        String root = ssh.dataDir().resolve("hung-" + UUID.randomUUID().toString().substring(0, 8)).toString();
        try (SftpStore store = new SftpStore(SftpFixture.withKey(ssh.host(), ssh.port(), ssh.user(), root, ssh.clientKey(),
                ssh.knownHosts(), java.time.Duration.ofSeconds(2)))) {
            putBig(store, root);
            long t0;
            Throwable t;
            try (java.io.InputStream in = store.open("db/big.dump")) {
                in.readNBytes(1 << 20);
                ssh.freeze();
                t0 = System.nanoTime();
                t = org.assertj.core.api.Assertions.catchThrowable(() -> in.transferTo(java.io.OutputStream.nullOutputStream()));
            } finally {
                ssh.thaw();
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("---- sftp read with its server stopped: failed after " + ms + " ms: " + t);
            assertThat(t).isInstanceOf(java.io.IOException.class).isNotInstanceOf(java.io.InterruptedIOException.class);
            assertThat(t.getMessage()).startsWith("sftp read " + ssh.user() + "@" + ssh.host() + ":" + ssh.port() + ":" + root
                            + "/db/big.dump failed: the server stopped answering: no answer for 2 s")
                    .containsPattern("; going on from byte \\d+ of " + (8 << 20) + " over a new connection failed too: sftp "
                            + "cannot connect to "
                            + java.util.regex.Pattern.quote(ssh.host() + ":" + ssh.port()) + ": no SSH banner within 2 s");
            assertThat(io.dbbackup.pipeline.Failures.map("restore failed", t).retryable()).as("retryable").isTrue();
            assertThat(ms).as("the read's timeout, then three new connections' with pauses of 1 and 2 s")
                    .isBetween(10_800L, 16_000L);
        } finally {
            ssh.cutSessions();
        }
    }

    /** {@code db/big.dump} of 8 MiB in {@code store} (folder {@code root}): its SHA-256. */
    private static String putBig(SftpStore store, String root) throws Exception {
        byte[] data = new byte[8 << 20];
        new java.util.Random(7).nextBytes(data);
        store.put("db/big.dump", data, new io.dbbackup.spi.OperationContext(new io.dbbackup.spi.Cancellation(),
                new io.dbbackup.core.Log(new java.io.PrintWriter(new java.io.StringWriter()), io.dbbackup.core.Log.Format.TEXT,
                        io.dbbackup.core.Log.Level.INFO, java.time.Clock.systemUTC()), Path.of(root).getParent()));
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data));
    }

    private interface Drop {
        void run() throws Exception;
    }

    /**
     * {@code backup --all --parallel 1} of jobs {@code first} and {@code second} on one SFTP store, with {@code between}
     * on a local store in the middle: while its dump waits, the SFTP connection idles and {@code drop} ends it.
     */
    private Cli.Result runWithDropBetweenJobs(String storeSettings, Drop drop) throws Exception {
        String root = ssh.dataDir().resolve("reconnect-" + UUID.randomUUID().toString().substring(0, 8)).toString();
        Path started = dir.resolve("between-started");
        Path go = dir.resolve("between-go");
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  one: {engine: fake, size: 300000}
                  wait: {engine: fake, command: [sh, -c, "touch %s; while [ ! -e %s ]; do sleep 0.05; done; echo done"]}
                  two: {engine: fake, size: 300000}
                stores:
                  remote:
                    type: sftp
                    host: %s
                    port: %d
                    user: %s
                    path: %s
                    key_file: %s
                    known_hosts: %s
                %s  here: {type: local, path: here}
                jobs:
                  first: {datasource: one, store: remote}
                  between: {datasource: wait, store: here}
                  second: {datasource: two, store: remote}
                """.formatted(started, go, ssh.host(), ssh.port(), ssh.user(), root, ssh.clientKey(), ssh.knownHosts(),
                storeSettings));
        CompletableFuture<Long> dropped = CompletableFuture.supplyAsync(() -> {
            try {
                while (!Files.exists(started)) {
                    Thread.sleep(20);
                }
                long sessions = ssh.sessionProcesses();
                drop.run();
                Files.writeString(go, "");
                return sessions;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "--all", "--parallel", "1", "--no-progress");
        assertThat(dropped.join()).as("server session processes of the first job's connection when dropped").isPositive();
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).as(r.toString())
                .containsOnlyOnce("sftp connection to " + ssh.host() + ":" + ssh.port() + " was lost; reconnected");
        return r;
    }

    private void verifyBoth() {
        for (String job : new String[] {"first", "second"}) {
            Cli.Result v = new Cli().workingDir(dir).run("-c", "config.yaml", "verify", job);
            assertThat(v.exit()).as(v.toString()).isZero();
        }
    }
}
