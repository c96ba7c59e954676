package io.dbbackup.config;

import io.dbbackup.core.Secret;

import java.util.List;

/**
 * {@code encryption:} of a job or a datasource (the job's wins): age recipients <em>or</em> a
 * passphrase to encrypt with, and optionally identities (secret keys) to decrypt with. Validated
 * at load time: recipients parse, identities parse, never recipients and a passphrase together.
 *
 * @param recipients       X25519 recipients ({@code age1...}), empty in passphrase mode
 * @param passphrase       the scrypt passphrase, or null in recipients mode
 * @param identity         the text of an identity file or variable ({@code AGE-SECRET-KEY-1...} lines), or null
 * @param scryptWorkFactor log2 of scrypt's N for new passphrase-encrypted backups
 * @param origin           where it was configured, e.g. {@code jobs.app.encryption}
 * @param recipientsProblem why the {@code recipients_file} could not be read here (its config line), or null: only a
 *                         backup needs the recipients, so the job's backups fail, not every command of the config
 * @param identityAt       the config key that gives {@code identity} and where, e.g.
 *                         {@code jobs.app.encryption.identity_file (config.yaml line 9)}, or null without one: what
 *                         {@code backup}, which takes no {@code --identity}, points to when its identity opens nothing
 */
public record EncryptionConfig(List<String> recipients, Secret passphrase, Secret identity, int scryptWorkFactor,
                               String origin, String recipientsProblem, String identityAt) {
    public static final int DEFAULT_WORK_FACTOR = 18;

    public EncryptionConfig {
        recipients = List.copyOf(recipients);
    }

    public EncryptionConfig(List<String> recipients, Secret passphrase, Secret identity, int scryptWorkFactor, String origin) {
        this(recipients, passphrase, identity, scryptWorkFactor, origin, null, null);
    }

    public boolean passphraseMode() {
        return passphrase != null;
    }

    /** Without key material, e.g. for {@code config show}. */
    @Override
    public String toString() {
        return passphraseMode() ? "age (passphrase, scrypt work factor " + scryptWorkFactor + ")"
                : "age (" + recipients.size() + (recipients.size() == 1 ? " recipient)" : " recipients)")
                + (identity == null ? "" : ", identity from " + identity.source());
    }
}
