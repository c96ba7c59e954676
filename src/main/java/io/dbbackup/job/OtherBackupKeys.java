package io.dbbackup.job;

import io.dbbackup.codec.EncryptedFor;
import io.dbbackup.codec.age.AgeKeys;
import io.dbbackup.config.EncryptionConfig;
import io.dbbackup.config.JobConfig;
import io.dbbackup.core.BackupKey;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The key options of a command suggested for another backup than the one its keys were given for (the next older one,
 * after the failure of a newer; a physical job's newest, for a dump sent to its datasource): that backup's own key, from whom its manifest (else its age header) says it was
 * encrypted for. After a key rotation the older backup is encrypted to an older recipient, and the keys given for the
 * newer one do not open it: the command then names {@code --identity FILE} and {@code note} says whose identity FILE is,
 * as {@code show}'s restore command does ({@link MissingKey}).
 */
record OtherBackupKeys(List<String> args, Optional<String> note) {
    OtherBackupKeys {
        args = List.copyOf(args);
    }

    static final OtherBackupKeys NONE = new OtherBackupKeys(List.of(), Optional.empty());

    /**
     * The options that open {@code key} (a backup of {@code job}), of {@code given} or in their place; none when it is
     * not encrypted or the job's config holds its key. {@code encryptedFor}: whom it was encrypted for, read only when
     * it is encrypted.
     */
    static OtherBackupKeys of(BackupKey key, JobConfig job, DecryptionKeys given, Supplier<EncryptedFor> encryptedFor) {
        if (!key.encrypted()) {
            return NONE;
        }
        EncryptedFor what = encryptedFor.get();
        if (what.recipients() == null) { // whom it opens for is not recorded: the keys given may be the ones
            return missing(key, job, given, what).orElseGet(() -> new OtherBackupKeys(given.args(), Optional.empty()));
        }
        if (what.passphrase()) {
            if (!given.passphraseVariables().isEmpty()) {
                List<String> args = new ArrayList<>();
                given.passphraseVariables().forEach(v -> args.addAll(List.of("--passphrase-env", v)));
                return new OtherBackupKeys(args, Optional.empty());
            }
            return missing(key, job, DecryptionKeys.NONE, what).orElse(NONE);
        }
        List<String> args = new ArrayList<>();
        for (Path file : given.identityFiles()) {
            if (opens(identitiesIn(file), what.recipients())) {
                args.addAll(List.of("--identity", file.toAbsolutePath().normalize().toString()));
            }
        }
        if (!args.isEmpty() || opens(configIdentities(job), what.recipients())) {
            return new OtherBackupKeys(args, Optional.empty());
        }
        // neither a key given nor the job's own opens it: the one of its recipients, as show names it
        EncryptionConfig c = job.encryption();
        boolean configIdentity = c != null && c.identity() != null && c.identity().resolved();
        String settings = Encryption.settingsOf(job);
        String own = configIdentity ? "the identity of " + settings + " is not one of them"
                : c != null && c.identity() != null ? "the identity of " + settings + " cannot be read here: " + c.identity().problem()
                : settings + " sets no identity (encryption.identity_file / identity_env)";
        String why = (given.identityFiles().isEmpty() ? "" : "the identity given is not one of its recipients; ") + own;
        MissingKey m = MissingKey.identity(what, why);
        return new OtherBackupKeys(m.args(), Optional.of(m.note()));
    }

    private static Optional<OtherBackupKeys> missing(BackupKey key, JobConfig job, DecryptionKeys given, EncryptedFor what) {
        return MissingKey.of(key, job, given, () -> what).map(m -> new OtherBackupKeys(m.args(), Optional.of(m.note())));
    }

    /** Whether one of {@code identities} is one of {@code recipients}. */
    private static boolean opens(List<String> identities, List<String> recipients) {
        for (String identity : identities) {
            try {
                if (recipients.contains(AgeKeys.recipientOf(identity))) {
                    return true;
                }
            } catch (RuntimeException notX25519) { // a plugin's identity: not told apart here
            }
        }
        return false;
    }

    /** The identities of {@code file}, none when it cannot be read now (the failure said so, or will). */
    private static List<String> identitiesIn(Path file) {
        try {
            return IdentityFile.identities(file, null);
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    /** The identities of the job's config readable here, else none. */
    private static List<String> configIdentities(JobConfig job) {
        EncryptionConfig c = job.encryption();
        if (c == null || c.identity() == null || !c.identity().resolved()) {
            return List.of();
        }
        try {
            return AgeKeys.parseIdentities(c.identity().reveal());
        } catch (RuntimeException e) {
            return List.of();
        }
    }
}
