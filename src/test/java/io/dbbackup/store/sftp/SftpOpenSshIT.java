package io.dbbackup.store.sftp;

import io.dbbackup.core.Secret;
import io.dbbackup.spi.Store;
import io.dbbackup.spi.CredentialedStoreContract;
import io.dbbackup.testkit.OpenSshServer;
import io.dbbackup.testkit.SshKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The store contract against Debian's OpenSSH server (internal-sftp, ed25519 keys, known_hosts). */
class SftpOpenSshIT extends CredentialedStoreContract {
    static OpenSshServer ssh;
    static Path strangerKey;
    static final String STRANGER_PASSPHRASE = "stranger-pass-" + UUID.randomUUID();

    @BeforeAll
    static void startServer() throws Exception {
        ssh = new OpenSshServer();
        strangerKey = SshKeys.generate(Files.createTempDirectory("stranger").resolve("id_ed25519"), "ed25519",
                STRANGER_PASSPHRASE);
    }

    @AfterAll
    static void stopServer() {
        if (ssh != null) {
            ssh.close();
        }
    }

    @Override
    protected long largeSize() {
        return 20 * MiB;
    }

    @Override
    protected Store createStore() throws Exception {
        return new SftpStore(SftpFixture.withKey(ssh.host(), ssh.port(), ssh.user(),
                ssh.dataDir().resolve("t-" + UUID.randomUUID()).toString(), ssh.clientKey(), ssh.knownHosts()));
    }

    /** A key the server does not know, protected by a passphrase (the secret that must not leak). */
    @Override
    protected Store createStoreWithBadCredentials() throws Exception {
        return new SftpStore(new SftpSettings(ssh.host(), ssh.port(), ssh.user(), ssh.dataDir().toString(), strangerKey,
                new Secret(STRANGER_PASSPHRASE, "test"), null, ssh.knownHosts(), List.of(), false,
                Duration.ofSeconds(10), Duration.ofSeconds(30)));
    }

    @Override
    protected List<String> badCredentialSecrets() {
        return List.of(STRANGER_PASSPHRASE);
    }

    @Override
    protected void assertNoLeftovers(Store store) {
        assertThat(ssh.files()).as("temporary upload files on the server")
                .noneMatch(p -> p.getFileName().toString().contains(SftpStore.PART));
    }
}
