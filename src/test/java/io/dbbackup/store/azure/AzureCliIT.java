package io.dbbackup.store.azure;

import io.dbbackup.spi.Store;
import io.dbbackup.store.RemoteStoreCliScenario;
import io.dbbackup.testkit.AzuriteServer;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.Shell;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI against Azurite: the shared scenario, shared access signatures, and a server killed mid-backup. */
class AzureCliIT extends RemoteStoreCliScenario {
    static AzuriteServer azurite;
    String container;

    @BeforeAll
    static void start() throws Exception {
        azurite = new AzuriteServer();
    }

    @AfterAll
    static void stop() {
        if (azurite != null) {
            azurite.close();
        }
    }

    @BeforeEach
    void container() throws Exception {
        container = "cli-" + UUID.randomUUID().toString().substring(0, 8);
        AzureFixture.createContainer(azurite, container);
        cli.env("AZ_KEY", azurite.accountKey());
    }

    @Override
    protected String storeYaml() {
        return """
                    type: azure
                    account: %s
                    container: %s
                    endpoint: %s
                    prefix: team/db
                    account_key_env: AZ_KEY
                    block_size: 4MiB
                """.formatted(AzuriteServer.ACCOUNT, container, azurite.endpoint());
    }

    @Override
    protected Store rawStore() {
        return AzureFixture.store(azurite, container, "team/db/", 4L << 20, 2);
    }

    @Override
    protected List<String> secrets() {
        return List.of(azurite.accountKey());
    }

    /**
     * An account SAS (signed version 2019-12-12) for the Blob service: {@code permissions} as in {@code sp}, valid
     * until 2030; what a user makes in the portal or with {@code az storage account generate-sas}.
     */
    static String accountSas(String permissions) throws Exception {
        return accountSas(permissions, java.time.Instant.parse("2030-01-01T00:00:00Z"));
    }

