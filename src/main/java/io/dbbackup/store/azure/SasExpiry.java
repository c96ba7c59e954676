package io.dbbackup.store.azure;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** The expiry a shared access signature carries ({@code se=}: {@code 2027-01-31T00:00:00Z}, or a date). */
final class SasExpiry {
    private SasExpiry() {
    }

    static Optional<Instant> of(String sas) {
        String q = sas.trim().startsWith("?") ? sas.trim().substring(1) : sas.trim();
        for (String pair : q.split("&")) {
            if (pair.startsWith("se=")) {
                String v = URLDecoder.decode(pair.substring(3), StandardCharsets.UTF_8).trim();
                try {
                    return Optional.of(v.length() == 10 ? LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant()
                            : OffsetDateTime.parse(v).toInstant());
                } catch (DateTimeParseException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }
}
