package io.dbbackup.core;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** What a registered secret masks besides itself. */
class RedactorTest {
    @Test
    void aBasicAuthorizationIsMaskedAsItsBase64AsItsUserAndPasswordAndAsThePasswordAlone() {
        String b64 = Base64.getEncoder().encodeToString("svc-user:pw-basic-31c9".getBytes(StandardCharsets.UTF_8));
        Redactor.register("Basic " + b64 + "\n");
        assertThat(Redactor.redact("sent " + b64 + "; user svc-user:pw-basic-31c9; password pw-basic-31c9"))
                .isEqualTo("sent ***; user ***; password ***");
    }

    @Test
    void onlyAnAuthorizationValueIsSplit() {
        Redactor.register("token-word tail-9f21x"); // no scheme word: a passphrase of two words, masked only whole
        assertThat(Redactor.redact("a tail-9f21x b")).isEqualTo("a tail-9f21x b");
        assertThat(Redactor.redact("a token-word tail-9f21x b")).isEqualTo("a *** b");
        Redactor.register("token tok-only-5e0d");
        assertThat(Redactor.redact("x tok-only-5e0d y")).isEqualTo("x *** y");
    }
}
