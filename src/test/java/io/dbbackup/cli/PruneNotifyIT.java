package io.dbbackup.cli;

import io.dbbackup.core.Json;
import io.dbbackup.testkit.BrokenStoreFixture;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SmtpServer;
import io.dbbackup.testkit.SqliteFixture;
import io.dbbackup.testkit.WebhookServer;
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
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code prune --notify}: a retention run on its own schedule reports each job by its notify rules — what it deleted
 * (GreenMail, a webhook in Slack format) or why it failed — and mails nothing without the flag.
 */
class PruneNotifyIT {
    private static final Instant FIRST = Instant.parse("2026-03-01T02:00:00Z");
    private static final Instant LATER = FIRST.plus(Duration.ofDays(3));

    @TempDir
    Path dir;
    SmtpServer smtp;
    WebhookServer hook;

    @BeforeEach
    void setUp() throws Exception {
        smtp = SmtpServer.plain();
        hook = new WebhookServer();
        BrokenStoreFixture.write(dir, """
                notifications:
                %s
                  chat: {type: webhook, url_env: HOOK_URL, format: slack}
                jobs:
                  app:
                    datasource: app
                    store: local
                    retention: {keep_last: 1}
                    notify:
                      - {notifier: ops, on: always}
                      - {notifier: chat, on: always}
                  broken:
                    datasource: app
                    store: broken
                    retention: {keep_last: 1}
                    notify:
                      - {notifier: ops, on: failure}
                """.formatted(SmtpServer.notifierYaml("ops", smtp.port())));
        BrokenStoreFixture.backUpDaily(this::at, FIRST, 3, "app");
        assertThat(smtp.await(3, Duration.ofSeconds(10))).hasSize(3); // the backups' own "always" mails
        for (int i = 0; i < 3; i++) {
            hook.take(Duration.ofSeconds(5));
        }
    }

    @AfterEach
    void stop() {
        smtp.close();
        hook.close();
    }

    private Cli at(Instant now) {
        return new Cli().workingDir(dir).clock(Clock.fixed(now, ZoneOffset.UTC)).env("HOOK_URL", hook.url() + "/hook");
    }

    private MimeMessage mailAbout(MimeMessage[] mails, String job) {
        return Stream.of(mails).filter(m -> subject(m).contains(" job " + job + " ")).findFirst().orElseThrow();
    }

    private static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String body(MimeMessage m) throws Exception {
        return String.valueOf(m.getContent()).replace("\r\n", "\n");
    }

    @Test
    void eachJobIsReportedByItsRulesWhatWasDeletedOrWhyItFailed() throws Exception {
        Cli.Result r = at(LATER).run("-c", "config.yaml", "prune", "--all", "--notify");
        assertThat(r.exit()).as(r.toString()).isEqualTo(4);

        MimeMessage[] all = smtp.await(5, Duration.ofSeconds(10));
        assertThat(all).hasSize(5);
        MimeMessage[] mails = java.util.Arrays.copyOfRange(all, 3, 5);
        MimeMessage ok = mailAbout(mails, "app");
        assertThat(subject(ok)).startsWith("[dbbackup] OK: prune of job app on ");
        // the Date header was the machine's clock, a day apart from the run's (and the body's Started/Finished)
        assertThat(ok.getSentDate().toInstant()).as("the run's clock").isEqualTo(LATER);
        assertThat(body(ok)).contains("Operation:  prune", "Result:\n  kept 1, deleted 2\n",
                "  newest kept app/app-20260303-020000.sqlite.gz\n",
                "  deleted app/app-20260302-020000.sqlite.gz\n", "  deleted app/app-20260301-020000.sqlite.gz\n");
        MimeMessage failed = mailAbout(mails, "broken");
        assertThat(subject(failed)).startsWith("[dbbackup] FAILED: prune of job broken on ");
        assertThat(body(failed)).contains("Error:\n  cannot list app/ in local " + dir.resolve("blocker")
                + ": the store's path is not a folder");

        @SuppressWarnings("unchecked")
        Map<String, Object> chat = (Map<String, Object>) Json.parse(hook.take(Duration.ofSeconds(5)).body());
        assertThat((String) chat.get("text")).startsWith("dbbackup: prune of job app succeeded on ")
                .contains("```\nkept 1, deleted 2\nnewest kept app/app-20260303-020000.sqlite.gz\n"
                        + "deleted app/app-20260302-020000.sqlite.gz\ndeleted app/app-20260301-020000.sqlite.gz\n```");
    }

    @Test
    void aDryRunReportsWhatItWouldDeleteAndWithoutNotifyNothingIsSent() throws Exception {
        Cli.Result quiet = at(LATER).run("-c", "config.yaml", "prune", "app", "--dry-run");
        assertThat(quiet.exit()).isZero();
        Cli.Result r = at(LATER).run("-c", "config.yaml", "prune", "app", "--dry-run", "--notify");
        assertThat(r.exit()).as(r.toString()).isZero();
        MimeMessage[] all = smtp.await(4, Duration.ofSeconds(10));
        assertThat(all).as("one mail: the --notify run's").hasSize(4);
        assertThat(body(all[3])).contains("Result:\n  dry run, nothing deleted: kept 1, would delete 2\n",
                "  would delete app/app-20260301-020000.sqlite.gz\n");
        try (Stream<Path> s = Files.walk(dir.resolve("store"))) {
            assertThat(s.filter(p -> p.toString().endsWith(".sqlite.gz"))).hasSize(3);
        }
    }

    /**
     * The report names each backup retention did not count and left — one cut short, one empty — as the table does: the
     * on-call reader must know a cut-short backup sits in the store, newer than the newest kept. It used to say only
     * {@code kept 1, deleted 0}, as if the store held nothing else.
     */
    @Test
    void theReportNamesTheBackupsLeftUncountedCutShortOrEmpty() throws Exception {
        Path newest = dir.resolve("store/app/app-20260303-020000.sqlite.gz");
        byte[] whole = Files.readAllBytes(newest);
        Files.write(newest, java.util.Arrays.copyOf(whole, whole.length / 2));
        Files.write(dir.resolve("store/app/app-20260301-020000.sqlite.gz"), new byte[0]);

        Cli.Result r = at(LATER).run("-c", "config.yaml", "prune", "app", "--notify");
        assertThat(r.exit()).as(r.toString()).isZero();

        MimeMessage[] all = smtp.await(4, Duration.ofSeconds(10));
        assertThat(all).hasSize(4);
        String left = "left app/app-20260303-020000.sqlite.gz [not counted: cut short (" + whole.length / 2 + " of "
                + whole.length + " bytes)]\nleft app/app-20260301-020000.sqlite.gz [not counted: empty (0 bytes)]\n";
        assertThat(body(all[3])).contains("Result:\n  kept 1, deleted 0, left 2 (not counted)\n"
                + "  newest kept app/app-20260302-020000.sqlite.gz\n  " + left.replace("\nleft", "\n  left"));
        @SuppressWarnings("unchecked")
        Map<String, Object> chat = (Map<String, Object>) Json.parse(hook.take(Duration.ofSeconds(5)).body());
        assertThat((String) chat.get("text")).contains("```\nkept 1, deleted 0, left 2 (not counted)\n"
                + "newest kept app/app-20260302-020000.sqlite.gz\n" + left + "```");
    }
}
