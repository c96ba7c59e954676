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
        List<String> forms = new java.util.ArrayList<>(forms(secret));
        for (String part : credentialParts(secret)) {
            forms.addAll(forms(part));
        }
        for (String form : forms) {
            if (form.length() >= 3 && !SECRETS.contains(form)) {
                SECRETS.add(form);
                added = true;
            }
        }
        if (added) {
            SECRETS.sort(Comparator.comparingInt(String::length).reversed());
        }
    }

    /** An HTTP Authorization value: its scheme word, then one credential (no space in it). */
    private static final java.util.regex.Pattern AUTHORIZATION = java.util.regex.Pattern.compile(
            "(?i)(Bearer|Basic|Token|Bot|ApiKey|Api-Key|Key|SSWS|GenieKey|Splunk|Negotiate|NTLM)\\s+(\\S+)");

    /**
     * The credential of an HTTP Authorization value ({@code Bearer <token>}, {@code Basic <base64>}), which a server's
     * error or a library's message may show alone, without its scheme word (8 characters or more); for {@code Basic} also the decoded
     * {@code user:password} and the password. Empty for any other secret.
     */
    static List<String> credentialParts(String secret) {
        java.util.regex.Matcher m = AUTHORIZATION.matcher(secret.strip());
        if (!m.matches() || m.group(2).length() < 8) { // "Token backup" is a passphrase: "backup" everywhere is no mask
            return List.of();
        }
        List<String> parts = new java.util.ArrayList<>(List.of(m.group(2)));
        if (m.group(1).equalsIgnoreCase("basic")) {
            try {
                String pair = new String(java.util.Base64.getDecoder().decode(m.group(2)), java.nio.charset.StandardCharsets.UTF_8);
                parts.add(pair);
                int colon = pair.indexOf(':');
                if (colon >= 0) {
                    parts.add(pair.substring(colon + 1));
                }
            } catch (IllegalArgumentException notBase64) {
                // the credential alone is masked
            }
        }
        return parts;
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
