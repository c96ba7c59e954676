package io.dbbackup.config;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.DumpFormat;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.core.Secret;
import io.dbbackup.plugin.PluginRegistry;
import io.dbbackup.spi.ConfigSection;
import io.dbbackup.spi.DumpInfo;
import io.dbbackup.spi.Engine;
import io.dbbackup.spi.EngineProvider;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.RestoreOptions;
import io.dbbackup.spi.TargetState;
import io.dbbackup.store.local.LocalStoreProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code <key>_env} / {@code <key>_file} secrets as every plugin gets them through {@link ConfigSection#secret}. */
class SecretsConfigTest {
    @TempDir
    Path dir;

    /** Holds what the config gave it, to look at. */
    record SecretEngine(Secret password) implements Engine {
        public String database() {
            return "x";
        }

        public DumpFormat format() {
            return DumpFormat.SQL;
        }

        public DumpInfo dump(OutputStream out, OperationContext ctx) {
            return DumpInfo.of(Map.of());
        }

        public TargetState inspectTarget(OperationContext ctx) {
            return new TargetState(false, 0, "");
        }

        public void restore(InputStream in, DumpFormat f, RestoreOptions o, OperationContext ctx) {
        }

        public String describe() {
            return "secret engine";
        }
    }

    static final class SecretEngineProvider implements EngineProvider {
        public String type() {
            return "secretive";
        }

        public Engine create(ConfigSection s) {
            return new SecretEngine(s.secret("password").orElse(null));
        }
    }

    private Config load(String datasourceBody, Map<String, String> env) throws Exception {
        return loader(datasourceBody, env).load(dir.resolve("config.yaml"), "config.yaml");
    }

    private ConfigLoader loader(String datasourceBody, Map<String, String> env) throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, "datasources:\n  db:\n    engine: secretive\n" + datasourceBody.indent(4)
                + "stores:\n  local:\n    type: local\n    path: out\njobs:\n  j:\n    datasource: db\n    store: local\n");
        PluginRegistry plugins = PluginRegistry.of(List.of(new SecretEngineProvider()), List.of(new LocalStoreProvider()), List.of());
        return new ConfigLoader(plugins, env);
    }

    private static Secret password(Config c) {
        return ((SecretEngine) c.datasources().get("db").engine()).password();
    }

    @Test
    void fromTheEnvironment() throws Exception {
        Config c = load("password_env: DB_PW", Map.of("DB_PW", "s3cret-from-env"));
        assertThat(password(c).reveal()).isEqualTo("s3cret-from-env");
        assertThat(password(c).toString()).doesNotContain("s3cret").contains("env DB_PW");
    }

    /**
     * An env var from a Kubernetes secret made with {@code kubectl create secret --from-file} (secretKeyRef) keeps the
     * file's trailing newline, as a file secret does: trimmed the same way, or the password never matches.
     */
    @Test
    void fromTheEnvironmentWithTheTrailingNewlineTrimmed() throws Exception {
        Config c = load("password_env: DB_PW", Map.of("DB_PW", "s3cret-from-env\n"));
        assertThat(password(c).reveal()).isEqualTo("s3cret-from-env");
        Config crlf = load("password_env: DB_PW", Map.of("DB_PW", "s3cret-from-env\r\n"));
        assertThat(password(crlf).reveal()).isEqualTo("s3cret-from-env");
    }

    @Test
    void fromAFileWithTheTrailingNewlineTrimmed() throws Exception {
        Path f = Files.writeString(dir.resolve("pw.txt"), "s3cret-from-file\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        Config c = load("password_file: pw.txt", Map.of());
        assertThat(password(c).reveal()).isEqualTo("s3cret-from-file");
        assertThat(c.warnings()).isEmpty();
    }

    /**
     * A password file saved by a Windows editor as "UTF-8 with BOM" (or a Kubernetes secret made from one): the invisible
     * U+FEFF was sent as the password's first character, and the server said "Access denied" to a password that reads
     * right. A password never begins with one: it is dropped (an age passphrase keeps it, see EncryptionConfigTest).
     */
    @Test
    void aByteOrderMarkIsNoPartOfAPassword() throws Exception {
        Path f = Files.writeString(dir.resolve("pw.txt"), "\uFEFFs3cret-from-file\r\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        Config c = load("password_file: pw.txt", Map.of());
        assertThat(password(c).reveal()).isEqualTo("s3cret-from-file");
        assertThat(c.warnings()).isEmpty();
        Config env = load("password_env: DB_PW", Map.of("DB_PW", "\uFEFFs3cret-from-env\n"));
        assertThat(password(env).reveal()).isEqualTo("s3cret-from-env");
    }

    /**
     * What a .env file for {@code docker run --env-file} (which keeps quotes and spaces, unlike a shell or docker
     * compose), a file holding more than the secret or a stray NUL make of a secret: read as it is, and warned about
     * at its key without showing it.
     */
    @Test
    void aDoubtfulSecretIsReadAsItIsAndWarnedAboutWithoutShowingIt() throws Exception {
        Map<String, String> doubtful = Map.of(
                "\"s3cret-quoted\"", "is in quotes",
                "'s3cret-quoted'", "is in quotes",
                "s3cret-spaced ", "begins or ends with white space",
                "\ts3cret-spaced", "begins or ends with white space",
                "s3cret-line1\nline2\n", "holds 2 lines",
                "s3cret-line1\r\nline2\r\nline3", "holds 3 lines",
                "s3cret\u0000nul", "holds a NUL character");
        for (Map.Entry<String, String> e : doubtful.entrySet()) {
            Config env = load("password_env: DB_PW", Map.of("DB_PW", e.getKey()));
            assertThat(password(env).reveal()).as(e.getValue()).isEqualTo(e.getKey().replaceAll("[\r\n]+$", ""));
            assertThat(env.warnings()).as(e.getValue()).singleElement().extracting(Problem::format).asString()
                    .startsWith("config.yaml:4:19: warning: datasources.db.password_env: the secret (not shown) " + e.getValue())
                    .doesNotContain("s3cret");
            Path f = Files.writeString(dir.resolve("pw.txt"), e.getKey());
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
            Config file = load("password_file: pw.txt", Map.of());
            assertThat(file.warnings()).as(e.getValue()).singleElement().extracting(Problem::format).asString()
                    .startsWith("config.yaml:4:20: warning: datasources.db.password_file: the secret (not shown) " + e.getValue())
                    .doesNotContain("s3cret");
        }
    }

    /**
     * One padded variable read by three datasources (a .env file for docker run --env-file, shared): one warning naming
     * the three keys, at the first; it made three identical warnings, one per datasource. Another variable, or another
     * reason, keeps its own warning.
     */
    @Test
    void aPaddedVariableSharedByDatasourcesIsOneWarningNamingEveryKey() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  a:
                    engine: secretive
                    password_env: DB_PW
                  b:
                    engine: secretive
                    password_env: DB_PW
                  c:
                    engine: secretive
                    password_env: DB_PW
                  d:
                    engine: secretive
                    password_env: OTHER_PW
                stores:
                  local:
                    type: local
                    path: out
                jobs:
                  j:
                    datasource: a
                    store: local
                """);
        PluginRegistry plugins = PluginRegistry.of(List.of(new SecretEngineProvider()), List.of(new LocalStoreProvider()), List.of());
        Config c = new ConfigLoader(plugins, Map.of("DB_PW", "s3cret-padded ", "OTHER_PW", " s3cret-other"))
                .load(dir.resolve("config.yaml"), "config.yaml");
        assertThat(c.warnings()).extracting(Problem::format).containsExactly(
                "config.yaml:4:19: warning: datasources.a.password_env, datasources.b.password_env, "
                        + "datasources.c.password_env (all 3 read from env DB_PW): the secret (not shown) begins or ends "
                        + "with white space, which is part of it (docker run --env-file keeps it); if that is not part of "
                        + "the secret, fix the variable's value",
                "config.yaml:13:19: warning: datasources.d.password_env: the secret (not shown) begins or ends with white "
                        + "space, which is part of it (docker run --env-file keeps it); if that is not part of the secret, "
                        + "fix the variable's value");
    }

    @Test
    void aSharedSecretFileIsAWarningNamingTheFix() throws Exception {
        Path f = Files.writeString(dir.resolve("pw.txt"), "s3cret\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        Config c = load("password_file: pw.txt", Map.of());
        assertThat(c.warnings()).singleElement().extracting(Problem::format).asString()
                .startsWith("config.yaml:4:20: warning: datasources.db.password_file:").contains("chmod 600 " + f);
    }

    /**
     * A Kubernetes secret volume (mode 0644 when the manifest gives no defaultMode): {@code pw -> ..data/pw},
     * {@code ..data -> ..2026_12_03_...}, read-only. chmod cannot be run there; the volume's defaultMode is the fix.
     */
    @Test
    void aSharedFileOnAKubernetesSecretVolumeNamesDefaultModeNotChmod() throws Exception {
        Path volume = Files.createDirectory(dir.resolve("secrets"));
        Path timestamped = Files.createDirectory(volume.resolve("..2026_12_03_21_04_11.123456789"));
        Path real = Files.writeString(timestamped.resolve("pw"), "s3cret\n");
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-r--r--"));
        Files.createSymbolicLink(volume.resolve("..data"), Path.of(timestamped.getFileName().toString()));
        Files.createSymbolicLink(volume.resolve("pw"), Path.of("..data/pw"));
        Config c = load("password_file: secrets/pw", Map.of());
        assertThat(password(c).reveal()).isEqualTo("s3cret");
        assertThat(c.warnings()).singleElement().extracting(Problem::format).asString()
                .startsWith("config.yaml:4:20: warning: datasources.db.password_file: " + volume.resolve("pw"))
                .contains("Kubernetes secret volume").contains("defaultMode: 0400").doesNotContain("chmod 600");
    }

    @Test
    void anUnsetVariableIsAnErrorAtItsKey() {
        assertThatThrownBy(() -> load("password_env: NOPE_NOT_SET", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config.yaml:4:19: error: datasources.db.password_env: environment variable NOPE_NOT_SET is not set");
    }

    /** The secret itself written where its variable's name belongs (moving from password:) is not repeated anywhere. */
    @Test
    void aValueThatIsNoVariableNameIsNotEchoed() throws Exception {
        assertThatThrownBy(() -> load("password_env: \"S3cr3t-PG-4711'x\"", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config.yaml:4:19: error: datasources.db.password_env: environment variable named in password_env "
                        + "(its name is not shown: it is not a variable name; is it the secret itself?) is not set")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("4711"));
        Config c = loader("password_env: \"S3cr3t-PG-4711'x\"", Map.of()).deferringSecrets()
                .load(dir.resolve("config.yaml"), "config.yaml");
        assertThat(password(c).toString()).doesNotContain("4711");
    }

    @Test
    void anUnreadableFileIsAnErrorAtItsKey() {
        assertThatThrownBy(() -> load("password_file: /nonexistent/pw", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config.yaml:4:20: error: datasources.db.password_file: cannot read /nonexistent/pw (no such file)");
    }

    /** A template's optional value rendered as "": the key is refused, not taken as absent (the entry used to vanish). */
    @Test
    void anEmptyFileNameIsAnErrorNotAMissingKey() {
        assertThatThrownBy(() -> load("password_file: \"\"", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config.yaml:4:5: error: datasources.db.password_file: must name a file or folder, not an empty string");
    }

    /**
     * {@code password_env: ""} (a template's empty value) said "environment variable named in password_env (its name is
     * not shown: it is not a variable name; is it the secret itself?) is not set": one plain line now, as for {@code _file}.
     */
    @Test
    void anEmptyVariableNameIsSaidSo() {
        assertThatThrownBy(() -> load("password_env: \"\"", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config.yaml:4:5: error: datasources.db.password_env: must name an environment variable, not an empty string");
        assertThatThrownBy(() -> load("password_env: \" \"", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config.yaml:4:5: error: datasources.db.password_env: must name an environment variable, not an empty string");
    }

    @Test
    void aSecretOfOnlyWhiteSpaceIsRefused() throws Exception {
        assertThatThrownBy(() -> load("password_env: BLANK", Map.of("BLANK", "   ")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config.yaml:4:19: error: datasources.db.password_env: environment variable BLANK holds only white space");
        Path f = Files.writeString(dir.resolve("pw.txt"), "  \n\t\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> load("password_file: pw.txt", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("datasources.db.password_file: " + f + " holds only white space");
    }

    /** /dev/zero filled the memory (exit 3, a stack trace on stdout); a FIFO hung the load. */
    /**
     * A Kubernetes Secret mounted at the file's path without subPath is a folder holding one file per key (and the
     * kubelet's ..data links): the error names those files, so the fix (the path of the one in it) is in the line.
     */
    @Test
    void aSecretFileThatIsAFolderNamesTheFilesInIt() throws Exception {
        Path volume = Files.createDirectory(dir.resolve("pg-password"));
        Path data = Files.createDirectory(volume.resolve("..2026_12_04_10_00_00.123"));
        Files.writeString(data.resolve("password"), "s3cret\n");
        Files.writeString(data.resolve("username"), "backup\n");
        Files.createSymbolicLink(volume.resolve("..data"), Path.of(data.getFileName().toString()));
        Files.createSymbolicLink(volume.resolve("password"), Path.of("..data/password"));
        Files.createSymbolicLink(volume.resolve("username"), Path.of("..data/username"));
        assertThatThrownBy(() -> load("password_file: pg-password", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config.yaml:4:20: error: datasources.db.password_file: " + volume + " is a folder, not a file "
                        + "(a Secret volume mounted at this path?): it holds password, username; name the file, e.g. "
                        + volume.resolve("password"));
        Files.createDirectory(dir.resolve("empty"));
        assertThatThrownBy(() -> load("password_file: empty", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config.yaml:4:20: error: datasources.db.password_file: " + dir.resolve("empty")
                        + " is a folder, not a file (a Secret volume mounted at this path?): it is empty");
    }

    /**
     * A file name with a typo in a folder that holds the right one: the error names the one nearest, when it is near
     * enough to be the typo; otherwise up to 3 names the folder holds, never a guess (it suggested none at all).
     */
    @Test
    void aMissingSecretFileSuggestsTheNearestNameInItsFolderOrListsWhatItHolds() throws Exception {
        Path secrets = Files.createDirectory(dir.resolve("secrets"));
        for (String name : List.of("app.token", "pg.password", "pg.username", "tls.crt", ".hidden")) {
            Files.writeString(secrets.resolve(name), "x\n");
        }
        assertThatThrownBy(() -> load("password_file: secrets/pg.passwrod", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config.yaml:4:20: error: datasources.db.password_file: cannot read " + secrets.resolve("pg.passwrod")
                        + " (no such file); did you mean '" + secrets.resolve("pg.password") + "'?");
        assertThatThrownBy(() -> load("password_file: secrets/db-secret", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config.yaml:4:20: error: datasources.db.password_file: cannot read " + secrets.resolve("db-secret")
                        + " (no such file); " + secrets + " holds app.token, pg.password, pg.username and 1 more");
        Files.createDirectory(dir.resolve("none"));
        assertThatThrownBy(() -> load("password_file: none/pw", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config.yaml:4:20: error: datasources.db.password_file: cannot read " + dir.resolve("none/pw")
                        + " (no such file); " + dir.resolve("none") + " is empty");
    }

    /**
     * The files a key names that are no secret (a CA certificate, a client key, an SSH key) and are checked for being
     * there: a typo in the name suggests the nearest name in its folder, as a {@code *_file} secret's does (they
     * suggested none).
     */
    @Test
    void aMissingTlsOrSshFileSuggestsTheNearestNameInItsFolder() throws Exception {
        Path secrets = Files.createDirectory(dir.resolve("secrets"));
        for (String name : List.of("root-ca.pem", "client.key", "id_ed25519", "smtp-ca.crt")) {
            Files.writeString(secrets.resolve(name), "x\n");
        }
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  db: {engine: postgres, host: db, database: app, sslmode: verify-full, sslrootcert: secrets/root-ca.pme}
                stores:
                  remote: {type: ssh, host: backup.internal, user: backup, path: /srv/backups, key_file: secrets/id_ed2519}
                notifications:
                  mail: {type: email, smtp_host: mail, from: a@example.com, to: b@example.com, ca_file: secrets/smtp-ca.cr}
                jobs:
                  j: {datasource: db, store: remote, notify: [{notifier: mail}]}
                """);
        assertThatThrownBy(() -> new ConfigLoader(PluginRegistry.load(), Map.of()).load(dir.resolve("config.yaml"), "config.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("datasources.db.sslrootcert: cannot read " + secrets.resolve("root-ca.pme")
                        + " (no such file); did you mean '" + secrets.resolve("root-ca.pem") + "'?")
                .hasMessageContaining("stores.remote.key_file: cannot read " + secrets.resolve("id_ed2519")
                        + " (no such file); did you mean '" + secrets.resolve("id_ed25519") + "'?")
                .hasMessageContaining("notifications.mail.ca_file: cannot read " + secrets.resolve("smtp-ca.cr")
                        + " (no such file); did you mean '" + secrets.resolve("smtp-ca.crt") + "'?");
    }

    /**
     * A Secret volume of several keys, none named like the setting: the error lists them and names none as the one to
     * take (it said "e.g." with the first of them alphabetically, a CA certificate for a password).
     */
    @Test
    void aSecretFolderWithoutTheKeysNameSuggestsNoFile() throws Exception {
        Path volume = Files.createDirectory(dir.resolve("tls"));
        for (String name : List.of("ca.crt", "tls.crt", "tls.key", "zz.extra")) {
            Files.writeString(volume.resolve(name), "x\n");
        }
        assertThatThrownBy(() -> load("password_file: tls", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config.yaml:4:20: error: datasources.db.password_file: " + volume + " is a folder, not a file "
                        + "(a Secret volume mounted at this path?): it holds ca.crt, tls.crt, tls.key and 1 more; name the file in it");
    }

    /** {@code "pw" > pw.txt} in Windows PowerShell 5 writes UTF-16 with a byte order mark: said so, with the fix. */
    @Test
    void aUtf16SecretFileIsSaidToBeUtf16() throws Exception {
        Path f = dir.resolve("pw.txt");
        Files.write(f, "\uFEFFs3cret\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_16LE));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> load("password_file: pw.txt", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config.yaml:4:20: error: datasources.db.password_file: " + f + " is UTF-16 text (as Windows "
                        + "PowerShell's '>' and Notepad's 'Unicode' save it), not UTF-8: save it as UTF-8 (e.g. iconv -f "
                        + "UTF-16 -t UTF-8)");
        Files.write(f, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, (byte) 0xc3, 0x28}); // binary that begins like it
        assertThatThrownBy(() -> load("password_file: pw.txt", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageEndingWith(f + " is not a text file (not UTF-8): a secret file holds text");
    }

    @Test
    void aSecretFileThatIsNoRegularFileOrHugeIsRefusedAtOnce() throws Exception {
        assertThatThrownBy(() -> load("password_file: /dev/zero", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config.yaml:4:20: error: datasources.db.password_file: /dev/zero is not a regular file");
        Path big = dir.resolve("big.txt");
        try (var out = Files.newOutputStream(big)) {
            out.write(new byte[(1 << 20) + 1]);
        }
        assertThatThrownBy(() -> load("password_file: big.txt", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith(big + " is larger than 1 MiB: not a secret");
    }

    /** The secret itself written where its file's or program's name belongs is not repeated. */
    @Test
    void aFileOrProgramNameThatLooksLikeASecretIsNotEchoed() {
        assertThatThrownBy(() -> load("password_file: \"S3CRET-hunter2!Xy#\"", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config.yaml:4:20: error: datasources.db.password_file: cannot read the file named in password_file "
                        + "(its name is not shown: is it the secret itself?) (no such file)");
        assertThatThrownBy(() -> load("password_command: \"S3CRET-hunter2!Xy#\"", Map.of()))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2").contains("is it the secret itself?"));
    }

    /**
     * A name the operating system refuses as too long (ENAMETOOLONG: a component over 255 bytes, a path over 4096): the
     * reason alone, not the Java exception's text, which repeated the class name and the whole path.
     */
    @Test
    void aFileNameTooLongForTheSystemGivesTheReasonOnly() throws Exception {
        String longName = dir.resolve("p".repeat(300)).toString();
        String longPath = dir + "/" + "pw-folder/".repeat(500) + "pw";
        for (String name : new String[] {longName, longPath}) {
            assertThatThrownBy(() -> load("password_file: " + name, Map.of())).as(name.length() + " characters")
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("config.yaml:4:20: error: datasources.db.password_file: cannot read the file named in "
                            + "password_file (its name is not shown: is it the secret itself?) (file name too long)");
        }
        Path config = Path.of(longName + ".yaml");
        assertThatThrownBy(() -> new ConfigLoader(PluginRegistry.load(), Map.of()).load(config, "long.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("long.yaml:1:1: error: cannot read the config file (file name too long)");
    }

    /**
     * A NUL (written {@code "\0"}) or a lone surrogate ({@code "\uD800"}) in a file's name: no file can be named so.
     * Found by ConfigMutationFuzzTest: the whole datasource "cannot be set up: Nul character not allowed", at its name.
     */
    @Test
    void aFileNameNoSystemCanUseIsAnErrorAtItsKey() {
        assertThatThrownBy(() -> load("password_file: \"pw\\0.txt\"", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config.yaml:4:20: error: datasources.db.password_file: is no file name this system can use "
                        + "(it holds a NUL character)");
        assertThatThrownBy(() -> load("password_file: \"pw\\uD800.txt\"", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config.yaml:4:20: error: datasources.db.password_file: is no file name this system can use "
                        + "(it holds characters its file names cannot encode)");
    }

    /** The same in a command's program name: not found, and not shown (found by ConfigMutationFuzzTest). */
    @Test
    void aProgramNameNoSystemCanUseIsNotFound() {
        for (String program : new String[] {"\"vault\\0\"", "\"./bin/vault\\0\"", "[\"\\uD800\", x]"}) {
            assertThatThrownBy(() -> load("password_command: " + program, Map.of())).as(program)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("config.yaml:4:23: error: datasources.db.password_command: the program named in "
                            + "password_command (its name is not shown: is it the secret itself?) ");
        }
    }

    @Test
    void deferringLoadsWithTheSecretUnresolvedAndRevealingItFailsWithTheSameLine() throws Exception {
        Config c = loader("password_env: NOPE_NOT_SET", Map.of()).deferringSecrets().load(dir.resolve("config.yaml"), "config.yaml");
        assertThat(c.unresolvedSecrets()).singleElement().satisfies(u -> {
            assertThat(u.key()).isEqualTo("datasources.db.password");
            assertThat(u.format()).isEqualTo("config.yaml:4:19: datasources.db.password_env: environment variable NOPE_NOT_SET is not set");
        });
        assertThat(c.unresolvedUnder("datasources.db")).hasSize(1);
        assertThat(c.unresolvedUnder("datasources.d", "stores.local", "jobs.j")).isEmpty(); // a prefix of a name is not its section
        Secret pw = password(c);
        assertThat(pw.resolved()).isFalse();
        assertThat(pw.toString()).isEqualTo("***(env NOPE_NOT_SET, unresolved)");
        assertThatThrownBy(pw::reveal).isInstanceOf(DbBackupException.class)
                .hasMessage("config.yaml:4:19: datasources.db.password_env: environment variable NOPE_NOT_SET is not set")
                .satisfies(e -> assertThat(((DbBackupException) e).status()).isEqualTo(ExitStatus.USER_ERROR));
    }

    @Test
    void deferringKeepsEveryOtherProblemAnError() throws Exception {
        Files.writeString(dir.resolve("empty.txt"), "\n");
        ConfigLoader l = loader("password_file: empty.txt\nbogus: 1", Map.of()).deferringSecrets();
        assertThatThrownBy(() -> l.load(dir.resolve("config.yaml"), "config.yaml"))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).singleElement().extracting(Problem::message)
                        .asString().startsWith("datasources.db.bogus: unknown key"));
        ConfigLoader literal = loader("password: hunter2", Map.of()).deferringSecrets();
        assertThatThrownBy(() -> literal.load(dir.resolve("config.yaml"), "config.yaml"))
                .hasMessageContaining("secrets are not read from the config file");
        Config c = loader("password_file: empty.txt", Map.of()).deferringSecrets().load(dir.resolve("config.yaml"), "config.yaml");
        assertThat(c.unresolvedSecrets()).singleElement().extracting(UnresolvedSecret::format).asString()
                .isEqualTo("config.yaml:4:20: datasources.db.password_file: " + dir.resolve("empty.txt") + " is empty");
    }

    @Test
    void aCommandRunsWhenTheSecretIsFirstNeededAndOnlyOnce() throws Exception {
        Config c = load("password_command: [sh, -c, 'echo run >> ran.log; echo s3cret-from-command']", Map.of("PATH", System.getenv("PATH")));
        assertThat(dir.resolve("ran.log")).doesNotExist(); // loading runs nothing
        Secret pw = password(c);
        assertThat(pw.available()).isFalse();
        assertThat(pw.reveal()).isEqualTo("s3cret-from-command");
        assertThat(pw.reveal()).isEqualTo("s3cret-from-command");
        assertThat(Files.readAllLines(dir.resolve("ran.log"))).containsExactly("run"); // in the config's folder, once
        assertThat(io.dbbackup.core.Redactor.redact("the password is s3cret-from-command")).doesNotContain("s3cret-from-command");

        Files.writeString(dir.resolve("pw.sh"), "#!/bin/sh\nprintf 'from-a-script\\n'\n");
        Files.setPosixFilePermissions(dir.resolve("pw.sh"), PosixFilePermissions.fromString("rwx------"));
        assertThat(password(load("password_command: ./pw.sh", Map.of())).reveal()).isEqualTo("from-a-script");
    }

    @Test
    void aFailingCommandIsAUserErrorNamingItsLineAndItsLastWordsButNeverItsOutput() throws Exception {
        Config failing = load("password_command: [sh, -c, 'echo half-a-secret; echo vault: permission denied >&2; exit 3']",
                Map.of("PATH", System.getenv("PATH")));
        assertThatThrownBy(() -> password(failing).reveal()).isInstanceOf(DbBackupException.class)
                .hasMessage("config.yaml:4:23: datasources.db.password_command: sh exited 3: vault: permission denied")
                .satisfies(e -> assertThat(((DbBackupException) e).status()).isEqualTo(ExitStatus.USER_ERROR));
        assertThat(io.dbbackup.core.Redactor.redact("x half-a-secret x")).doesNotContain("half-a-secret");
        Config silent = load("password_command: [sh, -c, 'exit 0']", Map.of("PATH", System.getenv("PATH")));
        assertThatThrownBy(() -> password(silent).reveal()).hasMessageEndingWith("datasources.db.password_command: sh printed nothing");
    }

    @Test
    void aCommandThatHangsWithItsOutputOpenTimesOut() {
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> SecretCommand.run(Path.of("/bin/sh"), List.of("sh", "-c", "echo partial; sleep 30"), dir,
                "config.yaml:4:23: datasources.db.password_command: ", java.time.Duration.ofSeconds(1)))
                .isInstanceOf(DbBackupException.class)
                .hasMessage("config.yaml:4:23: datasources.db.password_command: sh did not finish within 1 s");
        assertThat((System.nanoTime() - t0) / 1_000_000_000.0).isLessThan(10); // not the 30 s of its sleep
    }

    /**
     * The kill hook a program registers with its operation's cancellation is dropped when the program ends: it was kept
     * until the operation ended (one more per reveal, and a later SIGTERM walked every finished program's hook).
     */
    @Test
    void aFinishedCommandLeavesNoKillHookWithItsOperation() {
        io.dbbackup.spi.Cancellation op = new io.dbbackup.spi.Cancellation();
        try (io.dbbackup.core.CancelSignal.Scope ignored = io.dbbackup.core.CancelSignal.enter(op)) {
            for (int i = 0; i < 3; i++) {
                assertThat(SecretCommand.run(Path.of("/bin/sh"), List.of("sh", "-c", "echo s3cret"), dir, "x: ")).isEqualTo("s3cret");
            }
            assertThatThrownBy(() -> SecretCommand.run(Path.of("/bin/sh"), List.of("sh", "-c", "exit 3"), dir, "x: "))
                    .hasMessage("x: sh exited 3");
            assertThatThrownBy(() -> SecretCommand.run(Path.of("/bin/sh"), List.of("sh", "-c", "sleep 30"), dir, "x: ",
                    java.time.Duration.ofMillis(300))).hasMessage("x: sh did not finish within 300 ms");
        }
        assertThat(op.waitingHooks()).as("hooks of finished programs still registered").isZero();
    }

    @Test
    void aCommandThatIsNotThereIsAConfigErrorOrWhenDeferringAnUnresolvedSecret() throws Exception {
        assertThatThrownBy(() -> load("password_command: no-such-secret-tool --get db", Map.of("PATH", "/usr/bin:/bin")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config.yaml:4:23: error: datasources.db.password_command: no-such-secret-tool was not found on PATH");
        Config c = loader("password_command: ./missing.sh", Map.of()).deferringSecrets().load(dir.resolve("config.yaml"), "config.yaml");
        assertThat(c.unresolvedSecrets()).singleElement().extracting(UnresolvedSecret::format).asString()
                .isEqualTo("config.yaml:4:23: datasources.db.password_command: ./missing.sh is not an executable file");
        assertThatThrownBy(() -> load("password_command: []", Map.of())).hasMessageContaining("expected a command");
        assertThatThrownBy(() -> load("password_env: A\npassword_command: [sh]", Map.of("A", "x")))
                .hasMessageContaining("give one of password_env, password_file or password_command, not several");
    }

    @Test
    void aSecretWrittenInTheConfigIsRefused() {
        assertThatThrownBy(() -> load("password: hunter2", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("config.yaml:4:5: error: datasources.db.password: secrets are not read from the config file")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void bothSourcesAtOnceIsAnError() throws Exception {
        Files.writeString(dir.resolve("pw.txt"), "x\n");
        assertThatThrownBy(() -> load("password_env: A\npassword_file: pw.txt", Map.of("A", "abc")))
                .hasMessageContaining("give one of password_env, password_file or password_command, not several");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> load("password_env: NOPE\nbogus: 1", Map.of()))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(2));
    }
}
