package io.dbbackup.store.s3;

import io.dbbackup.spi.Store;
import io.dbbackup.store.RemoteStoreCliScenario;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.S3ProxyServer;
import io.dbbackup.testkit.Shell;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Files;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI against s3proxy: the shared scenario, prune over 5,000 backups, and a server killed mid-backup. */
class S3CliIT extends RemoteStoreCliScenario {
    static S3ProxyServer s3;
    static S3Client admin;
    String bucket;

    @BeforeAll
    static void start() throws Exception {
        s3 = new S3ProxyServer();
        admin = S3Fixture.admin(s3);
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @BeforeEach
    void bucket() {
        bucket = "cli-" + UUID.randomUUID().toString().substring(0, 8);
        admin.createBucket(b -> b.bucket(bucket));
        cli.env("S3_ACCESS", s3.accessKey()).env("S3_SECRET", s3.secretKey());
    }

    @Override
    protected String storeYaml() {
        return """
                    type: s3
                    endpoint: %s
                    bucket: %s
                    prefix: team/db
                    path_style: true
                    access_key_env: S3_ACCESS
                    secret_key_env: S3_SECRET
                    part_size: 5MiB
                """.formatted(s3.endpoint(), bucket);
    }

    @Override
    protected Store rawStore() {
        return S3Fixture.store(s3, bucket, "team/db/", 5L << 20, 2);
    }

    @Override
    protected List<String> secrets() {
        return List.of(s3.secretKey());
    }

    /**
     * A secret key the service refuses: exit 2 (a system error, as the README's table says, not retried), one line
     * naming the config keys that give the credentials, their places and the variables they were read from — never the
     * secret.
     * It said "check the store's credentials and the bucket policy" alone.
     */
    @Test
    void aWrongSecretKeyNamesItsConfigPlaceAndExits2() throws Exception {
        writeConfig("keep_last: 3");
        String wrong = "wrong-" + s3.secretKey();
        Cli.Result r = cli.env("S3_SECRET", wrong).run("-c", "config.yaml", "backup", "app");
        System.out.println("a wrong secret key: " + r);
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        // the first request is a HEAD, whose 403 has no body to tell a wrong secret key from an unknown access key: both
        assertThat(r.err()).contains("HTTP 403").contains("; check the store's credentials (stores.remote.access_key_env at "
                        + "config.yaml:16:21, read from env S3_ACCESS; stores.remote.secret_key_env at config.yaml:17:21, "
                        + "read from env S3_SECRET) and the bucket policy")
                .doesNotContain(wrong).doesNotContain(s3.secretKey()).doesNotContain("Exception");
    }

    /** 5,000 hourly backups with sidecars plus unrelated files: prune deletes exactly the expired ones. */
    @Test
    void pruneOverFiveThousandBackups() throws Exception {
        writeConfig("keep_last: 3\nkeep_daily: 7");
        DateTimeFormatter stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
        Instant newest = Instant.parse("2026-11-19T23:00:00Z");
        List<String> backups = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            backups.add("prod/app/app-" + stamp.format(newest.minusSeconds(3600L * i)) + ".sqlite.zst");
        }
        List<String> others = List.of("prod/app/README.txt", "prod/app/app-latest.sqlite.zst", "prod/other/other-20261119-230000.sqlite.zst",
                "unrelated/app-20200101-000000.sqlite.zst");
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<?>> puts = new ArrayList<>();
        for (String b : backups) {
            for (String k : List.of(b, b + ".sha256", b + ".manifest.json")) {
                puts.add(pool.submit(() -> admin.putObject(r -> r.bucket(bucket).key("team/db/" + k), RequestBody.fromString("x"))));
            }
        }
        for (String k : others) {
            puts.add(pool.submit(() -> admin.putObject(r -> r.bucket(bucket).key("team/db/" + k), RequestBody.fromString("x"))));
        }
        for (Future<?> f : puts) {
            f.get();
        }
        pool.shutdown();
        try (Store raw = rawStore()) {
            assertThat(raw.list("")).hasSize(15_004);
            Cli.Result dry = cli.run("-c", "config.yaml", "prune", "app", "--dry-run");
            assertThat(dry.exit()).as(dry.toString()).isZero();
            assertThat(raw.list("")).hasSize(15_004);

            long t0 = System.nanoTime();
            Cli.Result prune = cli.run("-c", "config.yaml", "prune", "app");
            assertThat(prune.exit()).as(prune.err()).isZero();
            System.out.printf("S3 prune of 4,991 of 5,000 backups (14,973 objects): %.1f s%n", (System.nanoTime() - t0) / 1e9);
            // keep_last 3 = the 3 newest; keep_daily 7 = the newest of each of the 7 newest days (hourly backups)
            Set<String> kept = new HashSet<>(backups.subList(0, 3));
            for (String b : backups) {
                String day = b.substring("prod/app/app-".length(), "prod/app/app-".length() + 8);
                if (kept.stream().noneMatch(k -> k.contains("app-" + day)) && dayCount(kept) < 7) {
                    kept.add(b);
                }
            }
            assertThat(kept).hasSize(9);
            List<String> expected = new ArrayList<>(others);
            for (String b : kept) {
                expected.addAll(List.of(b, b + ".sha256", b + ".manifest.json"));
            }
            assertThat(keys(raw, "")).containsExactlyInAnyOrderElementsOf(expected);
            assertNoSecrets(prune);
        }
    }

