package io.dbbackup.cli;

import io.dbbackup.core.Json;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.WebhookServer;
import io.dbbackup.testkit.Shell;
import io.dbbackup.testkit.SmtpServer;
import io.dbbackup.testkit.SqliteFixture;
import io.dbbackup.testkit.SteppingClock;
import io.dbbackup.testkit.TestBytes;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Copy jobs ({@code copy_of}) through the CLI with local folder stores: the source job's backups copied byte for byte
 * into a second store, in the same run, by the copy's own retention; a damaged source backup is not copied; a copy
 * damaged on its way is removed (the test-only {@code faulty} store: an IT); every other command treats the copy job as
 * a job of its own.
 */
class CopyJobCliIT {
    @TempDir
    Path dir;
    Cli cli;

    SmtpServer smtp;

    @AfterEach
    void stopSmtp() {
        if (smtp != null) {
            smtp.close();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        smtp = SmtpServer.plain();
        SqliteFixture.create(dir.resolve("app.db"), 400);
        cli = new Cli().workingDir(dir).clock(new SteppingClock(Instant.parse("2026-11-01T02:00:00Z"), Duration.ofHours(7)));
    }

    private void config(String offsiteStore, String offsiteExtra) throws IOException {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app:
                    engine: sqlite
                    path: app.db
                    compression: zstd
                  restored:
                    engine: sqlite
                    path: restored/app.db
                stores:
                  local:
                    type: local
                    path: local
                  offsite:
                    type: local
                    path: offsite
                  damaging:
                    type: faulty
                    path: offsite
                    corrupt: true
                  twin:
                    type: local
                    path: twin
                  failing:
                    type: faulty
                    path: offsite
                    refuse_commit: true
                  racing:
                    type: faulty
                    path: offsite
                    twin: twin
                    refuse_commit: true
                jobs:
                  nightly:
                    datasource: app
                    store: local
                    prefix: prod
                  offsite:
                    copy_of: nightly
                    store: %s
                    prefix: vault
                %s
                """.formatted(offsiteStore, offsiteExtra.indent(4)));
    }

    private List<String> files(String store) throws IOException {
        Path root = dir.resolve(store);
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    private List<String> artifacts(String store) throws IOException {
        return files(store).stream().filter(f -> f.endsWith(".sqlite.zst")).toList();
    }

    @Test
    void theCopyJobCopiesTonightsBackupInTheSameRunByteForByte() throws Exception {
        config("offsite", "verify: true");

        Cli.Result r = cli.run("-c", "config.yaml", "backup", "--all", "--parallel", "4");

        assertThat(r.exit()).as(r.toString()).isZero();
        List<String> made = artifacts("local");
        assertThat(made).hasSize(1);
        String name = Path.of(made.get(0)).getFileName().toString();
        assertThat(files("offsite")).containsExactly("vault/app/" + name, "vault/app/" + name + ".manifest.json",
                "vault/app/" + name + ".sha256");
        assertThat(Files.readAllBytes(dir.resolve("offsite/vault/app/" + name)))
                .isEqualTo(Files.readAllBytes(dir.resolve("local/" + made.get(0))));
        assertThat(Shell.ok(dir.resolve("offsite/vault/app"), "sha256sum", "-c", name + ".sha256")).contains(name + ": OK");
        Map<?, ?> manifest = (Map<?, ?>) Json.parse(Files.readString(dir.resolve("offsite/vault/app/" + name + ".manifest.json")));
        assertThat(manifest.get("key")).isEqualTo("vault/app/" + name);
        Map<?, ?> from = (Map<?, ?>) manifest.get("copied_from");
        assertThat(from.get("job")).isEqualTo("nightly");
        assertThat(from.get("key")).isEqualTo(made.get(0));
        assertThat(r.err()).contains("backup copied").contains("backup verified");
        assertThat(r.out()).contains("offsite").contains("vault/app/" + name);

        Cli.Result all = cli.run("-c", "config.yaml", "list", "--all");
        assertThat(all.exit()).as(all.toString()).isZero();
        assertThat(all.out()).containsPattern("(?m)^offsite +offsite +1 .*  copy of nightly$")
                .containsPattern("(?m)^nightly +local +1 .*[^y]$");
        List<?> json = (List<?>) Json.parse(cli.run("-c", "config.yaml", "list", "--all", "--json").out());
        assertThat(json.stream().map(o -> String.valueOf(((Map<?, ?>) o).get("copy_of"))).toList()).containsExactly("null", "nightly");
    }

    @Test
    void laterRunsCopyOnlyWhatIsMissingAndTheCopysRetentionPrunesItsOwnStore() throws Exception {
        config("offsite", "retention: {keep_last: 2}");
        for (int i = 0; i < 3; i++) {
            assertThat(cli.run("-c", "config.yaml", "backup", "nightly").exit()).isZero();
        }
        List<String> source = artifacts("local");
        assertThat(source).hasSize(3);

        Cli.Result first = cli.run("-c", "config.yaml", "backup", "offsite", "--prune");
        assertThat(first.exit()).as(first.toString()).isZero();
        // keep_last 2: the oldest of the three is never copied, only to be pruned
        assertThat(artifacts("offsite")).containsExactly(source.get(1).replace("prod/", "vault/"),
                source.get(2).replace("prod/", "vault/"));

        Cli.Result again = cli.run("-c", "config.yaml", "backup", "offsite");
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(again.err()).contains("copy up to date").contains("copied=0");

        assertThat(cli.run("-c", "config.yaml", "backup", "--all", "--prune").exit()).isZero();
        List<String> now = artifacts("local");
        assertThat(now).hasSize(4);
        assertThat(artifacts("offsite")).containsExactly(now.get(2).replace("prod/", "vault/"), now.get(3).replace("prod/", "vault/"));
        assertThat(artifacts("local")).hasSize(4); // the source job's own store is the source job's: untouched
    }

    @Test
    void theCopyRestoresListsAndVerifiesAsAJobOfItsOwn() throws Exception {
        config("offsite", "");
        assertThat(cli.run("-c", "config.yaml", "backup", "--all").exit()).isZero();
        List<String> before = SqliteFixture.fingerprint(dir.resolve("app.db"));
        Files.delete(dir.resolve("app.db")); // the day of the restore: the source database and its store are gone
        Shell.ok(dir, "rm", "-r", "local");

        Cli.Result list = cli.run("-c", "config.yaml", "list", "offsite");
        assertThat(list.exit()).as(list.toString()).isZero();
        assertThat(list.out()).contains("vault/app/app-");
        Cli.Result verify = cli.run("-c", "config.yaml", "verify", "offsite");
        assertThat(verify.exit()).as(verify.toString()).isZero();
        Cli.Result drill = cli.run("-c", "config.yaml", "drill", "offsite", "--to", "restored");
        assertThat(drill.exit()).as(drill.toString()).isZero();
        assertThat(drill.out()).contains("vault/app/app-");
        assertThat(dir.resolve("restored/app.db")).as("the drill's scratch copy is removed again").doesNotExist();
        Cli.Result restore = cli.run("-c", "config.yaml", "restore", "offsite", "--to", "restored", "--auto-confirm");
        assertThat(restore.exit()).as(restore.toString()).isZero();
        assertThat(SqliteFixture.fingerprint(dir.resolve("restored/app.db"))).isEqualTo(before);
        assertThat(Shell.ok(dir, "sqlite3", "restored/app.db", "select count(*) from customers;").strip()).isEqualTo("400");
    }

    /**
     * One record of the checksum damaged at the source, the other intact: the copy checks the bytes against the intact
     * one and gets sound sidecars of its own (a copy heals rather than passes the damage on).
     */
    @Test
    void aSourceWithOneDamagedChecksumRecordIsCopiedWithSoundOnes() throws Exception {
        config("offsite", "");
        for (int i = 0; i < 2; i++) {
            assertThat(cli.run("-c", "config.yaml", "backup", "nightly").exit()).isZero();
        }
        List<String> source = artifacts("local");
        String wrong = "0".repeat(64);
        Path sidecar = dir.resolve("local/" + source.get(0) + ".sha256");
        String sha0 = Files.readString(sidecar).substring(0, 64);
        Files.writeString(sidecar, wrong + "  " + Path.of(source.get(0)).getFileName() + "\n"); // the sidecar damaged
        Path manifest = dir.resolve("local/" + source.get(1) + ".manifest.json");
        String sha1 = Files.readString(dir.resolve("local/" + source.get(1) + ".sha256")).substring(0, 64);
        Files.writeString(manifest, Files.readString(manifest).replace(sha1, wrong)); // the manifest damaged

        Cli.Result r = cli.run("-c", "config.yaml", "backup", "offsite");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).contains("the sidecar is damaged: going on with the bytes the manifest vouches for");
        for (String key : source) {
            String copy = key.replace("prod/", "vault/");
            String name = Path.of(copy).getFileName().toString();
            assertThat(Shell.ok(dir.resolve("offsite/vault/app"), "sha256sum", "-c", name + ".sha256")).contains(name + ": OK");
            Map<?, ?> m = (Map<?, ?>) Json.parse(Files.readString(dir.resolve("offsite/" + copy + ".manifest.json")));
            assertThat(m.get("sha256")).isEqualTo(key.equals(source.get(0)) ? sha0 : sha1);
        }
        Cli.Result verify = cli.run("-c", "config.yaml", "verify", "offsite", "--all-backups");
        assertThat(verify.exit()).as("the copies' records are sound: " + verify).isZero();
        Cli.Result audit = cli.run("-c", "config.yaml", "verify", "nightly", "--all-backups");
        assertThat(audit.exit()).as("the source still reports both damages: " + audit).isEqualTo(3);
        assertThat(audit.out()).contains("2 backups verified").doesNotContain("2 of 2 backups verified");
    }

    @Test
    void aSourceBackupThatDoesNotMatchItsChecksumIsNotCopiedTheOthersAreAndTheFailureIsMailed() throws Exception {
        config("offsite", "notify: [{notifier: ops, on: failure}]");
        Files.writeString(dir.resolve("config.yaml"), "notifications:\n" + SmtpServer.notifierYaml("ops", smtp.port()),
                java.nio.file.StandardOpenOption.APPEND);
        for (int i = 0; i < 3; i++) {
            assertThat(cli.run("-c", "config.yaml", "backup", "nightly").exit()).isZero();
        }
        List<String> source = artifacts("local");
        String damaged = source.get(1);
        TestBytes.flipMiddleByte(dir.resolve("local/" + damaged));

        Cli.Result r = cli.run("-c", "config.yaml", "backup", "offsite");

        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.err()).contains("not copied").contains(damaged).contains("dbbackup -c config.yaml verify nightly --all-backups");
        String lost = Path.of(damaged).getFileName().toString();
        assertThat(files("offsite")).noneMatch(f -> f.contains(lost)); // neither the artifact nor its sidecars
        assertThat(artifacts("offsite")).containsExactly(source.get(0).replace("prod/", "vault/"),
                source.get(2).replace("prod/", "vault/"));
        MimeMessage[] mails = smtp.await(1, Duration.ofSeconds(10));
        assertThat(mails).hasSize(1);
        assertThat(mails[0].getSubject()).startsWith("[dbbackup] FAILED: backup job offsite on ");
        assertThat(mails[0].getContent().toString()).contains(damaged).contains("dbbackup -c config.yaml verify nightly --all-backups");
    }

    /**
     * A copy job's mail says that it is one, which job it copies and where that job's backups are — on failure (a damaged
     * source backup, exit 3) as on success — under its {@code Datasource:} line, which is its source's; the webhook's
     * JSON has it as {@code copy_of}. A plain job's mail has no such line. Before, a copy job's failure mail read as the
     * source job's datasource alone, nothing in it saying it was a copy job.
     */
    @Test
    void aCopyJobsMailsSayWhichJobAndStoreItCopiesAPlainJobsDoNot() throws Exception {
        config("offsite", "notify: [{notifier: ops, on: always}]");
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, Files.readString(config).replace("    prefix: prod\n",
                "    prefix: prod\n    notify: [{notifier: ops, on: always}]\n"));
        mailTo("ops");
        assertThat(cli.run("-c", "config.yaml", "backup", "nightly").exit()).isZero();
        assertThat(cli.run("-c", "config.yaml", "backup", "offsite").exit()).isZero();
        assertThat(cli.run("-c", "config.yaml", "backup", "nightly").exit()).isZero();
        List<String> source = artifacts("local");
        TestBytes.flipMiddleByte(dir.resolve("local/" + source.get(1))); // not copied yet

        Cli.Result r = cli.run("-c", "config.yaml", "backup", "offsite");

        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        MimeMessage[] mails = smtp.await(4, Duration.ofSeconds(15));
        assertThat(mails).hasSize(4);
        List<String> bodies = new java.util.ArrayList<>();
        for (MimeMessage m : mails) {
            bodies.add(m.getSubject() + "\n" + m.getContent().toString().replace("\r\n", "\n"));
        }
        String copyLine = "Copy of:    job nightly \\(store local: local /\\S*local under prod/\\S*\\)\n";
        assertThat(bodies.get(0)).startsWith("[dbbackup] OK: backup job nightly ").doesNotContain("Copy of");
        assertThat(bodies.get(1)).startsWith("[dbbackup] OK: backup job offsite ")
                .containsPattern("\n" + copyLine + "Datasource: app\n");
        assertThat(bodies.get(2)).startsWith("[dbbackup] OK: backup job nightly ").doesNotContain("Copy of");
        assertThat(bodies.get(3)).as(bodies.get(3)).startsWith("[dbbackup] FAILED: backup job offsite ")
                .containsPattern("\nExit code: +3 [^\n]*\n" + copyLine + "Datasource: app\nStore: +offsite ");
    }

    /**
     * Every report of a copy job says which job and store it copies, not only its backup's: the mails of {@code check},
     * {@code verify}, {@code prune} and {@code drill} with {@code --notify} have the {@code Copy of:} line above
     * {@code Datasource:}, and a Slack webhook's text the {@code copy of} line above {@code datasource} (a real HTTP
     * server), for a backup and for the other commands alike.
     */
    @Test
    void aCopyJobsCheckVerifyPruneAndDrillReportsSayWhichJobAndStoreItCopiesInMailAndSlack() throws Exception {
        config("offsite", "notify: [{notifier: ops, on: always}, {notifier: slack, on: always}]\nretention: {keep_last: 1}");
        mailTo("ops");
        Files.writeString(dir.resolve("config.yaml"), "  slack: {type: webhook, url_env: HOOK_URL, format: slack}\n",
                java.nio.file.StandardOpenOption.APPEND);
        try (WebhookServer hook = new WebhookServer()) {
            cli.env("HOOK_URL", hook.url() + "/slack");
            assertThat(cli.run("-c", "config.yaml", "backup", "nightly").exit()).isZero();
            List<String[]> runs = List.of(new String[] {"backup", "offsite"}, new String[] {"check", "offsite", "--notify"},
                    new String[] {"verify", "offsite", "--notify"}, new String[] {"prune", "offsite", "--notify"},
                    new String[] {"drill", "offsite", "--to", "restored", "--notify"});
            for (String[] run : runs) {
                List<String> args = new java.util.ArrayList<>(List.of("-c", "config.yaml"));
                args.addAll(List.of(run));
                Cli.Result r = cli.run(args.toArray(String[]::new));
                assertThat(r.exit()).as(r.toString()).isZero();
            }
            MimeMessage[] mails = smtp.await(runs.size(), Duration.ofSeconds(15));
            assertThat(mails).hasSize(runs.size());
            String copyLine = "Copy of:    job nightly \\(store local: local /\\S*local under prod/\\S*\\)\n";
            String copyText = "\ncopy of job nightly \\(store local: local /\\S*local under prod/\\S*\\)\ndatasource app · ";
            for (int i = 0; i < runs.size(); i++) {
                String op = runs.get(i)[0];
                String body = mails[i].getSubject() + "\n" + mails[i].getContent().toString().replace("\r\n", "\n");
                assertThat(body).as(body).startsWith("[dbbackup] OK: " + op)
                        .containsPattern("\n" + copyLine + "Datasource: app\nStore: +offsite ");
                String text = (String) ((java.util.Map<?, ?>) io.dbbackup.core.Json.parse(
                        hook.take(Duration.ofSeconds(5)).body())).get("text");
                assertThat(text).as(op + ": " + text).startsWith("dbbackup: " + op).containsPattern(copyText);
            }
        }
    }

    @Test
    void aCopyDamagedOnItsWayFailsItsReadBackAndIsRemoved() throws Exception {
        config("damaging", "verify: true\nretention: {keep_last: 1}");
        assertThat(cli.run("-c", "config.yaml", "backup", "nightly").exit()).isZero();

        Cli.Result r = cli.run("-c", "config.yaml", "backup", "offsite", "--prune");

        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.err()).contains("verification of vault/app/").contains("removed the backup that failed verification");
        assertThat(files("offsite")).isEmpty();
        assertThat(artifacts("local")).hasSize(1);
    }

    @Test
    void aCopyOfAJobWithoutBackupsFailsAndCheckSaysWhereItLooked() throws Exception {
        config("offsite", "");

        Cli.Result r = cli.run("-c", "config.yaml", "backup", "offsite");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("nothing to copy: job 'nightly' has no backups");

        Cli.Result check = cli.run("-c", "config.yaml", "check", "offsite");
        assertThat(check.exit()).as(check.toString()).isZero();
        assertThat(check.out()).contains("source").contains("job 'nightly': no backups yet").doesNotContain("datasource");
        assertThat(cli.run("-c", "config.yaml", "backup", "nightly").exit()).isZero();
        assertThat(cli.run("-c", "config.yaml", "check", "offsite").out()).contains("job 'nightly': 1 backup in local");
    }

    @Test
    void aCopyJobNeedsNoDatabaseSecret() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  pg:
                    engine: postgres
                    host: 127.0.0.1
                    database: app
                    password_env: PG_PASSWORD_NOT_SET_HERE
                    encryption: {passphrase_env: PASSPHRASE_NOT_SET_HERE}
                stores:
                  local: {type: local, path: local}
                  offsite: {type: local, path: offsite}
                jobs:
                  nightly: {datasource: pg, store: local}
                  offsite: {copy_of: nightly, store: offsite}
                """);

        Cli.Result r = cli.run("-c", "config.yaml", "backup", "offsite");

        // the secret is not asked for: the copy reaches the source's store, finds nothing there
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("nothing to copy").doesNotContain("PG_PASSWORD_NOT_SET_HERE").doesNotContain("PASSPHRASE");
        Cli.Result check = cli.run("-c", "config.yaml", "check", "offsite");
        assertThat(check.exit()).as(check.toString()).isZero();
        assertThat(check.out()).contains("secrets").doesNotContain("PASSPHRASE_NOT_SET_HERE");
        Cli.Result dump = cli.run("-c", "config.yaml", "backup", "nightly");
        assertThat(dump.exit()).isEqualTo(1);
        assertThat(dump.err()).contains("PG_PASSWORD_NOT_SET_HERE");
    }

