package io.dbbackup.notify.pushgateway;

import io.dbbackup.core.Secret;

import java.net.URI;
import java.time.Duration;

/**
 * {@code notifications.<name>} of {@code type: pushgateway}, validated: the Pushgateway's base URL (not a secret),
 * the Prometheus {@code job} label of every pushed group, an optional {@code Authorization} header (a secret, may be
 * null) and the request timeout.
 */
record PushgatewaySettings(String name, URI url, String job, Secret authorization, Duration timeout) {
}
