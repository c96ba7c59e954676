package io.dbbackup.config;

import io.dbbackup.plugin.PluginRegistry;
import io.dbbackup.testkit.ConfigText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.zone.ZoneRulesProvider;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A {@code retention.timezone} Java does not know is refused, and the error says why: Java reads its own copy of the tz
 * database, so a zone a newer system tzdata added (America/Coyhaique, tzdata 2025b, in {@code timedatectl
 * list-timezones}) is an IANA name the JVM does not have yet; and zone names are case-sensitive.
 */
class RetentionTimeZoneTest {
    @TempDir
    Path dir;

    private String problem(String zone, Map<String, String> env) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), ConfigText.withAppJob("retention: {keep_daily: 7, timezone: " + zone + "}"));
        ConfigException e = catchThrowableOfType(
                () -> new ConfigLoader(PluginRegistry.load(), env).load(dir.resolve("config.yaml")), ConfigException.class);
        assertThat(e).as("the config is refused").isNotNull();
        assertThat(e.problems()).hasSize(1);
        return e.problems().get(0).message();
    }

    @Test
    void aZoneInTheSystemsTimeZoneDataButNotInJavasSaysSo() throws Exception {
        Path zoneinfo = Files.createDirectories(dir.resolve("zoneinfo/Mars"));
        Files.write(zoneinfo.resolve("Olympus_Mons"), "TZif2\0\0\0 a zone file of a tzdata newer than Java's".getBytes(
                java.nio.charset.StandardCharsets.ISO_8859_1));
        String java = String.join(", ", ZoneRulesProvider.getVersions("UTC").keySet());
        assertThat(problem("Mars/Olympus_Mons", Map.of("TZDIR", dir.resolve("zoneinfo").toString())))
                .isEqualTo("jobs.app.retention.timezone: time zone 'Mars/Olympus_Mons' is in this system's time zone data ("
                        + dir.resolve("zoneinfo") + ") but not in this Java runtime's (tzdata " + java + "), which dbbackup "
                        + "uses: update the Java runtime, or until then name a zone with the same rules");
    }

    @Test
    void aNameNoTimeZoneDataHoldsIsUnknownAsBefore() throws Exception {
        Files.createDirectories(dir.resolve("zoneinfo/Mars"));
        Files.writeString(dir.resolve("zoneinfo/Mars/Olympus_Mons"), "not a zone file");
        Map<String, String> env = Map.of("TZDIR", dir.resolve("zoneinfo").toString());
        String unknown = "jobs.app.retention.timezone: unknown time zone 'Mars/Olympus_Mons' (use an IANA name such as "
                + "Europe/Berlin or UTC)";
        assertThat(problem("Mars/Olympus_Mons", env)).isEqualTo(unknown);
        assertThat(problem("../zoneinfo/Mars/Olympus_Mons", env)).contains("unknown time zone '../zoneinfo/Mars/Olympus_Mons'");
        assertThat(problem("Mars/Olympus_Mons", Map.of())).as("the system's own folder").isEqualTo(unknown);
    }

    @Test
    void aZoneWrittenInTheWrongCaseNamesTheRightOne() throws Exception {
        assertThat(problem("europe/berlin", Map.of())).isEqualTo("jobs.app.retention.timezone: unknown time zone "
                + "'europe/berlin': names are case-sensitive, write 'Europe/Berlin'");
    }
}