    /**
     * After an age key rotation the copy job's read-back holds the new identity, which does not open the backups made
     * before the rotation. Those copies are byte for byte their sources (the SHA-256 matched on the way): kept with a
     * warning, not deleted as corrupt every night (the offsite store then never held a pre-rotation backup).
     */
    @Test
    void backupsFromBeforeAKeyRotationAreCopiedAndKeptThoughTheNewIdentityCannotOpenThem() throws Exception {
        Shell.ok(dir, "age-keygen", "-o", "old.txt");
        Shell.ok(dir, "age-keygen", "-o", "new.txt");
        String config = """
                datasources:
                  app:
                    engine: sqlite
                    path: app.db
                    compression: zstd
                    encryption:
                      recipients: [%s]
                      identity_file: %s
                stores:
                  local: {type: local, path: local}
                  offsite: {type: local, path: offsite}
                jobs:
                  nightly: {datasource: app, store: local, prefix: prod}
                  offsite: {copy_of: nightly, store: offsite, prefix: vault, verify: true}
                """;
        Files.writeString(dir.resolve("config.yaml"), config.formatted(Shell.ok(dir, "age-keygen", "-y", "old.txt").strip(), "old.txt"));
        Cli.Result before = cli.run("-c", "config.yaml", "backup", "nightly");
        assertThat(before.exit()).as(before.toString()).isZero();
        Files.writeString(dir.resolve("config.yaml"), config.formatted(Shell.ok(dir, "age-keygen", "-y", "new.txt").strip(), "new.txt"));

        Cli.Result r = cli.run("-c", "config.yaml", "backup", "--all");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).contains("the job's identity does not open the backup just stored").doesNotContain("removed the backup");
        List<String> copies = files("offsite").stream().filter(f -> f.endsWith(".sqlite.zst.age")).toList();
        assertThat(copies).hasSize(2);
        Path old = dir.resolve("offsite").resolve(copies.get(0));
        Shell.sh(dir, "age -d -i old.txt '" + old + "' | zstd -dc > opened.db");
        assertThat(Shell.ok(dir, "sqlite3", "opened.db", "pragma integrity_check;").strip()).isEqualTo("ok");
    }

    /**
     * An encrypted backup is copied as it is — still encrypted, no key on the copying side — and the real {@code age} CLI
     * opens the copy with the identity; {@code restore} of the copy job decrypts with the source job's identity setting.
     */
    @Test
    void anEncryptedBackupIsCopiedStillEncryptedAndTheAgeCliOpensTheCopy() throws Exception {
        Shell.ok(dir, "age-keygen", "-o", "key.txt");
        String recipient = Shell.ok(dir, "age-keygen", "-y", "key.txt").strip();
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app:
                    engine: sqlite
                    path: app.db
                    compression: zstd
                    encryption:
                      recipients: [%s]
                      identity_file: key.txt
                  restored:
                    engine: sqlite
                    path: restored/app.db
                stores:
                  local: {type: local, path: local}
                  offsite: {type: local, path: offsite}
                jobs:
                  nightly: {datasource: app, store: local, prefix: prod}
                  offsite: {copy_of: nightly, store: offsite, prefix: vault, verify: true}
                """.formatted(recipient));

        Cli.Result r = cli.run("-c", "config.yaml", "backup", "--all");

        assertThat(r.exit()).as(r.toString()).isZero();
        List<String> copies = files("offsite").stream().filter(f -> f.endsWith(".sqlite.zst.age")).toList();
        assertThat(copies).hasSize(1);
        Path copy = dir.resolve("offsite").resolve(copies.get(0));
        assertThat(Files.readString(copy.resolveSibling(copy.getFileName() + ".sha256"))).contains(copy.getFileName().toString());
        Shell.sh(dir, "age -d -i key.txt '" + copy + "' | zstd -dc > opened.db");
        assertThat(Shell.ok(dir, "sqlite3", "opened.db", "pragma integrity_check;").strip()).isEqualTo("ok");
        assertThat(SqliteFixture.fingerprint(dir.resolve("opened.db"))).isEqualTo(SqliteFixture.fingerprint(dir.resolve("app.db")));

        Cli.Result restore = cli.run("-c", "config.yaml", "restore", "offsite", "--to", "restored");
        assertThat(restore.exit()).as(restore.toString()).isZero();
        assertThat(SqliteFixture.fingerprint(dir.resolve("restored/app.db"))).isEqualTo(SqliteFixture.fingerprint(dir.resolve("app.db")));
    }

    private static final Instant NIGHT = Instant.parse("2026-11-01T02:00:00Z");

    /** The CLI's clock stopped at {@code NIGHT} plus {@code later}: each command at the time the test says. */
    private Cli at(Duration later) {
        return cli.clock(Clock.fixed(NIGHT.plus(later), ZoneOffset.UTC));
    }

    private void mailTo(String name) throws IOException {
        Files.writeString(dir.resolve("config.yaml"), "notifications:\n" + SmtpServer.notifierYaml(name, smtp.port()),
                java.nio.file.StandardOpenOption.APPEND);
    }

    private String sidecarOf(Path artifact) {
        return artifact.resolveSibling(artifact.getFileName() + ".sha256").toString();
    }

    /**
     * A copy already in the copy store that does not match its source by what costs no read of the backups — a
     * truncated copy (the size in the listings), a copy whose sidecar records another digest than the source's, a copy
     * whose sidecar is gone — is copied again from the source (whose bytes are checked against its own sidecar on the
     * way), with a warning naming it; the run's report says so. Before, the copy job compared file names only: "copy up
     * to date", ok, every night.
     */
    @Test
    void aDamagedCopyOrOneWithAWrongOrMissingChecksumIsCopiedAgainFromTheSourceWithAWarning() throws Exception {
        config("offsite", "verify: true\nnotify: [{notifier: ops, on: always}]");
        mailTo("ops");
        for (int i = 0; i < 3; i++) {
            assertThat(at(Duration.ofHours(i)).run("-c", "config.yaml", "backup", "nightly").exit()).isZero();
        }
        assertThat(at(Duration.ofHours(3)).run("-c", "config.yaml", "backup", "offsite").exit()).isZero();
        List<String> copies = artifacts("offsite");
        assertThat(copies).hasSize(3);
        Path truncated = dir.resolve("offsite").resolve(copies.get(0));
        Shell.ok(dir, "truncate", "-s", "1000", truncated.toString());
        Path wrongSum = dir.resolve("offsite").resolve(copies.get(1));
        Files.writeString(Path.of(sidecarOf(wrongSum)), "0".repeat(64) + "  " + wrongSum.getFileName() + "\n");
        Path noSum = dir.resolve("offsite").resolve(copies.get(2));
        Files.delete(Path.of(sidecarOf(noSum)));

        Cli.Result r = at(Duration.ofHours(4)).run("-c", "config.yaml", "backup", "offsite");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(LoggedOnce.sentenceWithout(r.err(), "copy does not match its source: the copy is 1000 bytes", copies.get(0)))
                .contains(": copying it again from its source backup job=offsite from=" + copies.get(0).replace("vault/", "prod/"));
        assertThat(LoggedOnce.sentenceWithout(r.err(), "records sha256 " + "0".repeat(64), copies.get(1)))
                .contains("WARN  copy does not match its source: the copy records sha256 " + "0".repeat(64));
        assertThat(LoggedOnce.sentenceWithout(r.err(), "has no checksum sidecar", copies.get(2)))
                .contains("WARN  copy does not match its source: the copy has no checksum sidecar (.sha256): copying it again");
        assertThat(r.err()).contains("damaged copy repaired").contains("repaired=3");
        for (String copy : copies) {
            Path p = dir.resolve("offsite").resolve(copy);
            assertThat(Files.readAllBytes(p)).as(copy).isEqualTo(Files.readAllBytes(dir.resolve("local")
                    .resolve(copy.replace("vault/", "prod/"))));
            assertThat(Shell.ok(p.getParent(), "sha256sum", "-c", p.getFileName() + ".sha256")).contains(": OK");
        }
        assertThat(r.out()).contains("(nothing new to copy; newest copy ").contains("repaired a damaged copy");
        MimeMessage[] mails = smtp.await(2, Duration.ofSeconds(10));
        assertThat(mails).hasSize(2);
        assertThat(mails[1].getContent().toString()).contains("repaired a damaged copy, copied again from the source: "
                + copies.get(0));
        Cli.Result verify = at(Duration.ofHours(5)).run("-c", "config.yaml", "verify", "offsite", "--all-backups");
        assertThat(verify.exit()).as(verify.toString()).isZero();
        Cli.Result again = at(Duration.ofHours(6)).run("-c", "config.yaml", "backup", "offsite");
        assertThat(again.err()).contains("copy up to date").doesNotContain("does not match its source");
    }

    /** Each file of {@code store}'s folder and its bytes (Base64). */
    private Map<String, String> contents(String store) throws IOException {
        Map<String, String> out = new java.util.TreeMap<>();
        for (String f : files(store)) {
            out.put(f, java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve(store).resolve(f))));
        }
        return out;
    }

    /**
     * Two runs of a copy job overlap and both chose backup X: the other run commits its copy of X while this one copies
     * it (the {@code racing} store plays it from folder {@code twin}), and this run's commit would then fail. This run's
     * claim of the key is refused: it drops its own upload, warns, leaves the other run's copy, sidecar and manifest as
     * they are, byte for byte, and succeeds. Before, it wrote its sidecar and manifest over the other's and, its commit
     * failing, deleted the other run's committed copy with both (exit 2): the offsite copy gone.
     */
    @Test
    void aCopyAnotherRunCommittedMeanwhileIsLeftAsItIsAndTheRunSucceeds() throws Exception {
        config("twin", "");
        assertThat(at(Duration.ZERO).run("-c", "config.yaml", "backup", "nightly").exit()).isZero();
        assertThat(at(Duration.ofHours(1)).run("-c", "config.yaml", "backup", "offsite").exit()).isZero(); // the other run
        String copy = artifacts("twin").get(0);
        Map<String, String> theirs = contents("twin");
        config("racing", "verify: true");

        Cli.Result r = at(Duration.ofHours(2)).run("-c", "config.yaml", "backup", "offsite");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).contains("already copied by another run").contains(copy);
        assertThat(r.out()).doesNotContain("copied 1 backup").contains("already copied by another run: " + copy);
        assertThat(contents("offsite")).as("the other run's copy, .sha256 and manifest").isEqualTo(theirs);
    }

    /**
     * A {@code .sha256} of other bytes without its copy holds the key, and nothing of the backup is there: the run leaves
     * the file, copies nothing under that key, and fails (exit 2: the on-call hears of it) naming the file to delete.
     * Before the key was claimed, such a file was written over; for a while it was a warning and the run reported the
     * missing copy as its newest.
     */
    @Test
    void aForeignSidecarWithoutItsCopyIsLeftAndTheRunFailsNamingTheFileToDelete() throws Exception {
        config("offsite", "");
        assertThat(at(Duration.ZERO).run("-c", "config.yaml", "backup", "nightly").exit()).isZero();
        String copy = artifacts("local").get(0).replace("prod/", "vault/");
        Path leftover = Path.of(sidecarOf(dir.resolve("offsite").resolve(copy)));
        Files.createDirectories(leftover.getParent());
        Files.writeString(leftover, "0".repeat(64) + "  " + Path.of(copy).getFileName() + "\n");

        Cli.Result r = at(Duration.ofHours(1)).run("-c", "config.yaml", "backup", "offsite");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        String blocked = LoggedOnce.sentenceWithout(r.err(), "not copied: the key's .sha256", copy, "delete ");
        assertThat(blocked).contains("ERROR not copied: the key's .sha256 is there with another digest")
                .contains("delete " + copy + ".sha256, and the next run copies its source backup job=offsite");
        assertThat(r.err()).doesNotContain("newest copy");
        assertThat(files("offsite")).containsExactly(copy + ".sha256");
        assertThat(Files.readString(leftover)).startsWith("0".repeat(64));
    }

    /**
     * A {@code .sha256} of this very copy without the copy under it — a run killed between its claim and its commit (no
     * clean-up ran) — does not block the key for good: the next run's copy lands beside it, with its manifest, and the run
     * succeeds; what is stored then verifies. With the claim alone it was left there, and the backup never copied.
     */
    @Test
    void aKilledRunsSidecarWithoutItsCopyDoesNotBlockTheCopy() throws Exception {
        config("offsite", "");
        assertThat(at(Duration.ZERO).run("-c", "config.yaml", "backup", "nightly").exit()).isZero();
        String original = artifacts("local").get(0);
        String copy = original.replace("prod/", "vault/");
        Path leftover = Path.of(sidecarOf(dir.resolve("offsite").resolve(copy)));
        Files.createDirectories(leftover.getParent());
        byte[] sidecar = Files.readAllBytes(Path.of(sidecarOf(dir.resolve("local").resolve(original))));
        Files.write(leftover, sidecar);

        Cli.Result r = at(Duration.ofHours(1)).run("-c", "config.yaml", "backup", "offsite");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("copied 1 backup");
        assertThat(artifacts("offsite")).containsExactly(copy);
        assertThat(Files.readAllBytes(dir.resolve("offsite").resolve(copy)))
                .isEqualTo(Files.readAllBytes(dir.resolve("local").resolve(original)));
        assertThat(Files.readAllBytes(leftover)).isEqualTo(sidecar);
        assertThat(files("offsite")).contains(copy + ".manifest.json");
        Cli.Result verify = at(Duration.ofHours(2)).run("-c", "config.yaml", "verify", "offsite", "--all-backups");
        assertThat(verify.exit()).as(verify.toString()).isZero();
    }

    /**
     * A repair (a damaged copy copied again over itself) whose commit fails leaves the damaged copy and its sidecars as
     * they were, for the next run to repair, and fails the job (exit 2). Before, it had already written the new sidecar
     * and manifest and then removed the copy with them: a copy whose only fault was a lost sidecar was deleted.
     */
    @Test
    void aRepairWhoseCommitFailsLeavesTheCopyAsItWas() throws Exception {
        config("offsite", "");
        assertThat(at(Duration.ZERO).run("-c", "config.yaml", "backup", "nightly").exit()).isZero();
        assertThat(at(Duration.ofHours(1)).run("-c", "config.yaml", "backup", "offsite").exit()).isZero();
        String copy = artifacts("offsite").get(0);
        Shell.ok(dir, "truncate", "-s", "1000", dir.resolve("offsite").resolve(copy).toString());
        Map<String, String> before = contents("offsite");
        config("failing", "");

        Cli.Result r = at(Duration.ofHours(2)).run("-c", "config.yaml", "backup", "offsite");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(LoggedOnce.sentenceWithout(r.err(), "copy does not match its source", copy))
                .contains("copy does not match its source: the copy ");
        assertThat(r.err()).doesNotContain("damaged copy repaired");
        assertThat(contents("offsite")).isEqualTo(before);
    }

    /**
     * A copy cut short (its manifest records more bytes) whose source fails its own checksum is no copy, as an empty
     * object is: the job fails (exit 3) naming the source and, with no older good backup to take in its place, the cut
     * copy, and nothing lands over it.
     */
    @Test
    void aDamagedCopyThatCannotBeCopiedAgainFailsTheJobNamingIt() throws Exception {
        config("offsite", "");
        assertThat(at(Duration.ZERO).run("-c", "config.yaml", "backup", "nightly").exit()).isZero();
        assertThat(at(Duration.ofHours(1)).run("-c", "config.yaml", "backup", "offsite").exit()).isZero();
        String copy = artifacts("offsite").get(0);
        Shell.ok(dir, "truncate", "-s", "1000", dir.resolve("offsite").resolve(copy).toString());
        TestBytes.flipMiddleByte(dir.resolve("local").resolve(copy.replace("vault/", "prod/")));

        Cli.Result r = at(Duration.ofHours(2)).run("-c", "config.yaml", "backup", "offsite");

        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.out()).contains("checksum mismatch").contains("; nothing was copied in its place: no older good backup "
                        + "of job 'nightly' that the copy's retention keeps is left to copy, and " + copy + " in the copy's "
                        + "folder is a copy cut short (1000 bytes), no copy (left as it is)")
                .contains("dbbackup -c config.yaml verify nightly --all-backups");
        assertThat(LoggedOnce.sentenceWithout(r.err(), "not counted as a copy", copy))
                .contains("not counted as a copy: a copy that is 1000 bytes, its manifest records ");
        assertThat(Files.size(dir.resolve("offsite").resolve(copy))).as("nothing landed over it").isEqualTo(1000);
    }

    /**
     * A copy job's run that copied nothing says so, with its newest copy's size, in the summary and the mail (it said
     * "0 B" beside the key: read at 3 a.m., "the backup is empty"); when the source job's newest backup is more than a
     * day old, the report says so (information, the run still succeeds).
     */
    @Test
    void aCopyRunWithNothingNewSaysSoWithTheNewestCopysSizeAndNamesASourceThatStopped() throws Exception {
        config("offsite", "notify: [{notifier: ops, on: always}]");
        mailTo("ops");
        assertThat(at(Duration.ZERO).run("-c", "config.yaml", "backup", "nightly").exit()).isZero();
        assertThat(at(Duration.ofHours(1)).run("-c", "config.yaml", "backup", "offsite").exit()).isZero();
        String copy = artifacts("offsite").get(0);
        long size = Files.size(dir.resolve("offsite").resolve(copy));
        String human = io.dbbackup.core.Human.size(size);

        Cli.Result r = at(Duration.ofHours(2)).run("-c", "config.yaml", "backup", "offsite");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).containsPattern("(?m)^offsite +ok .* " + java.util.regex.Pattern.quote(human) + "  " + copy
                + " \\(nothing new to copy; newest copy " + copy + " \\(" + java.util.regex.Pattern.quote(human) + "\\)\\)$");
        MimeMessage[] mails = smtp.await(2, Duration.ofSeconds(10));
        assertThat(mails).hasSize(2);
        String body = mails[1].getContent().toString();
        assertThat(body).contains("Size:       " + human + " (" + size + " bytes)").doesNotContain("0 B (0 bytes)")
                .contains("nothing new to copy; newest copy " + copy).doesNotContain("stopped");

        Map<?, ?> json = (Map<?, ?>) ((List<?>) ((Map<?, ?>) Json.parse(at(Duration.ofHours(2)).run("-c", "config.yaml",
                "backup", "offsite", "--json").out())).get("jobs")).get(0);
        assertThat(json.get("size")).isEqualTo(size);
        assertThat(String.valueOf(json.get("detail"))).startsWith("nothing new to copy; newest copy " + copy);
        smtp.await(3, Duration.ofSeconds(10));

        Cli.Result late = at(Duration.ofDays(3)).run("-c", "config.yaml", "backup", "offsite");

        assertThat(late.exit()).as(late.toString()).isZero();
        String stopped = "the newest backup of job 'nightly' is 3d 00h old (" + copy.replace("vault/", "prod/")
                + "): has job 'nightly' stopped making backups?";
        assertThat(late.err()).contains("WARN").contains(stopped);
        assertThat(smtp.await(4, Duration.ofSeconds(10))[3].getContent().toString()).contains(stopped);
    }

    private void encryptedToRecipientsOnly() throws Exception {
        Shell.ok(dir, "age-keygen", "-o", "key.txt");
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app:
                    engine: sqlite
                    path: app.db
                    compression: zstd
                    encryption:
                      recipients: [%s]
                stores:
                  local: {type: local, path: local}
                  offsite: {type: local, path: offsite}
                jobs:
                  nightly: {datasource: app, store: local, prefix: prod}
                  offsite: {copy_of: nightly, store: offsite, prefix: vault, notify: [{notifier: ops, on: failure}]}
                """.formatted(Shell.ok(dir, "age-keygen", "-y", "key.txt").strip()));
        mailTo("ops");
        assertThat(cli.run("-c", "config.yaml", "backup", "--all").exit()).isZero();
    }

    /**
     * No key on this host to open a copy job's backups: the advice names the source job, where {@code encryption:} is
     * set (the config refuses it on a copy job), not the copy job; in the {@code --notify} mail too.
     */
    @Test
    void theNoKeyAdviceForACopyJobNamesItsSourceJobWhereTheKeyIsSet() throws Exception {
        encryptedToRecipientsOnly();

        Cli.Result r = cli.run("-c", "config.yaml", "verify", "offsite", "--deep", "--notify"); // --deep must decrypt

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        String advice = "set encryption.identity_file / identity_env on job 'nightly' (the source of copy job "
                + "'offsite')";
        assertThat(r.out()).contains(advice).doesNotContain("on job 'offsite'");
        assertThat(smtp.await(1, Duration.ofSeconds(10))[0].getContent().toString().replaceAll("\\s+", " ")).contains(advice);
    }

    /** {@code verify --all} where every failure is a user error (no key here) exits 1, as the README's exit codes say (it was 2). */
    @Test
    void verifyAllWhereEveryFailureIsNoKeyExits1() throws Exception {
        encryptedToRecipientsOnly();

        Cli.Result r = cli.run("-c", "config.yaml", "verify", "--all", "--deep"); // without --deep: stored bytes only, ok

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).contains("0 of 2 backups verified, 2 failed (exit 1)").contains("on job 'nightly'");
        Files.delete(dir.resolve("offsite").resolve(files("offsite").stream().filter(f -> f.endsWith(".age")).findFirst().orElseThrow()));
        Cli.Result mixed = cli.run("-c", "config.yaml", "verify", "--all", "--deep");
        assertThat(mixed.exit()).as("a user error and another failure: " + mixed).isEqualTo(2);
    }
}
