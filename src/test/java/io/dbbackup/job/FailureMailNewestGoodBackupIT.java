package io.dbbackup.job;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SmtpServer;
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
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A failure mail says how exposed the job is: its newest good backup (with its {@code .sha256} beside it, counted by
 * retention) with when it was taken and how long ago, or none, or why the store could not say. Real runs through the
 * CLI, real backups in a local store, the mail through GreenMail. The mail used to say nothing of it: the on-call
 * reader's first question was left to a {@code list} run by hand.
 */
class FailureMailNewestGoodBackupIT {
    private static final String SMTP_PASSWORD = "s3cr3t-Newest-Pa55";
    private static final Instant DAY_ONE = Instant.parse("2026-12-06T03:00:00Z");

    @TempDir
    Path dir;
    SmtpServer smtp;

    @BeforeEach
    void start() {
        smtp = SmtpServer.plain().user("ops@example.com", "ops", SMTP_PASSWORD);
    }

    @AfterEach
    void stop() {
        smtp.close();
    }

    /** The job {@code app} of datasource {@code app} ({@code dsOptions}) into store {@code store}, notifying on failure. */
    private Cli.Result run(Instant at, String dsOptions, String store, String... args) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: fake%s}
                stores:
                  local: {type: local, path: %s, fsync: false}
                jobs:
                  app:
                    datasource: app
                    store: local
                    retry: {max_attempts: 2, delay: 10ms}
                    notify: [{notifier: ops, on: failure}]
                notifications:
                  ops:
                    type: email
                    smtp_host: 127.0.0.1
                    smtp_port: %d
                    tls: none
                    username: ops
                    password_env: SMTP_PASSWORD
                    from: dbbackup@example.com
                    to: ops@example.com
                    timeout: 5s
                """.formatted(dsOptions, store, smtp.port()));
        Cli.Result r = new Cli().workingDir(dir).env("SMTP_PASSWORD", SMTP_PASSWORD).clock(Clock.fixed(at, ZoneOffset.UTC))
                .run(args);
        System.out.println(r.out() + r.err());
        return r;
    }

    private Cli.Result failingBackup(Instant at, String store) throws Exception {
        return run(at, ", fail_attempts: 1000, attempts_file: app.attempts", store, "-c", "config.yaml", "backup", "app");
    }

    private String mail() throws Exception {
        MimeMessage[] mails = smtp.await(1, Duration.ofSeconds(15));
        assertThat(mails).as("the failure mail").hasSize(1);
        String body = String.valueOf(mails[0].getContent()).replace("\r\n", "\n");
        System.out.println(body);
        return body;
    }

    /** The key of the backup a successful run at {@code at} stored. */
    private String backUp(Instant at) throws Exception {
        Cli.Result ok = run(at, "", "store", "-c", "config.yaml", "backup", "app");
        assertThat(ok.exit()).as(ok.toString()).isZero();
        var m = Pattern.compile("app/app-\\d{8}-\\d{6}\\.sql\\S*").matcher(ok.out() + ok.err());
        assertThat(m.find()).as(ok.toString()).isTrue();
        return m.group().replaceAll("[),;.]+$", "");
    }

    /**
     * Newer files that are no good backup are passed over: one cut short (of another size than its manifest records), one
     * without its {@code .sha256}, an empty one; the line names the real key of the good one, once though two attempts
     * failed, and the run's exit code is the failure's as before.
     */
    @Test
    void aFailedBackupNamesTheNewestGoodBackupWithItsAge() throws Exception {
        String good = backUp(DAY_ONE);
        String cut = backUp(DAY_ONE.plus(Duration.ofHours(1)));
        String unchecked = backUp(DAY_ONE.plus(Duration.ofHours(2)));
        Path store = dir.resolve("store");
        Files.write(store.resolve(cut), java.util.Arrays.copyOf(Files.readAllBytes(store.resolve(cut)), 100));
        Files.delete(store.resolve(unchecked + ".sha256"));
        String empty = "app/app-20261206-060000.sql.gz";
        Files.write(store.resolve(empty), new byte[0]);
        Files.writeString(store.resolve(empty + ".sha256"),
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  app-20261206-060000.sql.gz\n");

        Cli.Result r = failingBackup(DAY_ONE.plus(Duration.ofHours(26)), "store");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        String body = mail();
        assertThat(good).isEqualTo("app/app-20261206-030000.sql.gz");
        assertThat(body).contains("\nWhat now:\n  newest good backup: app/app-20261206-030000.sql.gz (taken 2026-12-06 03:00 UTC, "
                + "1d 02h ago)\n  This run stored no backup;");
        assertThat(body.split("newest good backup:", -1)).as("one line for the job, not one per attempt").hasSize(2);
        assertThat(body).contains("Attempts:   2");
    }

    @Test
    void aFailedBackupOfAJobWithoutBackupsSaysNoneInItsStore() throws Exception {
        Cli.Result r = failingBackup(DAY_ONE, "store");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(mail()).contains("\nWhat now:\n  newest good backup: none in local " + dir.resolve("store") + " under app/\n"
                + "  This run stored no backup;");
    }

    /**
     * The store itself is what failed (its path is a file, not a folder): the line says the store could not be listed and
     * why, on one line; the mail still goes out and the exit code is the backup's own.
     */
    @Test
    void aStoreThatCannotBeListedIsSaidSoAndTheMailStillGoesOut() throws Exception {
        Files.writeString(dir.resolve("not-a-folder"), "a file where the store's folder should be\n");

        Cli.Result r = run(DAY_ONE, "", "not-a-folder", "-c", "config.yaml", "backup", "app");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(mail()).containsPattern("\nWhat now:\n  newest good backup: unknown \\(the store could not be listed: "
                + "cannot list app/ in local " + Pattern.quote(dir.resolve("not-a-folder").toString())
                + "[^\n]*: the store's path is not a folder\\)\n  This run stored no backup;");
    }

    /**
     * Guard: the store is asked only for a report someone hears. A failed job without a notifier for failures does not
     * list its store for it (the faulty store's {@code slow_listing} marks each listing with a {@code .listing} file);
     * with one, the failure's report lists it once.
     */
    @Test
    void theStoreIsListedOnlyForAFailureANotifierHears() throws Exception {
        String config = """
                datasources:
                  app: {engine: fake, fail_attempts: 1000, attempts_file: app.attempts}
                stores:
                  watched: {type: faulty, path: store, slow_listing: true}
                notifications:
                  ops: {type: email, smtp_host: 127.0.0.1, smtp_port: %d, tls: none, from: a@example.com, to: b@example.com}
                jobs:
                  app:
                    datasource: app
                    store: watched
                    notify: [{notifier: ops, on: %s}]
                """;
        Path marker = Files.createDirectories(dir.resolve("store")).resolve(".listing");
        Files.writeString(dir.resolve("config.yaml"), config.formatted(smtp.port(), "success"));
        Cli.Result unheard = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "app");
        assertThat(unheard.exit()).as(unheard.toString()).isEqualTo(2);
        assertThat(marker).as("no listing for a failure no notifier hears").doesNotExist();

        Files.writeString(dir.resolve("config.yaml"), config.formatted(smtp.port(), "failure"));
        Cli.Result heard = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "app");
        assertThat(heard.exit()).as(heard.toString()).isEqualTo(2);
        assertThat(marker).as("the failure's report lists the store").exists();
        assertThat(mail()).contains("\n  newest good backup: none in faulty " + dir.resolve("store") + " under app/\n");

        // metrics hear every failure but never show the report's text: no listing for them (the push failing, a closed
        // port, has no part in it)
        Files.delete(marker);
        Files.writeString(dir.resolve("config.yaml"), config.formatted(smtp.port(), "success").replace(
                "notifications:\n", "notifications:\n  metrics: {type: pushgateway, url: \"http://127.0.0.1:1\", timeout: 2s}\n")
                .replace("notify: [{notifier: ops, on: success}]", "notify: [{notifier: ops, on: success}, {notifier: metrics, on: failure}]"));
        Cli.Result metricsOnly = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "app");
        assertThat(metricsOnly.exit()).as(metricsOnly.toString()).isEqualTo(2);
        assertThat(metricsOnly.err()).as("the pushgateway heard the failure").contains("notification failed").contains("metrics");
        assertThat(marker).as("no listing for a failure only metrics hear").doesNotExist();
    }

    /**
     * A store that does not answer (a black-holed host: the backup has just waited out its timeouts) does not hold the
     * report back for its listing: after {@link NewestGoodBackup#WAIT} it says so, and the mail goes out.
     */
    @Test
    void aStoreThatDoesNotAnswerItsListingHoldsTheMailBackNoLongerThanTheWait() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: fake, fail_attempts: 1000, attempts_file: app.attempts}
                stores:
                  hung: {type: faulty, path: store, hung_listing: true}
                notifications:
                  ops: {type: email, smtp_host: 127.0.0.1, smtp_port: %d, tls: none, from: a@example.com, to: b@example.com}
                jobs:
                  app:
                    datasource: app
                    store: hung
                    notify: [{notifier: ops, on: failure}]
                """.formatted(smtp.port()));
        Files.createDirectories(dir.resolve("store"));
        long started = System.nanoTime();
        Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "app");
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(dir.resolve("store/.listing")).as("the report asked the store").exists();
        assertThat(took).as("the run waited for the listing no longer than the wait (the listing takes 90 s)")
                .isGreaterThanOrEqualTo(NewestGoodBackup.WAIT).isLessThan(Duration.ofSeconds(60));
        assertThat(mail()).contains("\n  newest good backup: unknown (the store did not answer its listing within "
                + NewestGoodBackup.WAIT.toSeconds() + " s)\n");
    }

    /**
     * A newest good backup dated ahead of this host's clock (another host's clock ahead, this one stepped back) is said
     * so, as {@code show} says it, not {@code 0m ago}, which told the on-call reader the job had just backed up.
     */
    @Test
    void aNewestGoodBackupDatedAheadOfThisHostsClockIsSaidSo() throws Exception {
        backUp(DAY_ONE.plus(Duration.ofHours(2)).plus(Duration.ofMinutes(10)));

        Cli.Result r = failingBackup(DAY_ONE, "store");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(mail()).contains("\n  newest good backup: app/app-20261206-051000.sql.gz (taken 2026-12-06 05:10 UTC, "
                + "2h 10m after this host's clock)\n");
    }

    /** A failing job {@code app} into a faulty store with {@code storeOptions}, notifying ops on failure. */
    private Cli.Result failingIntoFaulty(String storeOptions) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: fake, fail_attempts: 1000, attempts_file: app.attempts}
                stores:
                  faulty: {type: faulty, path: store, %s}
                notifications:
                  ops: {type: email, smtp_host: 127.0.0.1, smtp_port: %d, tls: none, from: a@example.com, to: b@example.com}
                jobs:
                  app:
                    datasource: app
                    store: faulty
                    notify: [{notifier: ops, on: failure}]
                """.formatted(storeOptions, smtp.port()));
        Files.createDirectories(dir.resolve("store"));
        Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "app");
        System.out.println(r.out() + r.err());
        return r;
    }

    /**
     * An {@link Error} from a store plugin's listing — a class its jar lost, a runaway recursion — is a store that could
     * not be listed like any other: the line says so, naming the error, and the mail goes out with the backup's exit code.
     * It used to escape the report: no mail at all.
     */
    @Test
    void anErrorFromTheListingSaysUnknownAndTheMailStillGoesOut() throws Exception {
        Cli.Result lost = failingIntoFaulty("lost_class: true");
        assertThat(lost.exit()).as(lost.toString()).isEqualTo(2);
        assertThat(mail()).contains("\n  newest good backup: unknown (the store could not be listed: "
                + "NoClassDefFoundError: io/dbbackup/Injected)\n");
    }

    @Test
    void aStackOverflowFromTheListingSaysUnknownAndTheMailStillGoesOut() throws Exception {
        Cli.Result overflow = failingIntoFaulty("overflowing_listing: true");
        assertThat(overflow.exit()).as(overflow.toString()).isEqualTo(2);
        assertThat(mail()).contains("\n  newest good backup: unknown (the store could not be listed: StackOverflowError)\n");
    }

    /**
     * A listing that does not answer within {@link NewestGoodBackup#WAIT}, deaf to interrupts, is not carried on to the
     * run's next job: its own store instance is closed under it, and its thread ({@link NewestGoodBackup#THREAD}) ends
     * within seconds of the mail, while the next job still runs.
     * It used to run on until the run's end closed the stores.
     */
    @Test
    void aHungListingEndsWhenTheMailHasGoneOutNotWithTheRun() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: fake, fail_attempts: 1000, attempts_file: app.attempts}
                  slow: {engine: fake, duration: 30s}
                stores:
                  hung: {type: faulty, path: store, hung_listing: true}
                  plain: {type: local, path: plain, fsync: false}
                notifications:
                  ops: {type: email, smtp_host: 127.0.0.1, smtp_port: %d, tls: none, from: a@example.com, to: b@example.com}
                jobs:
                  a-hung:
                    datasource: app
                    store: hung
                    notify: [{notifier: ops, on: failure}]
                  b-slow:
                    datasource: slow
                    store: plain
                """.formatted(smtp.port()));
        Files.createDirectories(dir.resolve("store"));
        java.util.concurrent.CompletableFuture<Cli.Result> run = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "--all"));

        MimeMessage[] mails = smtp.await(1, Duration.ofSeconds(45));
        assertThat(mails).as("the failure mail").hasSize(1);
        assertThat(String.valueOf(mails[0].getContent())).contains("newest good backup: unknown (the store did not answer "
                + "its listing within " + NewestGoodBackup.WAIT.toSeconds() + " s)");
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (listers() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(run).as("the next job still runs").isNotDone();
        assertThat(listers()).as("listing threads alive 5 s after the mail went out").isZero();

        Cli.Result r = run.get(60, java.util.concurrent.TimeUnit.SECONDS);
        System.out.println(r.out() + r.err());
        assertThat(r.exit()).as("one of two jobs failed: " + r).isEqualTo(4);
        assertThat(r.err() + r.out()).as("the next job backed up").containsPattern("slow-\\d{8}-\\d{6}");
    }

    private static long listers() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("newest-good-backup-")).count();
    }
}
