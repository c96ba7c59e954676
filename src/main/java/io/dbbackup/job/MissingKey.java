package io.dbbackup.job;

import io.dbbackup.codec.EncryptedFor;
import io.dbbackup.config.EncryptionConfig;
import io.dbbackup.config.JobConfig;
import io.dbbackup.core.BackupKey;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The key a restore command suggested for an encrypted backup must be given on its command line, when neither the keys
 * the suggesting command was given nor the job's config hold one that can be read here: pasted without it, the restore
 * fails with "no key to decrypt it was given". {@code args}: the option with a placeholder ({@code --identity FILE},
 * {@code --passphrase-env VAR}); {@code note}: one line saying what the placeholder stands for.
 */
public record MissingKey(List<String> args, String note) {
    public MissingKey {
        args = List.copyOf(args);
    }

    /**
     * What the restore of {@code key} (a backup of {@code job}) must be given, or empty when it opens as suggested: it is
     * not encrypted, {@code given} holds keys (they are in the command), or the job's config holds the kind of key it
     * needs, readable here. {@code encryptedFor}: whom it was encrypted for, read only when that is to be told.
     */
    static Optional<MissingKey> of(BackupKey key, JobConfig job, DecryptionKeys given, Supplier<EncryptedFor> encryptedFor) {
        if (!key.encrypted() || !given.isEmpty()) {
            return Optional.empty();
        }
        EncryptionConfig c = job.encryption();
        boolean identity = c != null && c.identity() != null && c.identity().resolved();
        boolean passphrase = c != null && c.passphrase() != null && c.passphrase().resolved();
        EncryptedFor what = encryptedFor.get();
        String where = Encryption.settingsOf(job);
        if (what.known() && what.passphrase()) {
            return passphrase ? Optional.empty() : Optional.of(new MissingKey(List.of("--passphrase-env", "VAR"),
                    "VAR: the name of an environment variable holding its passphrase (not the passphrase itself); "
                            + (c != null && c.passphrase() != null ? "the passphrase of " + where + " cannot be read here: "
                            + c.passphrase().problem() : where + " sets no passphrase")));
        }
        if (identity || !what.known() && passphrase) {
            return Optional.empty();
        }
        return Optional.of(identity(what, c != null && c.identity() != null ? "the identity of " + where
                + " cannot be read here: " + c.identity().problem()
                : where + " sets no identity (encryption.identity_file / identity_env)"));
    }

    /**
     * {@code --identity FILE}, FILE said to be the identity of one of {@code what}'s recipients (or, not recorded, of
     * whom its header holds); {@code why}: why the keys at hand do not open it.
     */
    static MissingKey identity(EncryptedFor what, String why) {
        String whose = !what.known() || what.recipients() == null ? "that opens it (whom it was encrypted for is not recorded"
                + (what.known() ? "; its header holds " + what.headerRecipients() + " recipient" + (what.headerRecipients() == 1
                ? "" : "s") : "; a passphrase backup takes --passphrase-env VAR instead") + ")"
                : (what.recipients().size() == 1 ? "of its recipient " : "of one of its recipients ")
                + String.join(", ", what.recipients().stream().map(MissingKey::shortForm).toList());
        return new MissingKey(List.of("--identity", "FILE"),
                "FILE: the age identity file (AGE-SECRET-KEY-1... lines) " + whose + "; " + why);
    }

    /** {@code age1qyqszqgpqyqs…x8n4lq}: enough of a recipient to tell it from another, its whole on the encryption line. */
    static String shortForm(String recipient) {
        return recipient.length() <= 24 ? recipient : recipient.substring(0, 12) + "…" + recipient.substring(recipient.length() - 6);
    }
}
