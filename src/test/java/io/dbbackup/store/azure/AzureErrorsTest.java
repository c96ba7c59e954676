package io.dbbackup.store.azure;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.Redactor;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Blob service's error text in a message: secrets masked first, then cut to 200 characters. */
class AzureErrorsTest {
    @Test
    void aLongMessageIsMaskedThenCut() {
        String secret = "az-SECRET-5b2c9e77d1";
        Redactor.register(secret);
        String body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>InvalidHeaderValue</Code><Message>"
                + "m".repeat(190) + " " + secret + " " + "n".repeat(500) + "</Message></Error>";
        AzureHttp.Response r = new AzureHttp.Response(400, Map.of("x-ms-error-code", List.of("InvalidHeaderValue")),
                body.getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> AzureErrors.map("put", "azure://c/k", r)).isInstanceOf(DbBackupException.class)
                .hasMessage("azure put azure://c/k failed: HTTP 400 InvalidHeaderValue (" + "m".repeat(190) + " *** "
                        + "n".repeat(5) + "...)");
    }
}
