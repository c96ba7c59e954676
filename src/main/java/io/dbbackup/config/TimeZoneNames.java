package io.dbbackup.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.zone.ZoneRulesProvider;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Why a {@code retention.timezone} Java does not know is refused. Java reads zones from its own copy of the tz
 * database, not the system's: a zone added by a newer tzdata (America/Coyhaique, 2025b) is in {@code timedatectl
 * list-timezones} and {@code /usr/share/zoneinfo} long before the JVM's copy has it. Saying "use an IANA name" of an
 * IANA name sends the user looking for a typo that is not there.
 */
final class TimeZoneNames {
    private static final byte[] TZIF = "TZif".getBytes(StandardCharsets.US_ASCII);

    private TimeZoneNames() {
    }

    /** The config error for {@code name}, which {@link ZoneId#of} refused; {@code env}'s TZDIR as glibc reads it. */
    static String unknown(String name, Map<String, String> env) {
        Optional<String> cased = ZoneId.getAvailableZoneIds().stream()
                .filter(z -> z.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))).findFirst();
        if (cased.isPresent()) {
            return "unknown time zone '" + name + "': names are case-sensitive, write '" + cased.get() + "'";
        }
        Path zoneinfo = Path.of(Optional.ofNullable(env.get("TZDIR")).filter(d -> !d.isBlank()).orElse("/usr/share/zoneinfo"));
        if (inSystemData(zoneinfo, name)) {
            return "time zone '" + name + "' is in this system's time zone data (" + zoneinfo + ") but not in this Java "
                    + "runtime's (tzdata " + String.join(", ", ZoneRulesProvider.getVersions("UTC").keySet()) + "), which "
                    + "dbbackup uses: update the Java runtime, or until then name a zone with the same rules";
        }
        return "unknown time zone '" + name + "' (use an IANA name such as Europe/Berlin or UTC)"
                + Suggestion.didYouMean(name, ZoneId.getAvailableZoneIds());
    }

    /** A TZif file under {@code zoneinfo} by that name (a name of region/city words only: no path tricks). */
    private static boolean inSystemData(Path zoneinfo, String name) {
        if (!name.matches("[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9][A-Za-z0-9_+-]*)*")) {
            return false;
        }
        Path file = zoneinfo.resolve(name);
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(TZIF.length), TZIF);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
