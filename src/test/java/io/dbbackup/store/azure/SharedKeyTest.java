package io.dbbackup.store.azure;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The parts of Shared Key signing Azurite does not tell apart: what goes into the string to sign, in which order. */
class SharedKeyTest {
    private final SharedKey key = new SharedKey("acct", "a2V5");

    @Test
    void theStringToSignHasEveryStandardHeaderInOrderThenTheMsHeadersAndTheResource() {
        Map<String, String> headers = new TreeMap<>(Map.of("Content-MD5", "bWQ1", "x-ms-version", "2021-08-06",
                "x-ms-date", "Tue, 01 Dec 2026 17:00:00 GMT", "X-MS-Blob-Type", " BlockBlob ", "If-None-Match", "*"));
        String s = key.stringToSign("PUT", "/c/prod/db%201.sql", new TreeMap<>(Map.of("comp", "block", "blockID", "YQ==")),
                headers, 1024);
        assertThat(s).isEqualTo("PUT\n\n\n1024\nbWQ1\n\n\n\n\n*\n\n\n"
                + "x-ms-blob-type:BlockBlob\nx-ms-date:Tue, 01 Dec 2026 17:00:00 GMT\nx-ms-version:2021-08-06\n"
                + "/acct/c/prod/db%201.sql\nblockid:YQ==\ncomp:block");
    }

    @Test
    void aBodylessRequestSignsAnEmptyLength() {
        String s = key.stringToSign("GET", "/c", Map.of(), Map.of("x-ms-date", "d"), 0);
        assertThat(s).startsWith("GET\n\n\n\n").endsWith("x-ms-date:d\n/acct/c");
        assertThat(key.authorization("GET", "/c", Map.of(), Map.of("x-ms-date", "d"), 0)).startsWith("SharedKey acct:");
    }

    @Test
    void aKeyThatIsNotBase64IsRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> new SharedKey("acct", "not base64 at all!"))
                .hasMessageContaining("not base64").hasMessageNotContaining("at all");
    }

    @Test
    void aSasExpiryIsReadAsATimeOrADate() {
        assertThat(SasExpiry.of("?sv=2021-08-06&se=2027-01-31T12%3A30%3A00Z&sig=abc")).contains(Instant.parse("2027-01-31T12:30:00Z"));
        assertThat(SasExpiry.of("sv=2021-08-06&se=2027-01-31&sp=racwdl")).contains(Instant.parse("2027-01-31T00:00:00Z"));
        assertThat(SasExpiry.of("sv=2021-08-06&sp=r")).isEmpty();
        assertThat(SasExpiry.of("se=soon")).isEmpty();
    }

    @Test
    void blockIdsHaveOneLengthAndCarryTheirUploadAndTime() {
        BlockId first = new BlockId("0a1b2c3d", Instant.ofEpochSecond(1_796_000_000L), 1);
        BlockId last = new BlockId("ffffffff", Instant.ofEpochSecond(1_796_999_999L), 50_000);
        assertThat(first.encoded()).hasSameSizeAs(last.encoded());
        assertThat(BlockId.parse(last.encoded())).contains(last);
        assertThat(BlockId.parse("Zm9yZWlnbg==")).isEmpty();
        assertThat(BlockId.parse("%%%")).isEmpty();
    }
}