    static String accountSas(String permissions, java.time.Instant until) throws Exception {
        String sv = "2019-12-12";
        String expiry = until.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        String toSign = String.join("\n", AzuriteServer.ACCOUNT, permissions, "b", "sco", "", expiry, "", "https,http", sv, "");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(azurite.accountKey()), "HmacSHA256"));
        String sig = Base64.getEncoder().encodeToString(mac.doFinal(toSign.getBytes(StandardCharsets.UTF_8)));
        return "?sv=" + sv + "&ss=b&srt=sco&sp=" + permissions + "&se=" + AzureHttp.encode(expiry) + "&spr=https,http&sig="
                + AzureHttp.encode(sig);
    }

    private void useSas(String sas) throws Exception {
        cli.env("AZ_SAS", sas);
        writeConfig("keep_last: 1", storeYaml().replace("account_key_env: AZ_KEY", "sas_token_env: AZ_SAS"));
    }

    /** A SAS with read, write, delete, list, add and create is all a job needs: backup, prune, restore. */
    @Test
    void aSharedAccessSignatureIsEnough() throws Exception {
        String sas = accountSas("rwdlac");
        useSas(sas);
        for (int i = 0; i < 2; i++) {
            Cli.Result b = cli.run("-c", "config.yaml", "backup", "app", "--prune");
            assertThat(b.exit()).as(b.toString()).isZero();
            assertThat(b.out() + b.err()).doesNotContain(sas.substring(sas.indexOf("sig=") + 4));
        }
        try (Store raw = rawStore()) {
            assertThat(keys(raw, "prod/app/")).as("keep_last: 1 after the second backup").hasSize(3);
        }
        Cli.Result restore = cli.run("-c", "config.yaml", "restore", "app", "--to", "restored");
        assertThat(restore.exit()).as(restore.toString()).isZero();
        assertThat(SqliteFixture.fingerprint(dir.resolve("restored/app.db"))).isEqualTo(SqliteFixture.fingerprint(dir.resolve("app.db")));
    }

    /**
     * What the store writes is a plain block blob: {@code curl} fetches the backup and its sidecar with a read-only
     * SAS (no dbbackup, no SDK: what a user has on the day the tool is gone) and {@code sha256sum -c} accepts them.
     */
    @Test
    void anyHttpClientReadsTheBackupAndSha256sumAcceptsIt() throws Exception {
        writeConfig("keep_last: 2");
        Cli.Result b = cli.run("-c", "config.yaml", "backup", "app");
        assertThat(b.exit()).as(b.toString()).isZero();
        String key;
        try (Store raw = rawStore()) {
            key = keys(raw, "prod/app/").stream().filter(k -> k.endsWith(".sqlite.zst")).findFirst().orElseThrow();
        }
        String name = key.substring(key.lastIndexOf('/') + 1);
        java.nio.file.Path folder = Files.createDirectories(dir.resolve("curl"));
        String sas = accountSas("rl").substring(1);
        for (String n : List.of(name, name + ".sha256")) {
            String url = azurite.endpoint() + "/" + container + "/team/db/prod/app/" + n + "?" + sas;
            Shell.ok(folder, "curl", "-fsS", "-o", n, url);
        }
        assertThat(Shell.ok(folder, "sha256sum", "-c", name + ".sha256")).contains(name + ": OK");
        Shell.ok(folder, "zstd", "-t", name);
    }

    /**
     * A SAS that expires within two weeks: {@code check} passes with a warning naming the date, a backup succeeds and
     * warns; an expired one fails the backup with one line before any request; a far one is shown in {@code check}.
     */
    @Test
    void aSignatureThatExpiresSoonIsWarnedOfAndAnExpiredOneIsOneLine() throws Exception {
        java.time.Instant now = java.time.Instant.now();
        cli.clock(java.time.Clock.fixed(now, java.time.ZoneOffset.UTC));
        useSas(accountSas("rwdlac", now.plus(java.time.Duration.ofDays(5))));
        Cli.Result check = cli.run("-c", "config.yaml", "check", "app");
        assertThat(check.exit()).as(check.toString()).isZero();
        assertThat(check.out()).containsPattern("WARNING: the store's credentials expire on 20\\S+Z \\(in 4 days\\): renew them before then");
        Cli.Result backup = cli.run("-c", "config.yaml", "backup", "app");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        assertThat(backup.err()).contains("WARN  the store's credentials expire on");

        String expired = accountSas("rwdlac", now.minus(java.time.Duration.ofDays(1)));
        useSas(expired);
        Cli.Result refused = cli.run("-c", "config.yaml", "backup", "app");
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(2);
        assertThat(refused.err()).contains(": the sas_token expired on ").contains("make a new one")
                .doesNotContain(expired.substring(expired.indexOf("sig=") + 4));

        useSas(accountSas("rwdlac"));
        Cli.Result far = cli.run("-c", "config.yaml", "check", "app");
        assertThat(far.out()).contains("credentials valid until 2030-01-01T00:00:00Z").doesNotContain("WARNING");
    }

    /**
     * A wrong account key: the line names where the key comes from (the config key, file:line:col and the variable),
     * never the key; exit 2, nothing stored.
     */
    @Test
    void aWrongAccountKeyNamesItsConfigPlaceAndExits2() throws Exception {
        writeConfig("keep_last: 3");
        String wrong = Base64.getEncoder().encodeToString("not the account's key, 64 bytes long as Azure's are....."
                .getBytes(StandardCharsets.UTF_8));
        Cli.Result r = cli.env("AZ_KEY", wrong).run("-c", "config.yaml", "backup", "app");
        System.out.println("a wrong azure key: " + r);
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("HTTP 403").contains("; check the store's account_key (stores.remote.account_key_env at "
                        + "config.yaml:16:22, read from env AZ_KEY)")
                .doesNotContain(wrong).doesNotContain(azurite.accountKey()).doesNotContain("Exception");
        try (Store raw = rawStore()) {
            assertThat(keys(raw, "")).isEmpty();
        }
    }

    /** A read-only SAS: the backup fails at its first write with one line naming the SAS, exit 2, nothing stored. */
    @Test
    void aReadOnlySignatureFailsTheBackupWithOneClearLine() throws Exception {
        String sas = accountSas("rl");
        useSas(sas);
        Cli.Result b = cli.run("-c", "config.yaml", "backup", "app");
        assertThat(b.exit()).as(b.toString()).isEqualTo(2);
        assertThat(b.err()).contains("azure ").contains("HTTP 403").contains("; check the store's sas_token (stores.remote"
                        + ".sas_token_env at config.yaml:16:20, read from env AZ_SAS; its permissions, expiry and allowed IPs)")
                .doesNotContain(sas.substring(sas.indexOf("sig=") + 4));
        try (Store raw = rawStore()) {
            assertThat(keys(raw, "")).isEmpty();
            assertThat(raw.listUnfinished("")).isEmpty();
        }
    }

    /**
     * Restore day with a SAS of read and list alone ({@code sp=rl}): list, show, verify, download, restore, drill and
     * prune --dry-run work and change nothing in the container; backup, prune and pin fail with exit 2, naming the SAS.
     */
    @Test
    void aReadAndListSignatureServesTheWholeRestoreDay() throws Exception {
        String sas = accountSas("rl");
        cli.env("AZ_SAS", sas);
        io.dbbackup.store.RestoreDay.Refusals refused = io.dbbackup.store.RestoreDay.run(dir, cli, storeYaml(),
                storeYaml().replace("account_key_env: AZ_KEY", "sas_token_env: AZ_SAS"), () -> {
                    try (Store raw = AzureFixture.store(azurite, container, "", 4L << 20, 1)) {
                        List<String> all = new java.util.ArrayList<>();
                        raw.list("").forEach(o -> all.add(o.key() + " " + o.size() + " " + o.lastModified()));
                        raw.listUnfinished("").forEach(u -> all.add("(staged) " + u.key()));
                        return all;
                    }
                });
        for (Cli.Result r : refused.results()) {
            assertThat(r.err()).contains("HTTP 403").doesNotContain(sas.substring(sas.indexOf("sig=") + 4));
        }
    }

    /**
     * Azurite is killed while a 200 MiB backup streams: exit 2, no blob under the final key, retention not applied
     * (keep_last: 1 would have deleted the old backup).
     */
    @Test
    void serverKilledMidBackupFailsWithExit2AndLeavesNoBlob() throws Exception {
        writeBigJob(200);
        try (Store raw = rawStore()) {
            String old = "prod/big/big-20200101-000000.sqlite";
            raw.put(old, "an old backup that keep_last: 1 would delete".getBytes(StandardCharsets.UTF_8), ctx());
            raw.put(old + ".sha256", "its sidecar (without one it would be no backup)".getBytes(StandardCharsets.UTF_8), ctx());
            ExecutorService run = Executors.newSingleThreadExecutor();
            Future<Cli.Result> result = run.submit(() -> cli.run("-c", "config.yaml", "backup", "big", "--prune"));
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (raw.listUnfinished("prod/big/").isEmpty()) {
                assertThat(System.nanoTime()).as("blocks are staged").isLessThan(deadline);
                assertThat(result.isDone()).as("the backup is still running").isFalse();
                Thread.sleep(20);
            }
            azurite.kill();
            Cli.Result r = result.get(3, TimeUnit.MINUTES);
            run.shutdown();
            azurite.start();
            System.out.println("Azure server killed mid-backup: exit " + r.exit() + "; " + r.err().lines()
                    .filter(l -> l.contains("ERROR") || l.startsWith("error")).findFirst().orElse(""));
            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertNoSecrets(r);
            assertThat(keys(raw, "prod/big/")).as("only the old backup: no new blob, retention not applied")
                    .containsExactly(old, old + ".sha256");
        }
    }
    /**
     * As on S3 (S3CliIT): a backup deleted while it is read, the connection dropping before its end (Azurite, a relay
     * that deletes the blob and its sidecars and cuts the answer midway). The request for the rest finds it gone:
     * {@code verify --all-backups} skips it (exit 0), {@code verify} of it fails with exit 2 saying it was deleted since
     * it was listed, with the byte reached.
     */
    @Test
    void aBackupDeletedWhileItIsReadIsSaidToBeDeletedSinceListed() throws Exception {
        writeConfig("keep_last: 10");
        for (int i = 0; i < 3; i++) {
            Cli.Result backup = cli.run("-c", "config.yaml", "backup", "app");
            assertThat(backup.exit()).as(backup.toString()).isZero();
        }
        try (Store raw = rawStore()) {
            List<String> backups = keys(raw, "prod/app/").stream().filter(k -> k.endsWith(".sqlite.zst")).sorted().toList();
            Cli.Result all = deletedMidRead(azurite.endpoint(), backups.get(0), 1, List.of("verify", "app", "--all-backups"));
            assertThat(keys(raw, "prod/app/")).doesNotContain(backups.get(0));
            assertThat(all.exit()).as(all.toString()).isZero();
            assertThat(all.out()).contains("SKIPPED " + backups.get(0) + ": deleted since it was listed (a prune?)",
                    "2 of 2 backups verified, 1 deleted since it was listed (exit 0)").doesNotContain("FAILED");

            String newest = backups.get(2);
            Cli.Result one = deletedMidRead(azurite.endpoint(), newest, 1, List.of("verify", "app"));
            assertThat(one.exit()).as(one.toString()).isEqualTo(2);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("backup " + java.util.regex.Pattern.quote(newest)
                    + " is no longer in .*: it was deleted since it was listed \\(a prune\\?\\): .*going on from byte "
                    + "(\\d+) of (\\d+) .*\\(deleted since the read began\\)").matcher(one.err());
            assertThat(m.find()).as("deleted since listed, with the byte reached, in: %s", one.err()).isTrue();
            assertThat(Long.parseLong(m.group(1))).as("the byte reached").isPositive().isLessThan(Long.parseLong(m.group(2)));
            assertThat(one.err()).doesNotContain("is corrupt");
            assertNoSecrets(all);
            assertNoSecrets(one);
        }
    }
}
