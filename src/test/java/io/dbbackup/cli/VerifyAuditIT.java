package io.dbbackup.cli;

import io.dbbackup.testkit.PrivateFile;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SmtpServer;
import io.dbbackup.testkit.SqliteFixture;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code verify --max-age --notify}: the scheduled audit that finds a backup that silently stopped happening (no
 * backup run, no failure mail) and mails the job's notifiers, through a real SMTP server (GreenMail).
 */
class VerifyAuditIT {
    private static final Instant BACKED_UP = Instant.parse("2026-03-01T02:00:00Z");

    @TempDir
    Path dir;
    SmtpServer smtp;

    @BeforeEach
    void setUp() throws Exception {
        smtp = SmtpServer.plain();
        SqliteFixture.create(dir.resolve("app.db"), 200);
        SqliteFixture.create(dir.resolve("other.db"), 50);
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db, compression: zstd}
                  other: {engine: sqlite, path: other.db}
                stores:
                  local: {type: local, path: store}
                notifications:
                %s
                jobs:
                  app:
                    datasource: app
                    store: local
                    notify:
                      - {notifier: ops, on: failure}
                  other:
                    datasource: other
                    store: local
                    notify:
                      - {notifier: ops, on: always}
                """.formatted(SmtpServer.notifierYaml("ops", smtp.port())));
        assertThat(at(BACKED_UP).run("backup", "--all").exit()).isZero();
        assertThat(smtp.await(1, Duration.ofSeconds(10))).hasSize(1); // the backup's own "on: always" mail for other
    }

    /** The mails sent after the backup's own, once {@code n} of them have arrived (or the wait ran out). */
    private MimeMessage[] newMails(int n) {
        MimeMessage[] all = smtp.await(1 + n, Duration.ofSeconds(10));
        return java.util.Arrays.copyOfRange(all, 1, all.length);
    }

    @AfterEach
    void stop() {
        smtp.close();
    }

    /** dbbackup -c config.yaml at the instant {@code now}. */
    private Runner at(Instant now) {
        Cli cli = new Cli().workingDir(dir).clock(Clock.fixed(now, ZoneOffset.UTC));
        return args -> cli.run(Stream.concat(Stream.of("-c", "config.yaml"), Stream.of(args)).toArray(String[]::new));
    }

    interface Runner {
        Cli.Result run(String... args);
    }

    private static String body(MimeMessage m) throws Exception {
        return String.valueOf(m.getContent()).replace("\r\n", "\n");
    }

    @Test
    void aFreshSoundBackupPassesAndOnlyTheAlwaysRuleMails() throws Exception {
        Cli.Result r = at(BACKED_UP.plus(Duration.ofHours(20))).run("verify", "--all", "--max-age", "26h", "--notify");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("2 of 2 backups verified (exit 0)").doesNotContain("STALE");

        MimeMessage[] mails = newMails(1);
        assertThat(mails).hasSize(1);
        assertThat(mails[0].getSubject()).startsWith("[dbbackup] OK: verify of job other on ");
        assertThat(body(mails[0])).contains("Operation:  verify", "Exit code:  0 (ok)\n",
                "Key:        other/other-20260301-020000.sqlite.gz");
    }

    @Test
    void aBackupOlderThanMaxAgeFailsTheAuditAndMailsEvenThoughItVerifies() throws Exception {
        Cli.Result r = at(BACKED_UP.plus(Duration.ofHours(30).plusMinutes(5))).run("verify", "--all", "--max-age", "26h",
                "--notify");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.out()).contains("STALE  app/app-20260301-020000.sqlite.zst: 1d 06h old (--max-age 26h)")
                .contains("ok     app/app-20260301-020000.sqlite.zst") // still the one a restore would take: still checked
                .contains("2 of 2 backups verified, 2 jobs with no backup newer than 26h (exit 2)");

        MimeMessage[] mails = newMails(2);
        assertThat(mails).hasSize(2);
        MimeMessage app = Stream.of(mails).filter(m -> {
            try {
                return m.getSubject().contains("job app ");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).findFirst().orElseThrow();
        assertThat(app.getSubject()).startsWith("[dbbackup] FAILED: verify of job app on ");
        assertThat(body(app)).contains("the newest backup of job app is 1d 06h old, older than --max-age 26h: "
                + "app/app-20260301-020000.sqlite.zst").contains("Exit code:  2 (system error)\n"); // as the README says of a stale job

        Cli.Result json = at(BACKED_UP.plus(Duration.ofHours(30))).run("verify", "app", "--max-age", "1d", "--json");
        assertThat(json.exit()).isEqualTo(2);
        assertThat(json.out()).containsPattern("\"stale_jobs\" *: *1").containsPattern("\"stale\" *: *true");
        assertThat(smtp.messages()).hasSize(3); // no --notify: no mail
    }

    @Test
    void aCorruptBackupIsAnIntegrityFailureAndItsMailSaysWhy() throws Exception {
        Path artifact;
        try (Stream<Path> s = Files.walk(dir.resolve("store/app"))) {
            artifact = s.filter(p -> p.toString().endsWith(".sqlite.zst")).findFirst().orElseThrow();
        }
        byte[] b = Files.readAllBytes(artifact);
        b[b.length / 2] ^= 0x01;
        Files.write(artifact, b);

        Cli.Result r = at(BACKED_UP.plus(Duration.ofHours(1))).run("verify", "app", "--notify");
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        MimeMessage[] mails = newMails(1);
        assertThat(mails).hasSize(1);
        assertThat(mails[0].getSubject()).startsWith("[dbbackup] FAILED: verify of job app on ");
        assertThat(body(mails[0])).contains("checksum mismatch").contains("Exit code:  3 (integrity failure)\n");
    }

    /** The mail of job {@code job} among {@code mails}. */
    private static MimeMessage mailOf(String job, MimeMessage[] mails) {
        return Stream.of(mails).filter(m -> {
            try {
                return m.getSubject().contains(" job " + job + " on ");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).findFirst().orElseThrow(() -> new AssertionError("no mail about job " + job));
    }

    /**
     * Each job's report carries the exit code the audit would give that job alone, not the audit's: app's newest backup
     * is corrupt (3) while other's is sound but stale (2); the process exits 3 for the two together (a corrupt
     * backup outranks every other failure). The reports carried
     * no exit code at all, so on-call could not tell a corrupt backup from a missed one.
     */
    @Test
    void eachJobsReportCarriesItsOwnExitCode() throws Exception {
        assertThat(at(BACKED_UP.plus(Duration.ofHours(10))).run("backup", "app").exit()).isZero();
        Path artifact = dir.resolve("store/app/app-20260301-120000.sqlite.zst");
        byte[] b = Files.readAllBytes(artifact);
        b[b.length / 2] ^= 0x01;
        Files.write(artifact, b);

        Cli.Result r = at(BACKED_UP.plus(Duration.ofHours(30))).run("verify", "--all", "--max-age", "26h", "--notify");
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.out()).contains("FAILED app/app-20260301-120000.sqlite.zst", "STALE  other/other-20260301-020000.sqlite.gz");
        MimeMessage[] mails = newMails(2);
        assertThat(mails).hasSize(2);
        assertThat(body(mailOf("app", mails))).contains("Exit code:  3 (integrity failure)\n", "checksum mismatch");
        assertThat(body(mailOf("other", mails))).contains("Exit code:  2 (system error)\n", "older than --max-age 26h");
    }

    /** A failure whose own words do not name the backup (age's) is mailed with the backup's key in front of it. */
    @Test
    void theFailureMailNamesTheBackupThatFailed() throws Exception {
        io.dbbackup.codec.age.AgeKeys.GeneratedKey key = io.dbbackup.codec.age.AgeKeys.generate();
        PrivateFile.write(dir.resolve("key.txt"), key.identity() + "\n");
        Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml")).replace(
                "app: {engine: sqlite, path: app.db, compression: zstd}",
                "app: {engine: sqlite, path: app.db, compression: zstd, encryption: {recipients: [" + key.recipient()
                        + "], identity_file: key.txt}}"));
        assertThat(at(BACKED_UP.plus(Duration.ofMinutes(5))).run("backup", "app").exit()).isZero();
        Path artifact;
        try (Stream<Path> s = Files.walk(dir.resolve("store/app"))) {
            artifact = s.filter(p -> p.toString().endsWith(".age")).findFirst().orElseThrow();
        }
        byte[] b = Files.readAllBytes(artifact);
        b[b.length / 2] ^= 0x01;
        Files.write(artifact, b); // and a sidecar that matches the damage: only age's own check finds it
        io.dbbackup.testkit.Shell.sh(artifact.getParent(), "sha256sum " + artifact.getFileName() + " > " + artifact.getFileName() + ".sha256");

        Cli.Result r = at(BACKED_UP.plus(Duration.ofHours(1))).run("verify", "app", "--notify");
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        MimeMessage[] mails = newMails(1);
        assertThat(mails).hasSize(1);
        assertThat(body(mails[0]).replaceAll("\\s+", " ")).contains("app/" + artifact.getFileName() + " does not decode, although its stored bytes match their checksum")
                .contains("a fault in writing the backup, not damage in the store): age payload is corrupt");
    }

    @Test
    void aJobWithoutBackupsIsAFailureOfTheAudit() throws Exception {
        Files.walk(dir.resolve("store/other")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        Cli.Result r = at(BACKED_UP.plus(Duration.ofHours(1))).run("verify", "other", "--max-age", "26h", "--notify");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        MimeMessage[] mails = newMails(1);
        assertThat(mails[0].getSubject()).startsWith("[dbbackup] FAILED: verify of job other on ");
    }

    /**
     * Two more backups of app (03:00, 04:00 beside 02:00's) and the store swapped for one that deletes the oldest backup
     * of a folder after each listing (another CronJob's prune): a runner an hour after the last backup.
     */
    private Runner threeBackupsOfAppAndAPruneAfterEachListing() throws Exception {
        for (int h = 1; h <= 2; h++) {
            assertThat(at(BACKED_UP.plus(Duration.ofHours(h))).run("backup", "app").exit()).isZero();
        }
        Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml")).replace(
                "local: {type: local, path: store}", "local: {type: faulty, path: store, delete_after_listing: 1}"));
        return at(BACKED_UP.plus(Duration.ofHours(3)));
    }

    /**
     * A prune (another CronJob, played by the faulty store) deleting an old backup between the audit's listing and its
     * read: that backup is skipped and said so, no failure and no failure mail — it was FAILED, exit 2, a failure mail at
     * night. A job whose listed backups are all gone so fails as one without backups: no green audit of an emptied store.
     */
    @Test
    void aBackupPrunedWhileTheAuditReadsIsSkippedButAJobEmptiedSoFails() throws Exception {
        Runner later = threeBackupsOfAppAndAPruneAfterEachListing();

        Cli.Result r = later.run("verify", "app", "--all-backups", "--notify");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("ok     app/app-20260301-040000.sqlite.zst", "ok     app/app-20260301-030000.sqlite.zst",
                        "SKIPPED app/app-20260301-020000.sqlite.zst: deleted since it was listed (a prune?)",
                        "2 of 2 backups verified, 1 deleted since it was listed (exit 0)")
                .doesNotContain("FAILED");
        // its log line names the backup once, in its key field
        String skipped = r.err().lines().filter(l -> l.contains(": skipped")).findFirst().orElseThrow(() -> new AssertionError(r.err()));
        assertThat(skipped).contains("WARN  the backup is no longer in", "key=app/app-20260301-020000.sqlite.zst")
                .containsOnlyOnce("app-20260301-020000.sqlite.zst");

        Cli.Result json = later.run("verify", "app", "--all-backups", "--json"); // the next prune takes 03:00's
        assertThat(json.exit()).as(json.toString()).isZero();
        assertThat(json.out()).containsPattern("\"verified\" *: *1,\\s*\"failed\" *: *0,\\s*\"deleted_since_listed\" *: *1")
                .containsPattern("\"key\" *: *\"app/app-20260301-030000.sqlite.zst\",\\s*\"skipped\" *: *true,\\s*\"deleted_since_listed\" *: *true\\s*}");

        Cli.Result emptied = later.run("verify", "other", "--all-backups", "--notify");
        assertThat(emptied.exit()).as(emptied.toString()).isEqualTo(2);
        assertThat(emptied.out()).contains("SKIPPED other/other-20260301-020000.sqlite.gz: deleted since it was listed",
                "FAILED other: no backups: every backup listed (1) was deleted before it was read (a prune?)",
                "0 of 0 backups verified, 1 deleted since it was listed, 1 job without backups (exit 2)");
        MimeMessage[] mails = newMails(1); // app's audit mailed nothing: its rule is on failure
        assertThat(mails).hasSize(1);
        assertThat(mails[0].getSubject()).startsWith("[dbbackup] FAILED: verify of job other on ");
        assertThat(body(mails[0])).contains("every backup listed (1) was deleted before it was read (a prune?)");
    }

    /**
     * {@code --subset}: a prune deleting, between the listing and the read, every backup of the part the run was to
     * read fails the job as an emptied one does — the run verified nothing, though other parts still hold backups —
     * where it passed, exit 0. A part that still had one to read passes with the others skipped.
     */
    @Test
    void aPartWhoseEveryBackupWasPrunedWhileTheAuditReadsFails() throws Exception {
        Runner later = threeBackupsOfAppAndAPruneAfterEachListing();

        // part 2 of 4 holds 02:00's backup alone, which the prune takes
        Cli.Result emptied = later.run("verify", "app", "--all-backups", "--subset", "2/4", "--notify");
        assertThat(emptied.exit()).as(emptied.toString()).isEqualTo(2);
        assertThat(emptied.out()).contains("SKIPPED app/app-20260301-020000.sqlite.zst: deleted since it was listed",
                "FAILED app: part 2 of 4: every backup of it listed (1) was deleted before it was read (a prune?); "
                        + "nothing of it was verified",
                "0 of 0 backups verified, 1 deleted since it was listed, 1 job whose part had nothing left to read "
                        + "(part 2 of 4: 0 of 3 stored backups) (exit 2)");
        MimeMessage[] mails = newMails(1);
        assertThat(mails[0].getSubject()).startsWith("[dbbackup] FAILED: verify of job app on ");
        assertThat(body(mails[0])).contains("part 2 of 4: every backup of it listed (1) was deleted before it was read");

        Cli.Result json = later.run("verify", "app", "--all-backups", "--subset", "4/4", "--json"); // 03:00's goes, 04:00's is read
        assertThat(json.exit()).as(json.toString()).isZero();
        assertThat(json.out()).containsPattern("\"verified\" *: *1,\\s*\"failed\" *: *0,\\s*\"deleted_since_listed\" *: *0")
                .containsPattern("\"parts_emptied\" *: *0");
    }

    @Test
    void aJobWhoseStoreCannotBeListedFailsAloneAndTheAuditGoesOn() throws Exception {
        String config = Files.readString(dir.resolve("config.yaml"))
                .replace("stores:\n", """
                        stores:
                          offsite:
                            type: s3
                            bucket: backups
                            endpoint: http://127.0.0.1:1
                            access_key_env: OFFSITE_ACCESS
                            secret_key_env: OFFSITE_SECRET
                        """)
                .replace("jobs:\n", """
                        jobs:
                          offsite:
                            datasource: app
                            store: offsite
                            notify:
                              - {notifier: ops, on: failure}
                        """);
        Files.writeString(dir.resolve("unreachable.yaml"), config);
        Cli cli = new Cli().workingDir(dir).clock(Clock.fixed(BACKED_UP.plus(Duration.ofHours(1)), ZoneOffset.UTC))
                .env("OFFSITE_ACCESS", "AKIDEXAMPLE").env("OFFSITE_SECRET", "not-used-nothing-listens");
        Cli.Result r = cli.run("-c", "unreachable.yaml", "verify", "--all", "--max-age", "26h", "--notify", "--json");
        assertThat(r.exit()).as(r.toString()).isEqualTo(4); // offsite failed, other passed: partial
        assertThat(r.out()).containsPattern("\"verified\" *: *2").containsPattern("\"jobs_unreadable\" *: *1")
                .containsPattern("\"job\" *: *\"offsite\",[^}]*\"ok\" *: *false");
        MimeMessage[] mails = newMails(2); // other's "always", offsite's failure
        assertThat(mails).hasSize(2);
        assertThat(Stream.of(mails).map(m -> {
            try {
                return m.getSubject();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        })).anyMatch(subject -> subject.startsWith("[dbbackup] FAILED: verify of job offsite on "))
                .anyMatch(subject -> subject.startsWith("[dbbackup] OK: verify of job other on "));
        assertThat(body(mailOf("offsite", mails))).contains("Exit code:  2 (system error)\n"); // its store is down
        assertThat(body(mailOf("other", mails))).contains("Exit code:  0 (ok)\n");
    }

    @Test
    void maxAgeAndNotifyAreRefusedWhereTheyMeanNothing() {
        Runner cli = at(BACKED_UP);
        assertThat(cli.run("verify", "app", "app-20260301-020000.sqlite.zst", "--max-age", "1d").err())
                .contains("--max-age audits a job's stored backups: name no KEY or --from-file with it");
        Cli.Result bad = cli.run("verify", "app", "--max-age", "soon");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("--max-age: expected a duration such as 26h or 2d (units ms, s, m, h, d, in lower case), got 'soon'");
    }
}
