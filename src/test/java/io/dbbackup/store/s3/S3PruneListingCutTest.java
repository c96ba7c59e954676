package io.dbbackup.store.s3;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code prune} whose listing breaks on its second page (the service answers 500 to the page after the first, every
 * time it is asked, injected by a minimal HTTP server): the first page alone holds old backups only, and the newest are
 * on the page that never came, so deciding on the first page would keep an old backup as "the newest" and delete the
 * others. The prune fails (exit 2, the listing named), sends no delete, and {@code --dry-run} fails alike.
 */
class S3PruneListingCutTest {
    private static final List<String> FIRST_PAGE = List.of("20261101-020000", "20261102-020000", "20261103-020000");

    @TempDir
    Path dir;

    private static String page() {
        StringBuilder xml = new StringBuilder("<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>backups</Name>"
                + "<Prefix>app/</Prefix><KeyCount>6</KeyCount><MaxKeys>6</MaxKeys><Delimiter>/</Delimiter><IsTruncated>true"
                + "</IsTruncated>");
        for (String t : FIRST_PAGE) {
            for (String k : List.of("app/app-" + t + ".sqlite.gz", "app/app-" + t + ".sqlite.gz.sha256")) {
                xml.append("<Contents><Key>").append(k).append("</Key><Size>100</Size><LastModified>2026-11-03T02:00:00.000Z"
                        + "</LastModified></Contents>");
            }
        }
        return xml.append("<NextContinuationToken>page-2</NextContinuationToken></ListBucketResult>").toString();
    }

    @Test
    void aListingBrokenOnItsSecondPageFailsThePruneAndDeletesNothing() throws Exception {
        List<String> writes = new CopyOnWriteArrayList<>();
        try (FakeS3Server server = new FakeS3Server(exchange -> {
            String query = exchange.getRequestURI().getRawQuery();
            exchange.getRequestBody().readAllBytes();
            if (!exchange.getRequestMethod().equals("GET")) {
                writes.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
                FakeS3Server.answerXml(exchange, 500, "<Error><Code>InternalError</Code><Message>no writes here</Message></Error>");
            } else if (query != null && query.contains("list-type=2") && !query.contains("continuation-token")) {
                FakeS3Server.answerXml(exchange, 200, page());
            } else {
                FakeS3Server.answerXml(exchange, 500, "<Error><Code>InternalError</Code><Message>We encountered an internal "
                        + "error. Please try again.</Message></Error>");
            }
        })) {
            Files.writeString(dir.resolve("config.yaml"), """
                    datasources:
                      app: {engine: sqlite, path: app.db}
                    stores:
                      s3:
                        type: s3
                        endpoint: %s
                        bucket: backups
                        path_style: true
                        access_key_env: S3_ACCESS
                        secret_key_env: S3_SECRET
                    jobs:
                      app: {datasource: app, store: s3, retention: {keep_last: 1}}
                    """.formatted(server.endpoint()));
            Cli cli = new Cli().workingDir(dir).clock(Clock.fixed(Instant.parse("2026-11-06T03:00:00Z"), ZoneOffset.UTC))
                    .env("S3_ACCESS", "AKIDEXAMPLE").env("S3_SECRET", "wJalrXUtnFEMI-example");
            for (String[] args : List.of(new String[] {"prune", "app"}, new String[] {"prune", "app", "--dry-run"})) {
                Cli.Result r = cli.run(concat("-c", "config.yaml", args));
                assertThat(r.exit()).as(r.toString()).isEqualTo(2);
                assertThat(r.err()).contains("error: cannot list app/ in s3").contains("InternalError");
                assertThat(r.out()).doesNotContain("keep").doesNotContain("delete");
            }
            assertThat(writes).as("no delete sent").isEmpty();
        }
    }

    private static String[] concat(String a, String b, String[] rest) {
        String[] out = new String[rest.length + 2];
        out[0] = a;
        out[1] = b;
        System.arraycopy(rest, 0, out, 2, rest.length);
        return out;
    }
}
