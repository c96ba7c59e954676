package io.dbbackup.store.azure;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The id of a staged block: {@code dbbackup-<upload token>-<epoch second staged>-<block number>}, base64 as the
 * service wants it. Every id has the same length (the service refuses a block list whose ids differ in length,
 * staged ones of an earlier upload of the same blob included); the token keeps two uploads of one blob apart, and the
 * time tells when an upload left unfinished was last written to (the service keeps no time per block).
 */
record BlockId(String token, Instant staged, int number) {
    static final int MAX_BLOCKS = 50_000;
    private static final Pattern FORM = Pattern.compile("dbbackup-([0-9a-f]{8})-(\\d{10})-(\\d{6})");

    String encoded() {
        String plain = String.format(Locale.ROOT, "dbbackup-%s-%010d-%06d", token, staged.getEpochSecond(), number);
        return Base64.getEncoder().encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
    }

    /** An id this program wrote; empty for another tool's block. */
    static Optional<BlockId> parse(String encoded) {
        try {
            Matcher m = FORM.matcher(new String(Base64.getDecoder().decode(encoded), StandardCharsets.US_ASCII));
            return m.matches() ? Optional.of(new BlockId(m.group(1), Instant.ofEpochSecond(Long.parseLong(m.group(2))),
                    Integer.parseInt(m.group(3)))) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
