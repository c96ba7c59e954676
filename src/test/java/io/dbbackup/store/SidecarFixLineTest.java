package io.dbbackup.store;

import io.dbbackup.spi.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How each store says to write a deleted {@code .sha256} sidecar back by hand ({@link Store#howToWrite}), for the fix line of
 * verify and restore: a command to paste in the store's own terms, never "in its folder" for a bucket or container that
 * has none. Built from config; nothing is reached (the method is pure).
 */
class SidecarFixLineTest {
    @TempDir
    Path dir;

    static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    static final String FILE = "app-20261207-020000.sqlite.zst";
    static final String KEY = "nightly/app/" + FILE + ".sha256";
    static final String LINE = SHA + "  " + FILE;

    private Store store(String yaml, Map<String, String> env) throws Exception {
        return StoreConfigs.load(dir, yaml, env).stores().get("main").store();
    }

    @Test
    void anS3CompatibleStoreSaysTheAwsCliCommandWithItsEndpoint() throws Exception {
        Store s3 = store("""
                    type: s3
                    endpoint: http://127.0.0.1:9000
                    bucket: backups
                    prefix: /prod/
                    access_key_env: AK
                    secret_key_env: SK
                    path_style: true
                """, Map.of("AK", "AKIAEXAMPLEKEY", "SK", "very-secret-key-value"));
        assertThat(s3.howToWrite(KEY, LINE)).isEqualTo("'echo \"" + LINE + "\" | aws s3 cp - s3://backups/prod/" + KEY
                + " --endpoint-url http://127.0.0.1:9000'").doesNotContain("very-secret-key-value");
    }

    @Test
    void anAwsS3StoreSaysItsRegionAndEncryptionButNoEndpoint() throws Exception {
        Store s3 = store("""
                    type: s3
                    region: eu-central-1
                    bucket: backups
                    sse: aws:kms
                    sse_kms_key_id: arn:aws:kms:eu-central-1:111122223333:key/abc
                """, Map.of());
        assertThat(s3.howToWrite(KEY, LINE)).isEqualTo("'echo \"" + LINE + "\" | aws s3 cp - s3://backups/" + KEY
                + " --region eu-central-1 --sse aws:kms --sse-kms-key-id arn:aws:kms:eu-central-1:111122223333:key/abc'");
    }

    @Test
    void anAzureStoreSaysTheAzCliCommandWithACustomEndpointAndEntraSignIn() throws Exception {
        Store azurite = store("""
                    type: azure
                    account: devstoreaccount1
                    container: backups
                    prefix: team/db
                    endpoint: http://127.0.0.1:10000/devstoreaccount1
                    account_key_env: AZ_KEY
                """, Map.of("AZ_KEY", "c2VjcmV0LWFjY291bnQta2V5LXZhbHVlLWZvci10ZXN0cw=="));
        assertThat(azurite.howToWrite(KEY, LINE)).isEqualTo("'echo \"" + LINE + "\" | az storage blob upload --account-name "
                + "devstoreaccount1 --container-name backups --name team/db/" + KEY + " --data @- --blob-endpoint "
                + "http://127.0.0.1:10000/devstoreaccount1'").doesNotContain("c2VjcmV0");

        Store entra = store("""
                    type: azure
                    account: prodbackups
                    container: db-backups
                """, Map.of());
        assertThat(entra.howToWrite(KEY, LINE)).isEqualTo("'echo \"" + LINE + "\" | az storage blob upload --account-name "
                + "prodbackups --container-name db-backups --name " + KEY + " --data @- --auth-mode login'");
    }

    @Test
    void anSftpStoreSaysThePathOnItsHostAndHowToLogIn() throws Exception {
        Files.writeString(dir.resolve("id_ed25519"), "not parsed before connecting");
        Files.setPosixFilePermissions(dir.resolve("id_ed25519"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        String fp = "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU";
        Store sftp = store("""
                    type: sftp
                    host: nas.example.com
                    port: 2222
                    user: dbbackup
                    path: /srv/backups/
                    key_file: id_ed25519
                    host_key_fingerprint: "%s"
                """.formatted(fp), Map.of());
        assertThat(sftp.howToWrite(KEY, LINE)).isEqualTo("'echo \"" + LINE + "\" > /srv/backups/" + KEY
                + "' on dbbackup@nas.example.com (ssh -p 2222)");

        Store relative = store("""
                    type: sftp
                    host: nas.example.com
                    user: dbbackup
                    path: backups
                    key_file: id_ed25519
                    host_key_fingerprint: "%s"
                """.formatted(fp), Map.of());
        assertThat(relative.howToWrite(KEY, LINE)).isEqualTo("'echo \"" + LINE + "\" > backups/" + KEY
                + "' in the login folder of dbbackup@nas.example.com");
    }

    @Test
    void aLocalStoreSaysTheSidecarsAbsolutePathAndQuotesWhatTheShellWouldExpand() throws Exception {
        Store local = store("""
                    type: local
                    path: my backups
                """, Map.of());
        assertThat(local.howToWrite(KEY, LINE)).isEqualTo("'echo \"" + LINE + "\" > '"
                + dir.toAbsolutePath().normalize().resolve("my backups/" + KEY).toString().replace("'", "'\\''") + "''");
        // a file name the shell would expand inside double quotes is single-quoted: the bytes written are the line's
        assertThat(local.howToWrite("a/$x`y`.sha256", SHA + "  $x`y`")).startsWith("'echo '" + SHA + "  $x`y`' > ");
    }
}
