package io.dbbackup.notify.email;

import io.dbbackup.config.Config;
import io.dbbackup.config.ConfigException;
import io.dbbackup.testkit.Notifiers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Config validation of {@code type: email}: every problem at its key, secrets never inline. */
class EmailNotifierProviderTest {
    @TempDir
    Path dir;

    private String errors(String yaml) {
        try {
            Notifiers.load(dir, Map.of("P", "pw"), yaml);
        } catch (ConfigException e) {
            return e.getMessage();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        throw new AssertionError("expected config errors");
    }

    @Test
    void defaultsFollowThePort() throws Exception {
        Config c = Notifiers.load(dir, Map.of(), """
                a: {type: email, smtp_host: mx.example.com, from: a@example.com, to: b@example.com}
                b: {type: email, smtp_host: mx.example.com, smtp_port: 465, from: a@example.com, to: b@example.com}
                c: {type: email, smtp_host: localhost, smtp_port: 25, from: a@example.com, to: b@example.com}
                d: {type: email, smtp_host: mx.example.com, smtp_port: 2525, use_tls: true, from: a@example.com, to: b@example.com}
                """);
        assertThat(c.notifiers().get("a").notifier().describe()).isEqualTo("smtp mx.example.com:587 (starttls)");
        assertThat(c.notifiers().get("b").notifier().describe()).isEqualTo("smtp mx.example.com:465 (tls)");
        assertThat(c.notifiers().get("c").notifier().describe()).isEqualTo("smtp localhost:25 (no tls)");
        assertThat(c.notifiers().get("d").notifier().describe()).isEqualTo("smtp mx.example.com:2525 (starttls)");
    }

    /** A login half given names every key the other half may be written as: a password_command is one, as everywhere. */
    @Test
    void aLoginHalfGivenNamesEveryFormOfTheOtherHalf() {
        assertThat(errors("""
                a: {type: email, smtp_host: h, username: u, from: a@example.com, to: b@example.com}
                """)).contains("notifications.a.username: a username needs a password (password_env, password_file or password_command)");
        assertThat(errors("""
                a: {type: email, smtp_host: h, password_env: P, from: a@example.com, to: b@example.com}
                """)).contains("a password needs a username (username, username_env, username_file or username_command)");
    }

    @Test
    void aPasswordInTheFileIsRejected() {
        assertThat(errors("""
                a: {type: email, smtp_host: h, username: u, password: hunter22, from: a@example.com, to: b@example.com}
                """)).contains("notifications.a.password: secrets are not read from the config file; use password_env")
                .doesNotContain("hunter22");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        String e = errors("""
                a:
                  type: email
                  smtp_port: 99999
                  tls: starttls
                  use_tls: false
                  password_env: P
                  from: not an address
                  to: ok@example.com, also bad@
                  timeout: soon
                  colour: blue
                """);
        assertThat(e).contains("missing required key 'smtp_host'", "smtp_port: must be between 1 and 65535",
                "use_tls: contradicts tls: starttls", "a password needs a username",
                "'not an address' is not a valid email address", "'also bad@' is not a valid email address",
                "timeout: expected a duration", "colour: unknown key");
    }

    /** username may be written literally (README): a typo's hint and the known keys offer it, not only its secret forms. */
    @Test
    void aMistypedUsernameIsPointedToTheLiteralKey() {
        String e = errors("""
                a:
                  type: email
                  smtp_host: smtp.example.com
                  from: a@example.com
                  to: b@example.com
                  usernam: bot
                """);
        assertThat(e).contains("usernam: unknown key; did you mean 'username'?");
        // apart: a misspelled key is the one error of its section (what follows from it is not said too)
        String other = errors("""
                a:
                  type: email
                  smtp_host: smtp.example.com
                  from: a@example.com
                  to: b@example.com
                  zzzz: 1
                """);
        assertThat(other).containsPattern("zzzz: unknown key \\(known keys: [^)]*\\busername,");
    }

    @Test
    void recipientsAreRequired() {
        assertThat(errors("a: {type: email, smtp_host: h, from: a@example.com}"))
                .contains("missing required key 'to'");
        assertThat(errors("a: {type: email, smtp_host: h, from: a@example.com, to: []}"))
                .contains("to: must name at least one address");
    }

    @Test
    void plainTextPasswordToARemoteServerIsAWarning() throws Exception {
        Config c = Notifiers.load(dir, Map.of("P", "pw"), """
                a: {type: email, smtp_host: mx.example.com, tls: none, username: u, password_env: P, from: a@example.com, to: b@example.com}
                """);
        assertThat(c.warnings()).anyMatch(w -> w.format().contains("unencrypted"));
    }

    @Test
    void unknownCaFileIsAnError() {
        assertThatThrownBy(() -> Notifiers.load(dir, Map.of(), """
                a: {type: email, smtp_host: h, tls: implicit, ca_file: /nonexistent/ca.pem, from: a@example.com, to: b@example.com}
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("ca_file: cannot read /nonexistent/ca.pem");
    }
}
