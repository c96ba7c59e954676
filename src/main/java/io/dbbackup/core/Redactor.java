package io.dbbackup.core;

import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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

    /**
     * Registers a secret in every form it can take in text: as read, stripped (values are used stripped: a
     * file's trailing newline), with each run of white space squeezed to one space (error reasons are put on
     * one line that way) and JSON-escaped (a secret holding a quote or a backslash, inside a JSON document).
     * Forms shorter than 3 characters are not masked: masking "ab" wherever it occurs would garble every line.
     */
    public static void register(String secret) {
        if (secret == null) {
            return;
        }
        boolean added = false;
        for (String form : forms(secret)) {
            if (form.length() >= 3 && !SECRETS.contains(form)) {
                SECRETS.add(form);
                added = true;
            }
        }
        if (added) {
            SECRETS.sort(Comparator.comparingInt(String::length).reversed());
        }
    }

    private static Set<String> forms(String secret) {
        Set<String> plain = new LinkedHashSet<>();
        plain.add(secret);
        plain.add(secret.strip());
        plain.add(secret.strip().replaceAll("\\s+", " "));
        Set<String> all = new LinkedHashSet<>(plain);
        for (String p : plain) {
            String quoted = Json.write(p);
            all.add(quoted.substring(1, quoted.length() - 1));
        }
        return all;
    }

    /** The length of the longest form registered (0 when none): how far past a cut a secret that begins before it can reach. */
    public static int longest() {
        List<String> all = List.copyOf(SECRETS); // sorted longest first
        return all.isEmpty() ? 0 : all.get(0).length();
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

    /**
     * A peer's answer (an HTTP error body, a service's error text) for a message: secrets masked first, then put on one
     * line and masked again (a secret's squeezed form), then cut to {@code max} characters with "..." after. Cutting
     * first could leave the first half of a secret, which no longer matches its mask.
     */
    public static String excerpt(String text, int max) {
        if (text == null) {
            return null;
        }
        String one = redact(redact(text).strip().replaceAll("\\s+", " "));
        if (one.length() <= max) {
            return one;
        }
        int end = Character.isHighSurrogate(one.charAt(max - 1)) ? max - 1 : max; // never half a character
        return one.substring(0, end) + "...";
    }
}
