package io.dbbackup.core;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Log#tag}: the job a thread works for, on every line it (or a thread it starts) logs through any log. */
class LogTaggingTest {
    private final StringWriter sw = new StringWriter();
    private final Log log = new Log(new PrintWriter(sw), Log.Format.TEXT, Log.Level.INFO,
            Clock.fixed(Instant.parse("2026-12-05T00:00:00Z"), ZoneOffset.UTC));

    @Test
    void aTaggedThreadsLinesNameTheJobFirstAndKeepTheirText() {
        try (Log.Tagging tag = Log.tag("job", "nightly")) {
            log.warn("the login folder holds a folder named '~'", "store", "sftp nas");
        }
        log.info("after");
        assertThat(sw.toString()).isEqualTo("2026-12-05T00:00:00Z WARN  the login folder holds a folder named '~' job=nightly"
                + " store=sftp nas\n2026-12-05T00:00:00Z INFO  after\n");
    }

    @Test
    void aLineThatGivesTheKeyItselfKeepsItsOwn() {
        try (Log.Tagging tag = Log.tag("job", "a")) {
            log.error("failed", "job", "b");
            log.with("job", "c").info("said");
        }
        assertThat(sw.toString()).contains("failed job=b\n").contains("said job=c\n").doesNotContain("job=a");
    }

    @Test
    void aThreadStartedUnderTheTagInheritsItUntilItIsClosed() throws Exception {
        ExecutorService pool;
        try (Log.Tagging tag = Log.tag("job", "a")) {
            pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "worker")); // its thread made now, by our code
            pool.submit(() -> log.info("during")).get();
        }
        // the pool's thread is kept: reused once the job is over, it no longer names it
        pool.submit(() -> log.info("reused")).get();
        pool.shutdown();
        pool.awaitTermination(5, TimeUnit.SECONDS);
        assertThat(sw.toString()).contains("during job=a\n").contains("reused\n").doesNotContain("reused job");
    }

    @Test
    void toMovesTheTagToTheNextJob() {
        try (Log.Tagging tag = Log.tag("job")) {
            log.info("none yet");
            tag.to("a");
            log.info("one");
            tag.to("b");
            log.info("two");
        }
        log.info("done");
        assertThat(sw.toString()).contains("none yet\n").contains("one job=a\n").contains("two job=b\n").contains("done\n");
    }

    @Test
    void anUntaggedThreadDoesNotNameTheJobThatStartedIt() throws Exception {
        Thread t;
        try (Log.Tagging tag = Log.tag("job", "a")) {
            t = new Thread(Log.untagged(() -> log.info("timer")));
            t.start();
            t.join();
        }
        assertThat(sw.toString()).contains("timer\n").doesNotContain("job=");
    }

    /** Run on a thread that has tags (a pool's reused thread, the caller itself): they are back once the task is done. */
    @Test
    void anUntaggedTaskGivesItsThreadItsTagsBack() {
        try (Log.Tagging tag = Log.tag("job", "a")) {
            Log.untagged(() -> log.info("timer")).run();
            log.info("after");
        }
        assertThat(sw.toString()).contains("timer\n").contains("after job=a\n");
    }
}
