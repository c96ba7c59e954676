package io.dbbackup.engine.mysql;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TlsTest {
    private static Tls mode(String mode) {
        return new Tls(mode, null, null, null);
    }

    /** MariaDB's --ssl falls back to plaintext; its --ssl-verify-server-cert and MySQL's --ssl-mode=REQUIRED do not. */
    @Test
    void onlyRequiredWithAMariaDbClientNeedsTheSessionChecked() {
        assertThat(mode("required").unenforcedBy(ClientFamily.MARIADB)).isTrue();
        assertThat(mode("required").unenforcedBy(ClientFamily.MYSQL)).isFalse();
        for (String m : new String[] {null, "disabled", "preferred", "verify_ca", "verify_identity"}) {
            assertThat(mode(m).unenforcedBy(ClientFamily.MARIADB)).as(m).isFalse();
        }
    }

    @Test
    void aSessionIsEncryptedOnlyWithACipherNamed() {
        assertThat(Tls.encrypted(Sql.parseBatch("Ssl_cipher\tTLS_AES_256_GCM_SHA384\n"))).isTrue();
        assertThat(Tls.encrypted(Sql.parseBatch("Ssl_cipher\t\n"))).isFalse();
        assertThat(Tls.encrypted(Sql.parseBatch("Ssl_cipher\t \n"))).isFalse();
        assertThat(Tls.encrypted(Sql.parseBatch(""))).as("no row at all").isFalse();
        assertThat(Tls.encrypted(List.of(List.of("Ssl_cipher")))).isFalse();
        assertThat(Tls.encrypted(Sql.parseBatch("Ssl_version\tTLSv1.3\n"))).as("another variable").isFalse();
    }
}
