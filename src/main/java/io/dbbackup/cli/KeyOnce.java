package io.dbbackup.cli;

/**
 * A finding about one backup said with its key once: on stdout after the key that leads the line ({@code KEY: finding}),
 * in the log beside its {@code key=} field, which log searches use, and not again in the text. A finding names the backup
 * led by it ({@code KEY is encrypted …}), as {@code the backup KEY …} (a deep check's), or of it ({@code checksum mismatch
 * for KEY: …}, {@code verification of KEY failed: …}), in the log also {@code backup KEY is no longer in …}; one naming it
 * otherwise is said as it is.
 */
final class KeyOnce {
    private KeyOnce() {
    }

    /** {@code KEY: finding}, or the finding as it is when it leads with the key. */
    static String line(String key, String finding) {
        if (finding.startsWith(key + " ")) {
            return finding;
        }
        String led = "the backup " + key + " ";
        if (finding.startsWith(led)) {
            return key + ": " + finding.substring(led.length());
        }
        String rest = unkeyed(key, finding);
        return key + ": " + (rest == null ? finding : rest);
    }

    /** The finding for a log line that gives {@code key=KEY}: the key taken out where the sentence reads without it. */
    static String logged(String key, String finding) {
        for (String lead : new String[]{key + " ", "backup " + key + " "}) {
            if (finding.startsWith(lead)) {
                return "the backup " + finding.substring(lead.length());
            }
        }
        String rest = unkeyed(key, finding);
        return rest == null ? finding : rest;
    }

    /** {@code finding} without its naming of {@code key}, or null when it does not name it in a way known here. */
    private static String unkeyed(String key, String finding) {
        String led = "the backup " + key + " ";
        if (finding.startsWith(led)) {
            return "the backup " + finding.substring(led.length());
        }
        for (String of : new String[]{" for " + key + ":", " of " + key + " "}) {
            int at = finding.indexOf(of);
            if (at >= 0) {
                return finding.substring(0, at) + of.charAt(of.length() - 1) + finding.substring(at + of.length());
            }
        }
        return null;
    }
}
