package io.dbbackup.store.sftp;

import io.dbbackup.spi.Store;
import io.dbbackup.store.RemoteStoreCliScenario;
import io.dbbackup.testkit.SshServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.util.List;
import java.util.UUID;

/** The CLI against Apache MINA SSHD, with password authentication from an env var and a pinned host key. */
class SftpCliIT extends RemoteStoreCliScenario {
    static SshServer ssh;
    String root;

    @BeforeAll
    static void start() throws Exception {
        ssh = new SshServer();
    }

    @AfterAll
    static void stop() {
        if (ssh != null) {
            ssh.close();
        }
    }

    @BeforeEach
    void root() {
        root = "/cli-" + UUID.randomUUID().toString().substring(0, 8);
        cli.env("SFTP_PASSWORD", ssh.password());
    }

    @Override
    protected String storeYaml() throws Exception {
        return """
                    type: sftp
                    host: %s
                    port: %d
                    user: %s
                    path: %s
                    password_env: SFTP_PASSWORD
                    host_key_fingerprint: "%s"
                """.formatted(ssh.host(), ssh.port(), ssh.user(), root, ssh.hostKeyFingerprint());
    }

    @Override
    protected Store rawStore() throws Exception {
        return new SftpStore(SftpFixture.withPassword(ssh.host(), ssh.port(), ssh.user(), root, ssh.password(),
                List.of(ssh.hostKeyFingerprint())));
    }

    @Override
    protected List<String> secrets() {
        return List.of(ssh.password());
    }
}
