package io.dbbackup.testkit;

import io.dbbackup.config.Config;
import io.dbbackup.config.ConfigLoader;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.plugin.PluginRegistry;
import io.dbbackup.spi.JobReport;
import io.dbbackup.spi.Notifier;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** Builds notifiers the way the tool does (YAML through the config loader and the installed plugins) and sample reports. */
public final class Notifiers {
    /** The clock a test's send reads (a mail's Date header): a little after {@link #failure()} finished. */
    public static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T03:01:40Z"), java.time.ZoneOffset.UTC);

    /** Where the sample reports' job puts its backups, as a store describes it. */
    public static final String LOCATION = "s3 s3://backups/ at https://minio.example:9000 under prod/appdb/";

    private Notifiers() {
    }

    /** Loads {@code notificationsYaml} (the body of {@code notifications:}) and returns the config. */
    public static Config load(Path dir, Map<String, String> env, String notificationsYaml) throws IOException {
        Path f = dir.resolve("notify-config.yaml");
        Files.writeString(f, "notifications:\n" + notificationsYaml.stripIndent().indent(2));
        return new ConfigLoader(PluginRegistry.load(), env).load(f);
    }

    public static Notifier notifier(Path dir, Map<String, String> env, String notificationsYaml, String name) throws IOException {
        return load(dir, env, notificationsYaml).notifiers().get(name).notifier();
    }

    public static JobReport success() {
        return new JobReport("appdb", JobReport.Operation.BACKUP, JobReport.Outcome.SUCCESS, 1, Instant.parse("2026-11-23T03:00:00Z"),
                Duration.ofMillis(12_345), "db-host-1", "prod/appdb/appdb-20261123-030000.sql.zst", 123_456_789L, null, null,
                "appdb-pg", "offsite", LOCATION, ExitStatus.OK);
    }

    public static JobReport failure() {
        return new JobReport("appdb", JobReport.Operation.BACKUP, JobReport.Outcome.FAILURE, 3, Instant.parse("2026-11-23T03:00:00Z"),
                Duration.ofSeconds(95), "db-host-1", null, 0,
                "backup of postgres appdb failed: pg_dump failed (exit 1): pg_dump: error: connection refused",
                "pg_dump: error: connection to server at \"db\" (10.0.0.5), port 5432 failed\npg_dump: error: connection refused",
                "appdb-pg", "offsite", LOCATION, ExitStatus.SYSTEM_ERROR);
    }
}