    /**
     * A listing that breaks off after its first page (every request for the next page cut, the SDK's retries too):
     * prune fails as a store failure naming the listing, and deletes nothing — not the expired backups of the first
     * page, not their sidecars.
     */
    @Test
    void pruneWhoseListingBreaksOffAfterTheFirstPageDeletesNothing() throws Exception {
        DateTimeFormatter stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
        Instant newest = Instant.parse("2026-11-19T23:00:00Z");
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<?>> puts = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            String b = "prod/app/app-" + stamp.format(newest.minusSeconds(3600L * i)) + ".sqlite.zst";
            for (String k : List.of(b, b + ".sha256", b + ".manifest.json")) {
                puts.add(pool.submit(() -> admin.putObject(r -> r.bucket(bucket).key("team/db/" + k), RequestBody.fromString("x"))));
            }
        }
        for (Future<?> f : puts) {
            f.get();
        }
        pool.shutdown();
        java.util.concurrent.atomic.AtomicInteger cut = new java.util.concurrent.atomic.AtomicInteger();
        try (io.dbbackup.testkit.TcpRelay relay = new io.dbbackup.testkit.TcpRelay(s3.endpoint()) {
            @Override
            protected int pass(boolean toServer, byte[] buf, int n, long seen) {
                boolean nextPage = toServer && new String(buf, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1)
                        .contains("continuation-token=");
                if (nextPage) {
                    cut.incrementAndGet();
                }
                return nextPage ? 0 : n;
            }
        }; Store raw = rawStore()) {
            writeConfig("keep_last: 3", storeYaml().replace(s3.endpoint().toString(), relay.uri().toString()));
            Cli.Result prune = cli.run("-c", "config.yaml", "prune", "app");
            assertThat(cut.get()).as("requests for the second page cut").isPositive();
            assertThat(prune.exit()).as(prune.toString()).isEqualTo(2);
            assertThat(prune.err()).contains("list").contains(bucket);
            assertThat(raw.list("")).as("nothing deleted").hasSize(1_200);
            assertNoSecrets(prune);
        }
    }

    /**
     * An endpoint with a user and password in it ({@code http://user:password@host:port}): S3 signs with the access
     * key, so the user info is never sent; the store warns at the key and drops it, and the password shows nowhere —
     * not in {@code config validate}, a backup's log, {@code list} (text and JSON), {@code check}, {@code verify},
     * nor a failure's message (a bucket that does not exist).
     */
    /**
     * A valid bucket name ({@code cli-1a2b3c4d}) is no warning, from config validate or from the backup that loads the same
     * config and writes to it: the bucket-name warning speaks only of names that break S3's rules.
     */
    @Test
    void aValidBucketNameGivesNoBucketWarning() throws Exception {
        writeConfig("keep_last: 2");
        Cli.Result validate = cli.run("-c", "config.yaml", "config", "validate");
        assertThat(validate.exit()).as(validate.toString()).isZero();
        Cli.Result backup = cli.run("-c", "config.yaml", "backup", "app");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        for (Cli.Result r : List.of(validate, backup)) {
            assertThat(r.err()).as(r.toString()).doesNotContain("warning").doesNotContain("not a valid S3 bucket name")
                    .doesNotContain("stores.remote.bucket");
        }
    }

    @Test
    void endpointWithAPasswordInItNeverShowsThePassword() throws Exception {
        String password = "ep-pass-" + UUID.randomUUID();
        String withUser = "http://backup-user:" + password + "@" + s3.endpoint().getAuthority();
        writeConfig("keep_last: 2", storeYaml().replace(s3.endpoint().toString(), withUser));
        List<Cli.Result> runs = new ArrayList<>();
        Cli.Result validate = cli.run("-c", "config.yaml", "config", "validate");
        runs.add(validate);
        assertThat(validate.exit()).as(validate.toString()).isZero();
        Cli.Result backup = cli.run("-c", "config.yaml", "-v", "backup", "app");
        runs.add(backup);
        assertThat(backup.exit()).as(backup.toString()).isZero();
        for (String[] args : List.of(new String[]{"list", "app"}, new String[]{"list", "app", "--json"},
                new String[]{"list", "--all"}, new String[]{"check", "app"}, new String[]{"verify", "app"})) {
            List<String> full = new ArrayList<>(List.of("-c", "config.yaml"));
            full.addAll(List.of(args));
            Cli.Result r = cli.run(full.toArray(String[]::new));
            runs.add(r);
            assertThat(r.exit()).as(r.toString()).isZero();
        }
        writeConfig("keep_last: 2", storeYaml().replace(s3.endpoint().toString(), withUser)
                .replace("bucket: " + bucket, "bucket: no-such-" + bucket));
        Cli.Result failed = cli.run("-c", "config.yaml", "backup", "app");
        runs.add(failed);
        assertThat(failed.exit()).as(failed.toString()).isNotZero();
        assertThat(failed.err()).contains("no-such-" + bucket);
        for (Cli.Result r : runs) {
            assertThat(r.out() + r.err()).as(r.toString()).doesNotContain(password);
        }
        assertThat(validate.out() + validate.err()).contains("config.yaml:").contains("stores.remote.endpoint")
                .contains("user and password");
    }

    /**
     * Every answer to the PutObject of a backup small enough for one request is lost (the server stored it each time,
     * the SDK's retries ran out): the backup fails, and its object used to stay under its final key — its sidecars
     * removed by the failed run, so no backup, never pruned. Now the run, which claimed the key with the .sha256
     * sidecar, removes it too: nothing of the failed backup is left.
     */
    @Test
    void aBackupWhosePutAnswersAreAllLostLeavesNothingUnderItsKey() throws Exception {
        try (io.dbbackup.testkit.LostAnswerRelay relay = new io.dbbackup.testkit.LostAnswerRelay(s3.endpoint(),
                line -> line.startsWith("PUT ") && line.endsWith(".sqlite.zst HTTP/1.1")); Store raw = rawStore()) {
            writeConfig("keep_last: 2", storeYaml().replace(s3.endpoint().toString(), relay.uri().toString()));
            Cli.Result r = cli.run("-c", "config.yaml", "backup", "app");
            assertThat(relay.dropped()).as("answers lost").isGreaterThanOrEqualTo(2);
            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).contains("s3 put").contains(bucket);
            assertThat(keys(raw, "prod/")).as("nothing left of the failed backup").isEmpty();
            assertNoSecrets(r);
        }
    }

    /**
     * Pinning a pinned backup again rewrites its pin with one PutObject; all of that request's answers lost, the pin
     * fails — and the marker stays (the old pin or the new one): a failed re-pin must never unpin.
     */
    @Test
    void aRepinWhosePutAnswersAreAllLostKeepsThePin() throws Exception {
        writeConfig("keep_last: 2");
        Cli.Result backup = cli.run("-c", "config.yaml", "backup", "app");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        Cli.Result pin = cli.run("-c", "config.yaml", "pin", "app", "--note", "first");
        assertThat(pin.exit()).as(pin.toString()).isZero();
        try (io.dbbackup.testkit.LostAnswerRelay relay = new io.dbbackup.testkit.LostAnswerRelay(s3.endpoint(),
                line -> line.startsWith("PUT ") && line.endsWith(".pin HTTP/1.1")); Store raw = rawStore()) {
            writeConfig("keep_last: 2", storeYaml().replace(s3.endpoint().toString(), relay.uri().toString()));
            Cli.Result again = cli.run("-c", "config.yaml", "pin", "app", "--note", "second");
            assertThat(relay.dropped()).as("answers lost").isGreaterThanOrEqualTo(2);
            assertThat(again.exit()).as(again.toString()).isNotZero();
            assertThat(keys(raw, "prod/app/")).as("still pinned").anyMatch(k -> k.endsWith(".pin"));
            assertNoSecrets(again);
        }
    }

    /**
     * A backup deleted (by a prune on another host) after verify or restore listed it and read its sidecar, before its
     * bytes were fetched: the GET finds nothing. That used to be "no backup … in …", exit 1 — as if the user had named
     * a backup that never was, for one the command had picked from the listing itself; now it is said as the case where
     * the sidecar is already gone: deleted since it was listed, exit 2 (a run may retry).
     */
    @Test
    void aBackupDeletedBetweenItsSidecarAndItsBytesIsSaidToBeDeletedSinceListed() throws Exception {
        writeConfig("keep_last: 2");
        for (String[] command : new String[][]{{"verify", "app"}, {"restore", "app", "--to", "restored"}}) {
            Cli.Result backup = cli.run("-c", "config.yaml", "backup", "app");
            assertThat(backup.exit()).as(backup.toString()).isZero();
            try (Store raw = rawStore()) {
                String newest = keys(raw, "prod/app/").stream().filter(k -> k.endsWith(".sqlite.zst")).max(String::compareTo)
                        .orElseThrow();
                java.util.concurrent.atomic.AtomicBoolean pruned = new java.util.concurrent.atomic.AtomicBoolean();
                try (io.dbbackup.testkit.TcpRelay relay = new io.dbbackup.testkit.TcpRelay(s3.endpoint()) {
                    @Override
                    protected int pass(boolean toServer, byte[] buf, int n, long seen) {
                        String line = new String(buf, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1).lines().findFirst().orElse("");
                        if (toServer && line.startsWith("GET ") && line.endsWith(newest + " HTTP/1.1") && !pruned.getAndSet(true)) {
                            for (String k : List.of(newest, newest + ".sha256", newest + ".manifest.json")) {
                                admin.deleteObject(r -> r.bucket(bucket).key("team/db/" + k));
                            }
                        }
                        return n;
                    }
                }) {
                    writeConfig("keep_last: 2", storeYaml().replace(s3.endpoint().toString(), relay.uri().toString()));
                    List<String> args = new ArrayList<>(List.of("-c", "config.yaml"));
                    args.addAll(List.of(command));
                    Cli.Result r = cli.run(args.toArray(String[]::new));
                    assertThat(pruned.get()).as("deleted when its bytes were asked for").isTrue();
                    assertThat(r.exit()).as(r.toString()).isEqualTo(2);
                    assertThat(r.err()).contains("backup " + newest + " is no longer in ")
                            .contains("it was deleted since it was listed").doesNotContain("no backup ");
                    assertNoSecrets(r);
                } finally {
                    writeConfig("keep_last: 2");
                }
            }
        }
    }

    /**
     * A backup deleted (a prune on another host) while it is read, the connection dropping before its end (real s3proxy,
     * a relay that deletes it and cuts the answer midway): the request for the rest finds it gone. {@code verify
     * --all-backups} skips it as one gone at open ("deleted since it was listed", exit 0, no failure) — it was FAILED,
     * exit 2, and a failure mail at night for a normal prune; {@code verify} of it and {@code restore} (deleted during
     * the restore's own read, after its check) fail as at open, exit 2, saying so with the byte reached. So do {@code
     * verify --deep} (its SQLite check fed by the same read) and {@code download} (as stored, and decompressed), which
     * leave nothing at the destination, no temporary file.
     */
    @Test
    void aBackupDeletedWhileItIsReadIsSaidToBeDeletedSinceListed() throws Exception {
        writeConfig("keep_last: 10");
        record Case(List<String> command, boolean oldest, int getNumber) {
        }
        List<Case> cases = List.of(new Case(List.of("verify", "app", "--all-backups"), true, 1),
                new Case(List.of("verify", "app"), false, 1), new Case(List.of("restore", "app", "--to", "restored"), false, 2),
                new Case(List.of("verify", "app", "--deep", "--all-backups"), true, 1),
                new Case(List.of("verify", "app", "--deep"), false, 1), new Case(List.of("download", "app"), false, 1),
                new Case(List.of("download", "app", "--decompress", "-o", "got.db"), false, 1));
        for (Case c : cases) {
            for (int i = 0; i < (c == cases.get(0) ? 3 : 1); i++) {
                Cli.Result backup = cli.run("-c", "config.yaml", "backup", "app");
                assertThat(backup.exit()).as(backup.toString()).isZero();
            }
            try (Store raw = rawStore()) {
                List<String> backups = keys(raw, "prod/app/").stream().filter(k -> k.endsWith(".sqlite.zst")).sorted().toList();
                String target = c.oldest() ? backups.get(0) : backups.get(backups.size() - 1);
                Cli.Result r = deletedMidRead(s3.endpoint(), target, c.getNumber(), c.command());
                assertThat(keys(raw, "prod/app/")).doesNotContain(target);
                if (c.oldest()) {
                    assertThat(r.exit()).as(r.toString()).isZero();
                    int others = backups.size() - 1;
                    assertThat(r.out()).contains("SKIPPED " + target + ": deleted since it was listed (a prune?)",
                            others + " of " + others + " backups verified, 1 deleted since it was listed (exit 0)")
                            .doesNotContain("FAILED");
                } else {
                    assertThat(r.exit()).as(r.toString()).isEqualTo(2);
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("backup " + java.util.regex.Pattern.quote(target)
                            + " is no longer in .*: it was deleted since it was listed \\(a prune\\?\\): .*; going on from byte "
                            + "(\\d+) of (\\d+) over a new connection failed: no such object: .*\\(deleted since the read began\\)")
                            .matcher(r.err());
                    assertThat(m.find()).as("deleted since listed, with the byte reached, in: %s", r.err()).isTrue();
                    assertThat(Long.parseLong(m.group(1))).as("the byte reached").isPositive()
                            .isLessThan(Long.parseLong(m.group(2)));
                    assertThat(r.err()).doesNotContain("restore finished", "is corrupt", "does not restore");
                }
                assertNoSecrets(r);
            }
        }
        assertThat(dir.resolve("restored/app.db")).as("nothing restored from a backup deleted mid-read").doesNotExist();
        try (java.util.stream.Stream<java.nio.file.Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).as("nothing downloaded, no temporary file")
                    .noneMatch(f -> f.contains("app-") || f.contains("got.db") || f.contains("dbbackup-tmp"));
        }
    }

    /**
     * A copy job's one-request PutObject into S3 whose answers are all lost (the server stored the copy, the retries ran
     * out): the copy fails and its sidecars are removed, but the object stayed under its key — no backup, never pruned
     * (unless a later copy of the same backup overwrote it; one pruned from the source first never is). Now the failed
     * copy removes it as well, as a failed backup does; the next run copies it.
     */
    @Test
    void aCopyWhosePutAnswersAreAllLostLeavesNothingAndTheNextRunCopiesIt() throws Exception {
        try (io.dbbackup.testkit.LostAnswerRelay relay = new io.dbbackup.testkit.LostAnswerRelay(s3.endpoint(),
                line -> line.startsWith("PUT ") && line.endsWith(".sqlite.zst HTTP/1.1")); Store raw = rawStore()) {
            writeConfig("keep_last: 2", storeYaml().replace(s3.endpoint().toString(), relay.uri().toString()));
            Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml"))
                    .replace("stores:\n", "stores:\n  local:\n    type: local\n    path: local\n")
                    .replace("jobs:\n  app:\n    datasource: app\n    store: remote\n",
                            "jobs:\n  app-local:\n    datasource: app\n    store: local\n    prefix: prod\n"
                                    + "  app:\n    copy_of: app-local\n    store: remote\n"));
            Cli.Result made = cli.run("-c", "config.yaml", "backup", "app-local");
            assertThat(made.exit()).as(made.toString()).isZero();
            Cli.Result copy = cli.run("-c", "config.yaml", "backup", "app");
            assertThat(relay.dropped()).as("answers lost").isGreaterThanOrEqualTo(2);
            assertThat(copy.exit()).as(copy.toString()).isEqualTo(2);
            assertThat(copy.err()).contains("copy of ");
            assertThat(keys(raw, "prod/")).as("nothing left of the failed copy").isEmpty();
            assertNoSecrets(copy);
            Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml"))
                    .replace(relay.uri().toString(), s3.endpoint().toString()));
            Cli.Result again = cli.run("-c", "config.yaml", "backup", "app");
            assertThat(again.exit()).as(again.toString()).isZero();
            assertThat(keys(raw, "prod/")).hasSize(3);
        }
    }

    private static long dayCount(Set<String> kept) {
        return kept.stream().map(k -> k.substring("prod/app/app-".length(), "prod/app/app-".length() + 8)).distinct().count();
    }

    /**
     * s3proxy is killed while a 300 MiB backup streams: exit 2, no object under the final key, retention not
     * applied, and (the server back within the abort's retry window) no multipart upload left.
     */
    @Test
    void serverKilledMidBackupFailsWithExit2AndLeavesNothing() throws Exception {
        writeBigJob(300);
        try (Store raw = rawStore()) {
            String old = "prod/big/big-20200101-000000.sqlite";
            raw.put(old, "an old backup that keep_last: 1 would delete".getBytes(), ctx());
            raw.put(old + ".sha256", "its sidecar (without one it would be no backup)".getBytes(), ctx());
            Cli.Result r = killedMidUpload("backup", "big", "--prune");
            System.out.println("S3 server killed mid-backup: exit " + r.exit() + "; " + r.err().lines()
                    .filter(l -> l.contains("ERROR") || l.startsWith("error")).findFirst().orElse(""));
            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertNoSecrets(r);
            assertThat(keys(raw, "prod/big/")).as("only the old backup: no new object, retention not applied")
                    .containsExactly(old, old + ".sha256");
            assertThat(admin.listMultipartUploads(b -> b.bucket(bucket)).uploads()).as("ListMultipartUploads").isEmpty();
        }
    }

    /**
     * s3proxy is killed while a copy job copies a 300 MiB backup into it: exit 2, nothing under the copy's key (no
     * object, no sidecar), the copy's retention not applied, no multipart upload left; the next run copies it.
     */
    @Test
    void serverKilledMidCopyFailsWithExit2AndLeavesNothing() throws Exception {
        writeBigJob(300);
        Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml"))
                .replace("stores:\n", "stores:\n  local:\n    type: local\n    path: local\n")
                .replace("jobs:\n  big:\n    datasource: big\n    store: remote\n",
                        "jobs:\n  big-local:\n    datasource: big\n    store: local\n  big:\n    copy_of: big-local\n    store: remote\n"));
        Cli.Result made = cli.run("-c", "config.yaml", "backup", "big-local");
        assertThat(made.exit()).as(made.toString()).isZero();
        try (Store raw = rawStore()) {
            String old = "prod/big/big-20200101-000000.sqlite";
            raw.put(old, "an old copy that keep_last: 1 would delete".getBytes(), ctx());
            raw.put(old + ".sha256", "its sidecar (without one it would be no backup)".getBytes(), ctx());
            Cli.Result r = killedMidUpload("backup", "big", "--prune");
            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).contains("copy of ");
            assertNoSecrets(r);
            assertThat(keys(raw, "prod/big/")).as("only the old copy: no new object, no sidecar, retention not applied")
                    .containsExactly(old, old + ".sha256");
            assertThat(admin.listMultipartUploads(b -> b.bucket(bucket)).uploads()).as("ListMultipartUploads").isEmpty();

            Cli.Result again = cli.run("-c", "config.yaml", "backup", "big", "--prune");
            assertThat(again.exit()).as(again.toString()).isZero();
            assertThat(keys(raw, "prod/big/")).hasSize(3).noneMatch(old::equals);
            checkWithSha256sum(raw, keys(raw, "prod/big/").stream().filter(k -> k.endsWith(".sqlite")).findFirst().orElseThrow());
        }
    }

    /** Runs the CLI with {@code args} and kills s3proxy once its multipart upload started; restarts it; the CLI's result. */
    private Cli.Result killedMidUpload(String... args) throws Exception {
        String[] full = new String[args.length + 2];
        full[0] = "-c";
        full[1] = "config.yaml";
        System.arraycopy(args, 0, full, 2, args.length);
        ExecutorService run = Executors.newSingleThreadExecutor();
        try {
            Future<Cli.Result> result = run.submit(() -> cli.run(full));
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (admin.listMultipartUploads(b -> b.bucket(bucket)).uploads().isEmpty()) {
                assertThat(System.nanoTime()).as("a multipart upload starts").isLessThan(deadline);
                assertThat(result.isDone()).as("the command is still running").isFalse();
                Thread.sleep(20);
            }
            Thread.sleep(300);
            s3.kill();
            Thread.sleep(8000); // the SDK's retries give up; the store keeps retrying the abort
            s3.start();
            return result.get(3, TimeUnit.MINUTES);
        } finally {
            run.shutdown();
        }
    }

    /**
     * A backup whose {@code .sha256} was deleted: verify's fix line is the aws CLI command that puts it back in this
     * bucket, with the store's endpoint (it said "'echo ... > F.sha256' in its folder", which a bucket has none of). Where
     * the aws CLI is installed, the command pasted as given puts it back and verify passes.
     */
    @Test
    void aDeletedSidecarsFixLineIsTheAwsCommandThatPutsItBack() throws Exception {
        writeConfig("keep_last: 3");
        assertThat(cli.run("-c", "config.yaml", "backup", "app").exit()).isZero();
        try (Store raw = rawStore()) {
            String key = keys(raw, "prod/app/").stream().filter(k -> k.endsWith(".sqlite.zst")).findFirst().orElseThrow();
            String name = key.substring(key.lastIndexOf('/') + 1);
            String sha;
            try (java.io.InputStream in = raw.open(key + ".sha256")) {
                sha = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).substring(0, 64);
            }
            raw.delete(key + ".sha256");
            String command = "echo \"" + sha + "  " + name + "\" | aws s3 cp - s3://" + bucket + "/team/db/" + key
                    + ".sha256 --endpoint-url " + s3.endpoint();

            Cli.Result verify = cli.run("-c", "config.yaml", "verify", "app");
            assertThat(verify.exit()).as(verify.toString()).isEqualTo(3);
            assertThat(verify.err()).as(verify.toString()).contains("no checksum sidecar")
                    .contains("to put the sidecar back as the manifest records it, '" + command + "' writes it")
                    .doesNotContain("in its folder");
            assertNoSecrets(verify);

            if (Shell.run(dir, "bash", "-c", "command -v aws").exit() == 0) { // not a dependency: run where installed
                Shell.sh(dir, "export AWS_ACCESS_KEY_ID=" + s3.accessKey() + " AWS_SECRET_ACCESS_KEY=" + s3.secretKey()
                        + " AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null; " + command);
                Cli.Result again = cli.run("-c", "config.yaml", "verify", "app");
                assertThat(again.exit()).as(again.toString()).isZero();
            }
        }
    }
}
