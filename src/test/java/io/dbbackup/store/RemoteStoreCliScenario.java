package io.dbbackup.store;

import io.dbbackup.core.Log;
import io.dbbackup.core.StoredObject;
import io.dbbackup.core.UnfinishedUpload;
import io.dbbackup.spi.Cancellation;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.Store;
import io.dbbackup.spi.Upload;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.Shell;
import io.dbbackup.testkit.SqliteFixture;
import io.dbbackup.testkit.SteppingClock;
import io.dbbackup.testkit.TestBytes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * backup / list / prune --dry-run / prune / verify / restore through {@code Main.run}, with a SQLite
 * datasource and a remote store; the subclasses give the store section and a direct handle on it.
 */
public abstract class RemoteStoreCliScenario {
    @TempDir
    protected Path dir;
    protected Cli cli;

    /** The body of {@code stores.remote} in YAML, indented by 4 spaces; secrets through env vars set on {@link #cli}. */
    protected abstract String storeYaml() throws Exception;

    /** The same place as a {@link Store}, to look at and seed objects directly. */
    protected abstract Store rawStore() throws Exception;

    /** Secrets that must never appear in the CLI's output. */
    protected abstract List<String> secrets();

    @BeforeEach
    void setUpCli() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 300);
        cli = new Cli().workingDir(dir).clock(new SteppingClock(Instant.parse("2026-11-20T02:00:00Z"), Duration.ofHours(7)));
    }

    protected void writeConfig(String retention) throws Exception {
        writeConfig(retention, storeYaml());
    }

    /** The config of job {@code app} with {@code retention}, its store given by {@code store} (as {@link #storeYaml()}). */
    protected void writeConfig(String retention, String store) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), DATASOURCES + """
                stores:
                  remote:
                %s
                jobs:
                  app:
                    datasource: app
                    store: remote
                    prefix: prod
                    verify: true
                    retention:
                %s
                """.formatted(store.stripTrailing(), retention.indent(6).stripTrailing()));
    }

    /** Datasource {@code app} (SQLite app.db, zstd) and {@code restored} (restored/app.db), as a config's first section. */
    private static final String DATASOURCES = """
            datasources:
              app:
                engine: sqlite
                path: app.db
                compression: zstd
              restored:
                engine: sqlite
                path: restored/app.db
            """;

    /**
     * Job {@code big}: a SQLite database of {@code mib} MiB that does not compress, backed up uncompressed with
     * {@code keep_last: 1} (for a store killed mid-backup).
     */
    protected void writeBigJob(int mib) throws Exception {
        Shell.ok(dir, "sqlite3", dir.resolve("big.db").toString(),
                "create table blobs(b); insert into blobs select randomblob(1048576) from generate_series(1, " + mib + ");");
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  big:
                    engine: sqlite
                    path: big.db
                    compression: none
                stores:
                  remote:
                %s
                jobs:
                  big:
                    datasource: big
                    store: remote
                    prefix: prod
                    retention:
                      keep_last: 1
                """.formatted(storeYaml().stripTrailing()));
    }

    protected OperationContext ctx() {
        return new OperationContext(new Cancellation(),
                new Log(new PrintWriter(new StringWriter()), Log.Format.TEXT, Log.Level.INFO, Clock.systemUTC()), dir);
    }

    protected List<String> keys(Store store, String prefix) throws Exception {
        return store.list(prefix).stream().map(StoredObject::key).toList();
    }

    /**
     * Runs {@code command} (after {@code -c config.yaml}) through a relay to the HTTP {@code server} (s3proxy, Azurite)
     * that, at the {@code getNumber}th GET of {@code target}, deletes it and its sidecars (a prune on another host) once
     * its answer began, and cuts that answer at half its first body bytes: the request for the rest finds it gone. The
     * config is put back after.
     */
    protected Cli.Result deletedMidRead(java.net.URI server, String target, int getNumber, List<String> command) throws Exception {
        try (Store raw = rawStore()) {
            return deletedMidRead(cli, dir, raw, server, target, getNumber, command);
        }
    }

    /**
     * {@link #deletedMidRead(java.net.URI, String, int, List)} for any CLI test: {@code cli} runs in {@code dir} with
     * its {@code config.yaml} naming {@code server}; {@code raw} is the store, to delete {@code target} through.
     */
    public static Cli.Result deletedMidRead(Cli cli, Path dir, Store raw, java.net.URI server, String target, int getNumber,
            List<String> command) throws Exception {
        java.util.concurrent.atomic.AtomicInteger gets = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger state = new java.util.concurrent.atomic.AtomicInteger(); // 1 asked, 2 headers, 3 cut
        try (io.dbbackup.testkit.TcpRelay relay = new io.dbbackup.testkit.TcpRelay(server) {
            @Override
            protected int pass(boolean toServer, byte[] buf, int n, long seen) {
                String text = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
                if (toServer) {
                    String line = text.lines().findFirst().orElse("");
                    if (line.startsWith("GET ") && line.endsWith(target + " HTTP/1.1") && gets.incrementAndGet() == getNumber) {
                        state.compareAndSet(0, 1);
                    }
                    return n;
                }
                int body = 0;
                if (state.get() == 1 && text.startsWith("HTTP/1.1 200")) { // its answer: the client waits for it alone
                    body = text.indexOf("\r\n\r\n") + 4;
                    state.set(2);
                }
                if (state.get() != 2 || n - body < 2) {
                    return n;
                }
                try {
                    for (String k : List.of(target, target + ".sha256", target + ".manifest.json")) {
                        raw.delete(k);
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                state.set(3);
                return body + (n - body) / 2; // half its body, then the connection drops
            }
        }) {
            String config = Files.readString(dir.resolve("config.yaml"));
            Files.writeString(dir.resolve("config.yaml"), config.replace(server.getHost() + ":" + server.getPort(),
                    "127.0.0.1:" + relay.port()));
            try {
                List<String> args = new java.util.ArrayList<>(List.of("-c", "config.yaml"));
                args.addAll(command);
                Cli.Result r = cli.run(args.toArray(String[]::new));
                assertThat(state.get()).as("deleted and cut mid-read: %s", r).isEqualTo(3);
                return r;
            } finally {
                Files.writeString(dir.resolve("config.yaml"), config);
            }
        }
    }

    protected void assertNoSecrets(Cli.Result r) {
        for (String s : secrets()) {
            assertThat(r.out()).doesNotContain(s);
            assertThat(r.err()).doesNotContain(s);
        }
    }

    @Test
    void backupListPruneVerifyRestore() throws Exception {
        writeConfig("keep_last: 2");
        try (Store raw = rawStore()) {
            raw.put("prod/app/README.txt", "not a backup".getBytes(StandardCharsets.UTF_8), ctx());
            raw.put("elsewhere/app-20200101-000000.sqlite.zst", "other job".getBytes(StandardCharsets.UTF_8), ctx());
            for (int i = 0; i < 4; i++) {
                Cli.Result r = cli.run("-c", "config.yaml", "backup", "app");
                assertThat(r.exit()).as(r.toString()).isZero();
                assertNoSecrets(r);
            }
            List<String> backups = keys(raw, "prod/app/").stream().filter(k -> k.endsWith(".sqlite.zst")).toList();
            assertThat(backups).hasSize(4);
            for (String k : backups) {
                assertThat(keys(raw, k)).containsExactlyInAnyOrder(k, k + ".sha256", k + ".manifest.json");
            }
            checkWithSha256sum(raw, backups.get(0));

            Cli.Result list = cli.run("-c", "config.yaml", "list", "app");
            assertThat(list.exit()).as(list.toString()).isZero();
            backups.forEach(k -> assertThat(list.out()).contains(k.substring(k.lastIndexOf('/') + 1)));

            Cli.Result verify = cli.run("-c", "config.yaml", "verify", "app");
            assertThat(verify.exit()).as(verify.toString()).isZero();
            // every backup read back through this store's streams as --limit-download paces them (their checksums must
            // still match: the pacing slices reads; the pacing's timing is DownloadRateLimitCliTest's)
            Cli.Result paced = cli.run("-c", "config.yaml", "--limit-download", "64KiB", "verify", "app", "--all-backups");
            assertThat(paced.exit()).as(paced.toString()).isZero();
            assertThat(paced.out()).contains("4 of 4 backups verified");
            Cli.Result restore = cli.run("-c", "config.yaml", "restore", "app", "--to", "restored");
            assertThat(restore.exit()).as(restore.toString()).isZero();
            assertThat(SqliteFixture.fingerprint(dir.resolve("restored/app.db")))
                    .isEqualTo(SqliteFixture.fingerprint(dir.resolve("app.db")));
            assertNoSecrets(verify);
            assertNoSecrets(restore);

            String oldest = backups.get(0).substring(backups.get(0).lastIndexOf('/') + 1);
            Cli.Result pin = cli.run("-c", "config.yaml", "pin", "app", oldest, "--note", "before migration");
            assertThat(pin.exit()).as(pin.toString()).isZero();
            Cli.Result show = cli.run("-c", "config.yaml", "show", "app", oldest, "--contents");
            assertThat(show.exit()).as(show.toString()).isZero();
            assertThat(show.out()).contains("(sidecar and manifest agree)", ": before migration (retention keeps it)",
                    "table customers (300 rows)");
            assertNoSecrets(show);

            Cli.Result dry = cli.run("-c", "config.yaml", "prune", "app", "--dry-run", "--json");
            assertThat(dry.exit()).as(dry.toString()).isZero();
            assertThat(keys(raw, "")).hasSize(4 * 3 + 2 + 1);

            Cli.Result prune = cli.run("-c", "config.yaml", "prune", "app", "--json");
            assertThat(prune.exit()).as(prune.toString()).isZero();
            assertNoSecrets(prune);
            // the dry run's decision is what the prune then did, the pinned backup kept by both
            assertThat(decided(prune, "delete")).as("deleted as the dry run said").isEqualTo(decided(dry, "delete"))
                    .containsExactly(backups.get(1));
            assertThat(decided(prune, "keep")).isEqualTo(decided(dry, "keep")).contains(backups.get(0));
            List<String> left = keys(raw, "");
            assertThat(left).as(dry + "\n" + prune).containsExactlyInAnyOrder("elsewhere/app-20200101-000000.sqlite.zst", "prod/app/README.txt",
                    backups.get(0), backups.get(0) + ".sha256", backups.get(0) + ".manifest.json", backups.get(0) + ".pin",
                    backups.get(2), backups.get(2) + ".sha256", backups.get(2) + ".manifest.json",
                    backups.get(3), backups.get(3) + ".sha256", backups.get(3) + ".manifest.json");
            assertThat(cli.run("-c", "config.yaml", "list", "app").out()).contains(oldest + "  pinned");

        }
    }

    /** The keys of a {@code prune --json} document's {@code keep} or {@code delete} list, in its order. */
    private static List<String> decided(Cli.Result r, String list) {
        java.util.Map<?, ?> doc = (java.util.Map<?, ?>) io.dbbackup.core.Json.parse(r.out());
        return ((List<?>) doc.get(list)).stream().map(e -> (String) ((java.util.Map<?, ?>) e).get("key")).toList();
    }

    /** {@code check}: the probe goes in, comes back and goes away; the job's folder holds nothing afterwards. */
    @Test
    void checkWritesReadsBackAndDeletesAProbeInTheJobsFolder() throws Exception {
        writeConfig("keep_last: 2");
        Cli.Result r = cli.run("-c", "config.yaml", "check", "app");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).containsPattern("ok     app store: .*: wrote, read back and deleted prod/app/\\.dbbackup-check-[0-9a-f]{16}")
                .contains("1 of 1 job passed every check (exit 0)");
        assertNoSecrets(r);
        try (Store raw = rawStore()) {
            assertThat(keys(raw, "")).isEmpty();
        }
    }

    /**
     * What a backup killed mid-upload leaves (an upload written to, never committed nor aborted: an S3 multipart
     * upload, an SFTP temporary file) is removed by {@code prune} once it has not been written to for a day by this
     * host's clock and by the store's (PruneAbandonedUploadsIT ages one in a local store: a server's timestamps cannot
     * be set back). A host whose clock ran a day ahead took an upload written a moment ago (another run's, in
     * progress) for abandoned and removed it; now it is left, as are the job's backups and another job's upload.
     */
    @Test
    void aHostWhoseClockIsADayAheadLeavesAnUploadInProgress() throws Exception {
        writeConfig("keep_last: 5");
        try (Store raw = rawStore()) {
            Cli.Result b = cli.run("-c", "config.yaml", "backup", "app");
            assertThat(b.exit()).as(b.toString()).isZero();
            List<String> stored = keys(raw, "");
            String runningKey = "prod/app/app-20261121-020000.sqlite.zst";
            String otherJobs = "elsewhere/app/app-20261121-020000.sqlite.zst";
            Upload running = raw.upload(runningKey, ctx());
            Upload other = raw.upload(otherJobs, ctx());
            try {
                TestBytes.write(running.stream(), 12L << 20, 5); // more than two S3 parts
                TestBytes.write(other.stream(), 12L << 20, 6);
                running.stream().flush();
                other.stream().flush();
                List<UnfinishedUpload> left = awaitUnfinished(raw, "", 2);
                assertThat(left).extracting(UnfinishedUpload::key).containsExactly(otherJobs, runningKey);

                // the subclasses' secrets are set on cli: move its clock on
                Cli ahead = cli.clock(Clock.fixed(Instant.now().plus(Duration.ofHours(25)), ZoneOffset.UTC));
                Cli.Result dry = ahead.run("-c", "config.yaml", "prune", "app", "--dry-run");
                assertThat(dry.exit()).as(dry.toString()).isZero();
                assertThat(dry.out()).doesNotContain("abandoned");

                Cli.Result prune = ahead.run("-c", "config.yaml", "prune", "app");
                assertThat(prune.exit()).as(prune.toString()).isZero();
                assertThat(prune.out()).doesNotContain("abandoned");
                assertThat(prune.err()).contains("1 upload unwritten for 24 h by this host's clock but not by the store's");
                assertNoSecrets(prune);
                assertThat(raw.listUnfinished("")).extracting(UnfinishedUpload::key).containsExactly(otherJobs, runningKey);
                assertThat(keys(raw, "")).as("the job's backup and its sidecars").isEqualTo(stored);
            } finally {
                running.abort();
                other.abort();
            }
            assertThat(raw.listUnfinished("")).isEmpty();
        }
    }

    /** The unfinished uploads under {@code prefix} once there are {@code n} and the listing stopped changing. */
    private static List<UnfinishedUpload> awaitUnfinished(Store store, String prefix, int n) throws Exception {
        long end = System.nanoTime() + 30_000_000_000L;
        List<UnfinishedUpload> last = List.of();
        while (true) {
            List<UnfinishedUpload> found = store.listUnfinished(prefix);
            if ((found.size() == n && found.equals(last)) || System.nanoTime() > end) {
                return found;
            }
            last = found;
            Thread.sleep(300);
        }
    }

    /**
     * {@code download}: the newest backup lands in a folder with its sidecar and {@code sha256sum -c} accepts
     * it; a corrupted object exits 3 and leaves no file (not even a temporary one).
     */
    @Test
    void downloadWritesAVerifiedFileAndNothingForACorruptObject() throws Exception {
        writeConfig("keep_last: 5");
        Cli.Result backup = cli.run("-c", "config.yaml", "backup", "app");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        try (Store raw = rawStore()) {
            String key = keys(raw, "prod/app/").stream().filter(k -> k.endsWith(".sqlite.zst")).findFirst().orElseThrow();
            String name = key.substring(key.lastIndexOf('/') + 1);
            byte[] stored;
            try (InputStream in = raw.open(key)) {
                stored = in.readAllBytes();
            }
            Path folder = Files.createDirectories(dir.resolve("fetched"));
            Cli.Result d = cli.run("-c", "config.yaml", "download", "app", "-o", "fetched", "--with-sidecar");
            assertThat(d.exit()).as(d.toString()).isZero();
            assertNoSecrets(d);
            assertThat(d.err()).as("no progress line without a terminal").doesNotContain("\r");
            assertThat(Files.readAllBytes(folder.resolve(name))).isEqualTo(stored);
            Process p = new ProcessBuilder("sha256sum", "-c", name + ".sha256").directory(folder.toFile())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as(out).isZero();
            assertThat(out).contains(name + ": OK");
            try (var files = Files.list(folder)) {
                assertThat(files.map(f -> f.getFileName().toString()).toList()).containsExactlyInAnyOrder(name, name + ".sha256");
            }

            byte[] corrupt = stored.clone();
            corrupt[corrupt.length / 2] ^= 0x01;
            raw.put(key, corrupt, ctx());
            Path target = Files.createDirectories(dir.resolve("corrupt"));
            Cli.Result bad = cli.run("-c", "config.yaml", "download", "app", name, "-o", "corrupt");
            assertThat(bad.exit()).as(bad.toString()).isEqualTo(3);
            assertThat(bad.err()).contains("checksum mismatch for " + key);
            try (var files = Files.list(target)) {
                assertThat(files.toList()).as("no output file, no temporary file").isEmpty();
            }
        }
    }

    /**
     * Copy jobs both ways: a local job's backups copied into this store (offsite) and this store's job's backups copied
     * into a local folder (a vault), in the run that made them; the copies byte for byte with sidecars
     * {@code sha256sum -c} accepts, restorable from the copy alone, pruned by the copy's own retention.
     */
    @Test
    void copyJobsCarryBackupsToThisStoreAndBackInTheRunThatMadeThem() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), DATASOURCES + """
                stores:
                  remote:
                %s
                  local:
                    type: local
                    path: local
                jobs:
                  nightly:
                    datasource: app
                    store: local
                    prefix: nightly
                  offsite:
                    copy_of: nightly
                    store: remote
                    prefix: offsite
                    verify: true
                    retention: {keep_last: 2}
                  app:
                    datasource: app
                    store: remote
                    prefix: prod
                  vault:
                    copy_of: app
                    store: local
                    prefix: vault
                """.formatted(storeYaml().stripTrailing()));
        for (int i = 0; i < 3; i++) {
            Cli.Result r = cli.run("-c", "config.yaml", "backup", "--all", "--parallel", "4", "--prune");
            assertThat(r.exit()).as(r.toString()).isZero();
            assertNoSecrets(r);
        }
        try (Store raw = rawStore()) {
            Path local = dir.resolve("local");
            List<String> nightly;
            try (var files = Files.list(local.resolve("nightly/app"))) {
                nightly = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".sqlite.zst")).sorted().toList();
            }
            assertThat(nightly).hasSize(3);
            List<String> offsite = keys(raw, "offsite/app/").stream().filter(k -> k.endsWith(".sqlite.zst")).sorted().toList();
            assertThat(offsite).as("keep_last 2 of the offsite copy").containsExactly("offsite/app/" + nightly.get(1),
                    "offsite/app/" + nightly.get(2));
            for (String k : offsite) {
                try (InputStream in = raw.open(k)) {
                    assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(local.resolve("nightly/app/" + k.substring(k.lastIndexOf('/') + 1))));
                }
                assertThat(keys(raw, k)).containsExactlyInAnyOrder(k, k + ".sha256", k + ".manifest.json");
            }
            checkWithSha256sum(raw, offsite.get(1));

            List<String> prod = keys(raw, "prod/app/").stream().filter(k -> k.endsWith(".sqlite.zst")).sorted().toList();
            assertThat(prod).hasSize(3);
            for (String k : prod) {
                String name = k.substring(k.lastIndexOf('/') + 1);
                assertThat(Shell.ok(local.resolve("vault/app"), "sha256sum", "-c", name + ".sha256")).contains(name + ": OK");
            }
        }
        Cli.Result restore = cli.run("-c", "config.yaml", "restore", "offsite", "--to", "restored");
        assertThat(restore.exit()).as(restore.toString()).isZero();
        assertNoSecrets(restore);
        assertThat(SqliteFixture.fingerprint(dir.resolve("restored/app.db"))).isEqualTo(SqliteFixture.fingerprint(dir.resolve("app.db")));
    }

    /**
     * A copy in this store cut short (1000 bytes where its source has more) is found by its listed size on the copy
     * job's next run and copied again over it, byte for byte (before: "copy up to date", ok, every night).
     */
    @Test
    void aCopyCutShortInThisStoreIsCopiedAgainOnTheNextRun() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), DATASOURCES + """
                stores:
                  remote:
                %s
                  local:
                    type: local
                    path: local
                jobs:
                  nightly:
                    datasource: app
                    store: local
                    prefix: nightly
                  offsite:
                    copy_of: nightly
                    store: remote
                    prefix: offsite
                """.formatted(storeYaml().stripTrailing()));
        Cli.Result first = cli.run("-c", "config.yaml", "backup", "--all");
        assertThat(first.exit()).as(first.toString()).isZero();
        try (Store raw = rawStore()) {
            String copy = keys(raw, "offsite/app/").stream().filter(k -> k.endsWith(".sqlite.zst")).findFirst().orElseThrow();
            byte[] source = Files.readAllBytes(dir.resolve("local/nightly/app/" + copy.substring(copy.lastIndexOf('/') + 1)));
            raw.put(copy, java.util.Arrays.copyOf(source, 1000), ctx());

            Cli.Result r = cli.run("-c", "config.yaml", "backup", "offsite");

            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.err()).contains("copy does not match its source: the copy is 1000 bytes")
                    .contains("damaged copy repaired");
            assertNoSecrets(r);
            try (InputStream in = raw.open(copy)) {
                assertThat(in.readAllBytes()).isEqualTo(source);
            }
            checkWithSha256sum(raw, copy);
        }
    }

    /**
     * A backup in this store cut short (1000 bytes where its manifest records more): prune, by the listed size and one
     * manifest read, does not count it, so with {@code keep_last: 1} it keeps the older good backup and leaves the cut
     * one as it is (before: it kept the cut one and deleted the only good backup).
     */
    @Test
    void aBackupCutShortInThisStoreIsNotCountedByPrune() throws Exception {
        writeConfig("keep_last: 1");
        for (int i = 0; i < 2; i++) {
            Cli.Result r = cli.run("-c", "config.yaml", "backup", "app");
            assertThat(r.exit()).as(r.toString()).isZero();
        }
        try (Store raw = rawStore()) {
            List<String> backups = keys(raw, "prod/app/").stream().filter(k -> k.endsWith(".sqlite.zst")).sorted().toList();
            assertThat(backups).hasSize(2);
            String older = backups.get(0);
            String newest = backups.get(1);
            byte[] whole;
            try (InputStream in = raw.open(newest)) {
                whole = in.readAllBytes();
            }
            raw.put(newest, java.util.Arrays.copyOf(whole, 1000), ctx());

            Cli.Result dry = cli.run("-c", "config.yaml", "prune", "app", "--dry-run");
            assertThat(dry.exit()).as(dry.toString()).isZero();
            assertThat(dry.out()).contains("job app: keep 1, would delete 0, left 1 (not counted)\n").contains(older)
                    .containsPattern("\n  left    \\S+ \\S+  " + java.util.regex.Pattern.quote(newest + "  [not counted: cut short (1000 of "
                            + whole.length + " bytes)]") + "\n");
            Cli.Result r = cli.run("-c", "config.yaml", "prune", "app");

            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.err()).contains("not counted by retention: a backup that is 1000 bytes, its manifest records "
                    + whole.length);
            assertNoSecrets(r);
            assertThat(keys(raw, "prod/app/").stream().filter(k -> k.endsWith(".sqlite.zst")).sorted().toList())
                    .as("the good backup kept, the cut one left").containsExactly(older, newest);
            assertThat(keys(raw, newest)).contains(newest + ".sha256", newest + ".manifest.json");
        }
    }

    /** Downloads a backup and its .sha256 sidecar into a folder and runs the real {@code sha256sum -c}. */
    protected void checkWithSha256sum(Store raw, String key) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("download-" + System.nanoTime()));
        String name = key.substring(key.lastIndexOf('/') + 1);
        for (String k : List.of(key, key + ".sha256")) {
            try (InputStream in = raw.open(k)) {
                Files.copy(in, folder.resolve(k.substring(k.lastIndexOf('/') + 1)));
            }
        }
        Process p = new ProcessBuilder("sha256sum", "-c", name + ".sha256").directory(folder.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).contains(name + ": OK");
    }
}
