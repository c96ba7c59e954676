package io.dbbackup.engine.postgres;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.S3ProxyServer;
import io.dbbackup.testkit.Shell;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11: archiving through {@code wal-push} (one JVM per segment, as PostgreSQL runs archive_command)
 * into S3 (s3proxy) keeps up with pgbench writing for a minute, and every segment PostgreSQL archived is
 * fetched back byte-identical (its SHA-256 noted by the archive_command wrapper before the push).
 */
class WalArchiveS3IT {
    private static final int SECONDS = 60;

    @Test
    void archivingKeepsUpWithPgbenchAndEverySegmentComesBackIdentical() throws Exception {
        Path work = PhysicalCluster.workDir();
        try (S3ProxyServer s3 = new S3ProxyServer()) {
            String bucket = "wal";
            try (S3Client admin = S3Client.builder().endpointOverride(s3.endpoint()).region(Region.of(S3ProxyServer.REGION))
                    .forcePathStyle(true).httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder())
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
                    .build()) {
                admin.createBucket(b -> b.bucket(bucket));
            }
            Path log = work.resolve("pushes.log");
            Files.writeString(log, "");
            Shell.ok(work, "chown", "postgres:postgres", log.toString());
            Path script = work.resolve("archive.sh");
            Files.writeString(script, """
                    #!/bin/sh
                    # archive_command wrapper: note the segment's SHA-256, push it, note exit code and milliseconds
                    sha=$(sha256sum "$1" | cut -d' ' -f1)
                    start=$(date +%%s%%N)
                    %s -q -c '%s' wal-push --job phys "$1" "$2"
                    rc=$?
                    end=$(date +%%s%%N)
                    echo "$2 $sha $rc $(( (end - start) / 1000000 ))" >> '%s'
                    exit $rc
                    """.formatted(PhysicalCluster.dbbackupCommand(), work.resolve("config.yaml"), log));
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
            Map<String, String> env = Map.of("S3_ACCESS", s3.accessKey(), "S3_SECRET", s3.secretKey());
            // full_page_writes on (as in production): pgbench then writes realistic amounts of WAL
            try (PhysicalCluster c = PhysicalCluster.start(work, script + " %p %f", Map.of("full_page_writes", "on",
                    "checkpoint_timeout", "30s", "max_wal_size", "128MB"), env,
                    pg -> "datasources:\n"
                    + PhysicalCluster.datasource(pg) + """
                    stores:
                      s3:
                        type: s3
                        endpoint: %s
                        bucket: %s
                        prefix: archive
                        path_style: true
                        access_key_env: S3_ACCESS
                        secret_key_env: S3_SECRET
                    jobs:
                      phys:
                        datasource: pg
                        store: s3
                        compression: zstd
                    """.formatted(s3.endpoint(), bucket))) {
                run(c, s3, log);
            }
        }
    }

    private void run(PhysicalCluster c, S3ProxyServer s3, Path log) throws Exception {
        c.pg.runTool("postgres", "pgbench", "-i", "-q", "-s", "10", "--no-vacuum");
        String start = c.pg.queryOne("postgres", "select pg_walfile_name(pg_current_wal_lsn())");
        Path readyDir = c.pg.dir().resolve("data/pg_wal/archive_status");
        Process bench = c.pg.tool("postgres", "pgbench", "-T", String.valueOf(SECONDS), "-c", "2", "-j", "1", "-n")
                .redirectErrorStream(true).redirectOutput(c.work.resolve("pgbench.out").toFile()).start();
        int maxBacklog = 0;
        List<Integer> backlog = new ArrayList<>();
        long t0 = System.nanoTime();
        while (bench.isAlive()) {
            int ready;
            try (var s = Files.list(readyDir)) {
                ready = (int) s.filter(p -> p.getFileName().toString().endsWith(".ready")).count();
            }
            backlog.add(ready);
            maxBacklog = Math.max(maxBacklog, ready);
            bench.waitFor(1, TimeUnit.SECONDS);
        }
        String benchOut = Files.readString(c.work.resolve("pgbench.out"));
        assertThat(bench.exitValue()).as(benchOut).isZero();
        benchOut.lines().filter(l -> l.startsWith("tps") || l.startsWith("number of transactions actually"))
                .forEach(l -> System.out.println("[pgbench] " + l));
        String end = c.switchWal();
        long drainStart = System.nanoTime();
        c.awaitArchived(end, Duration.ofSeconds(120));
        long drainMs = (System.nanoTime() - drainStart) / 1_000_000;
        long totalS = (System.nanoTime() - t0) / 1_000_000_000;
        String stats = c.pg.queryOne("postgres", "select archived_count || '|' || failed_count from pg_stat_archiver");

        Map<String, String> pushed = new LinkedHashMap<>();
        List<Long> ms = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            String[] f = line.split(" ");
            if (f[2].equals("0")) {
                pushed.put(f[0], f[1]);
                ms.add(Long.parseLong(f[3]));
            }
        }
        List<String> segments = pushed.keySet().stream().filter(n -> n.length() == 24 && n.compareTo(start) >= 0).sorted().toList();
        ms.sort(null);
        long wal = segments.size() * 16L;
        System.out.printf("[wal-push to S3] pgbench %d s: %d segments (%d MiB, %.1f MiB/s of WAL), push median %d ms, p90 %d ms, "
                        + "max %d ms; .ready backlog max %d (per second: %s); drained %d ms after pgbench; archiver %s (archived|failed); "
                        + "total %d s%n", SECONDS, segments.size(), wal, wal / (double) SECONDS, ms.get(ms.size() / 2),
                ms.get(ms.size() * 9 / 10), ms.get(ms.size() - 1), maxBacklog, backlog, drainMs, stats, totalS);
        System.out.println("[wal-push to S3] every call's ms, sorted: " + ms);
        assertThat(segments.size()).as("pgbench wrote WAL").isGreaterThan(5);
        assertThat(stats.split("\\|")[1]).as("no failed archive_command").isEqualTo("0");
        // keeping up: the archiver's backlog stays bounded while pgbench writes (one JVM per call: the calls for
        // files archived ahead cost a JVM start and a hash) and is gone soon after
        int growth = backlog.get(backlog.size() - 1) - backlog.get(0);
        System.out.printf("[wal-push to S3] archived during the run / written: %.2f%n",
                (segments.size() - Math.max(0, growth)) / (double) segments.size());
        assertThat(maxBacklog).as("segments waiting to be archived at any moment (bounded)").isLessThanOrEqualTo(32);
        assertThat(drainMs).as("backlog archived soon after pgbench stopped").isLessThan(60_000);

        // every segment PostgreSQL archived comes back byte-identical
        Cli cli = new Cli().workingDir(c.work).env("S3_ACCESS", s3.accessKey()).env("S3_SECRET", s3.secretKey());
        Path back = Files.createDirectories(c.work.resolve("back"));
        for (String segment : segments) {
            Path dest = back.resolve(segment);
            Cli.Result r = cli.run("-q", "-c", c.config.toString(), "wal-fetch", "--job", "phys", segment, dest.toString());
            assertThat(r.exit()).as(segment + ": " + r).isZero();
            assertThat(Shell.ok(back, "sha256sum", segment).split(" ")[0]).as(segment).isEqualTo(pushed.get(segment));
            Files.delete(dest);
        }
    }
}
