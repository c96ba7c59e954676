package io.dbbackup.testkit;

import io.dbbackup.core.Secret;
import io.dbbackup.spi.ConfigSection;
import io.dbbackup.spi.JobReport;
import io.dbbackup.spi.Notifier;
import io.dbbackup.spi.NotifierProvider;

import java.io.IOException;
import java.time.Clock;

/**
 * Test-only {@code type: throwing} notifier: every send throws an {@link IOException} whose message is {@code message},
 * or that has no message when it is not given (as a library's bare exception has); {@code $SECRET} in it is replaced by
 * the secret {@code secret_env}/{@code secret_file} names, as a server's error can quote a token back.
 */
public final class ThrowingNotifierProvider implements NotifierProvider {
    @Override
    public String type() {
        return "throwing";
    }

    @Override
    public Notifier create(ConfigSection s) {
        String message = s.string("message").orElse(null);
        Secret secret = s.secret("secret").orElse(null);
        return new Notifier() {
            @Override
            public void send(JobReport report, Clock clock) throws IOException {
                throw new IOException(message == null || secret == null ? message : message.replace("$SECRET", secret.reveal()));
            }

            @Override
            public String describe() {
                return "throwing";
            }
        };
    }
}
