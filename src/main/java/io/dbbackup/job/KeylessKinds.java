package io.dbbackup.job;

import io.dbbackup.codec.EncryptedFor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What plain {@code verify} says to give, for backups it checked without a key, to have them decrypted too: the one
 * option their manifests (or age headers) say they need; when they need different kinds, or some cannot be told,
 * which backups need which. Never a key's secret: only the option to pass.
 */
final class KeylessKinds {
    private KeylessKinds() {
    }

    /** {@code "give --identity FILE for that"} and the like, for the backups {@code byKey} (key → whom it was encrypted for). */
    static String give(Map<String, EncryptedFor> byKey) {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (Map.Entry<String, EncryptedFor> e : byKey.entrySet()) {
            groups.computeIfAbsent(option(e.getValue()), o -> new ArrayList<>()).add(e.getKey());
        }
        boolean one = byKey.size() == 1;
        if (groups.size() == 1) {
            String option = groups.keySet().iterator().next();
            if (option.equals(PASSPHRASE)) {
                return "give " + (one ? "its" : "their") + " passphrase with " + PASSPHRASE + " for that";
            }
            if (option.equals(IDENTITY)) {
                return "give an identity file of " + (one ? "its" : "their") + " recipients with " + IDENTITY + " for that";
            }
            return "give --identity or --passphrase-env for that";
        }
        List<String> parts = new ArrayList<>();
        groups.forEach((option, keys) -> parts.add(option + " for " + Verifier.named(keys)));
        return "give " + String.join("; ", parts) + " for that";
    }

    private static final String IDENTITY = "--identity FILE";
    private static final String PASSPHRASE = "--passphrase-env VAR";
    private static final String EITHER = "--identity FILE or --passphrase-env VAR (which is not recorded)";

    private static String option(EncryptedFor what) {
        return !what.known() ? EITHER : what.passphrase() ? PASSPHRASE : IDENTITY;
    }
}
