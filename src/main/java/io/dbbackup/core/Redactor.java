package io.dbbackup.core;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every secret the process has read is registered here; all text that leaves the process through
 * logs, errors or notifications passes {@link #redact(String)} last, as a safety net behind the
 * rule that secrets are never put into messages in the first place.
 */
public final class Redactor {
    private static final List<String> SECRETS = new CopyOnWriteArrayList<>();
    private static final String MASK = "***";

    private Redactor() {
    }

    public static void register(String secret) {
        if (secret != null && secret.length() >= 3 && !SECRETS.contains(secret)) {
            SECRETS.add(secret);
            SECRETS.sort(Comparator.comparingInt(String::length).reversed());
        }
    }

    public static String redact(String text) {
        if (text == null || SECRETS.isEmpty()) {
            return text;
        }
        String out = text;
        for (String s : SECRETS) {
            out = out.replace(s, MASK);
        }
        return out;
    }
}
