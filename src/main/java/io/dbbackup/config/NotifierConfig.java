package io.dbbackup.config;

import io.dbbackup.spi.Notifier;

/** {@code notifications.<name>}. */
public record NotifierConfig(String name, String type, Notifier notifier) {
}
