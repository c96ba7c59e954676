package io.dbbackup.store.azure;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.Redactor;
import io.dbbackup.spi.HeldObjectException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Blob service's error text in a message: secrets masked first, then cut to 200 characters. */
class AzureErrorsTest {
    /** Entra ID without a client secret: what a store of no account_key, sas_token or client_secret signs in with. */
    private static final AzureCredentials NO_CREDENTIALS = new AzureCredentials(null, null, null);

    @Test
    void aLongMessageIsMaskedThenCut() {
        String secret = "az-SECRET-5b2c9e77d1";
        Redactor.register(secret);
        String body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>InvalidHeaderValue</Code><Message>"
                + "m".repeat(190) + " " + secret + " " + "n".repeat(500) + "</Message></Error>";
        AzureHttp.Response r = new AzureHttp.Response(400, Map.of("x-ms-error-code", List.of("InvalidHeaderValue")),
                body.getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> AzureErrors.map("put", "azure://c/k", r, NO_CREDENTIALS)).isInstanceOf(DbBackupException.class)
                .hasMessage("azure put azure://c/k failed: HTTP 400 InvalidHeaderValue (" + "m".repeat(190) + " *** "
                        + "n".repeat(5) + "...)");
    }

    private static AzureHttp.Response conflict(String code, String message) {
        String body = "\uFEFF<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>" + code + "</Code><Message>" + message
                + "\nRequestId:5f1c0a2e-801e-0047-0c2b-48a6b2000000\nTime:2026-12-06T03:30:00.1234567Z</Message></Error>";
        return new AzureHttp.Response(409, Map.of("x-ms-error-code", List.of(code)), body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aDeleteRefusedByAnImmutabilityPolicyIsHeldNotAFailure() {
        AzureHttp.Response r = conflict("BlobImmutableDueToPolicy",
                "This operation is not permitted as the blob is immutable due to a policy.");
        assertThat(AzureErrors.map("delete", "azure://c/app/k.gz", r, NO_CREDENTIALS)).isInstanceOf(HeldObjectException.class)
                .hasMessage("azure delete azure://c/app/k.gz failed: HTTP 409 BlobImmutableDueToPolicy (This operation is "
                        + "not permitted as the blob is immutable due to a policy.); an immutability policy (time-based "
                        + "retention, on the blob's version or its container) holds it: it cannot be deleted before its "
                        + "retention ends (az storage blob show: properties.immutabilityPolicy.expiryTime); not a missing "
                        + "permission");
        assertThat(AzureErrors.held("azure://c/app/k.gz", r, java.time.Instant.parse("2027-01-31T00:00:00Z")))
                .hasMessageContaining("it cannot be deleted before 2027-01-31T00:00:00Z; not a missing permission");
    }

    @Test
    void aDeleteRefusedByALegalHoldIsHeldAndSaysSo() {
        AzureHttp.Response r = conflict("BlobImmutableDueToLegalHold",
                "This operation is not permitted as the blob is immutable due to one or more legal holds.");
        assertThat(AzureErrors.map("delete", "azure://c/k", r, NO_CREDENTIALS)).isInstanceOf(HeldObjectException.class)
                .hasMessageEndingWith("legal holds.); a legal hold on the blob holds it: it cannot be deleted until the "
                        + "hold is cleared; not a missing permission");
    }

    @Test
    void anotherConflictOrAWriteRefusedByAPolicyStaysAFailure() {
        assertThatThrownBy(() -> AzureErrors.map("delete", "azure://c/k", conflict("LeaseIdMissing",
                "There is currently a lease on the blob and no lease ID was specified in the request."), NO_CREDENTIALS))
                .isInstanceOf(DbBackupException.class).hasMessageContaining("HTTP 409 LeaseIdMissing");
        assertThatThrownBy(() -> AzureErrors.map("put", "azure://c/k", conflict("BlobImmutableDueToPolicy",
                "This operation is not permitted as the blob is immutable due to a policy."), NO_CREDENTIALS))
                .isInstanceOf(DbBackupException.class);
    }
}
