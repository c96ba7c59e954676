package io.dbbackup.notify.webhook;

import io.dbbackup.core.Secret;

import java.time.Duration;
import java.util.List;

/**
 * {@code notifications.<name>} of {@code type: webhook}, validated. The URL is a secret (it usually
 * carries a token); {@code authorization} may be null; {@code headers} are {@code [name, value]} pairs.
 */
record WebhookSettings(String name, Secret url, String method, Format format, List<String[]> headers,
                       Secret authorization, Duration timeout) {
    enum Format { JSON, SLACK }

    WebhookSettings {
        headers = List.copyOf(headers);
    }
}
