package io.dbbackup.codec;

import java.util.List;

/**
 * Whom an encrypted file was encrypted for, as far as it can be told without a key: from the backup's manifest, else
 * from the age header (the manifest lost, or older). Tells the person at the keyboard which kind of key to bring; never
 * holds a key's secret.
 *
 * @param recipients       as the manifest records them ({@code age1...}, or {@code passphrase}); null when not recorded
 * @param headerRecipients what the header holds: the number of its recipient stanzas, 0 for a passphrase (scrypt) file,
 *                         -1 when not known
 */
public record EncryptedFor(List<String> recipients, int headerRecipients) {
    /** Neither a manifest nor a header tells. */
    public static final EncryptedFor UNKNOWN = new EncryptedFor(null, -1);

    public EncryptedFor {
        recipients = recipients == null ? null : List.copyOf(recipients);
    }

    /** Whether a passphrase opens it. */
    public boolean passphrase() {
        return recipients == null ? headerRecipients == 0 : recipients.equals(List.of("passphrase"));
    }

    /** Whether the manifest or the header tells which kind of key opens it. */
    public boolean known() {
        return recipients != null || headerRecipients >= 0;
    }

    /** {@code "; it was encrypted for age1..., age1..."}, or where that is not recorded. */
    public String said() {
        return recipients == null ? "; whom it was encrypted for is not recorded"
                : "; it was encrypted for " + (passphrase() ? "a passphrase" : String.join(", ", recipients));
    }

    /**
     * What to bring next and how to pass it on the command line, after {@link #said()}: its passphrase in a variable,
     * or the identity file of one of its recipients. {@code passphrasesTried}: a passphrase was given and did not open it.
     */
    public String nextStep(boolean passphrasesTried) {
        if (passphrase()) {
            return (recipients == null ? " (its header holds a passphrase)" : "") + ": pass " + (passphrasesTried ? "the right"
                    : "its") + " passphrase with --passphrase-env VAR (the name of an environment variable holding it; repeatable)";
        }
        if (!known()) {
            return ": pass the key that opens it with --identity FILE or --passphrase-env VAR (both repeatable)";
        }
        return headerSays() + ": pass " + identityFileOf() + " (AGE-SECRET-KEY-1... lines) with --identity FILE (repeatable)";
    }

    /** {@code " (its header holds 2 recipients)"} when the manifest does not record them, else nothing. */
    public String headerSays() {
        if (recipients != null || headerRecipients < 0) {
            return "";
        }
        return headerRecipients == 0 ? " (its header holds a passphrase)"
                : " (its header holds " + (headerRecipients == 1 ? "1 recipient" : headerRecipients + " recipients") + ")";
    }

    /** {@code "its identity file"} of one recipient, or {@code "the identity file of one of them"}. */
    public String identityFileOf() {
        int count = recipients != null ? recipients.size() : headerRecipients;
        return count == 1 ? "its identity file" : "the identity file of one of them";
    }
}
