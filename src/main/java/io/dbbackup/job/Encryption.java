package io.dbbackup.job;

import io.dbbackup.codec.Decryptor;
import io.dbbackup.codec.EncryptedFor;
import io.dbbackup.codec.Encryptor;
import io.dbbackup.codec.age.AgeDecryptor;
import io.dbbackup.codec.age.AgeEncryptor;
import io.dbbackup.codec.age.AgeKeys;
import io.dbbackup.config.EncryptionConfig;
import io.dbbackup.config.JobConfig;
import io.dbbackup.core.BackupKey;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.Secret;
import io.dbbackup.pipeline.ArtifactReader;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Builds age encryptors and decryptors from a job's {@code encryption:} and keys given for one command. */
public final class Encryption {
    private Encryption() {
    }

    /** The encryptor for new backups of {@code job}, or null when they are not encrypted. */
    public static Encryptor encryptor(JobConfig job) {
        EncryptionConfig c = job.encryption();
        if (c == null) {
            return null;
        }
        if (c.recipientsProblem() != null) {
            throw DbBackupException.user(c.recipientsProblem());
        }
        return c.passphraseMode() ? AgeEncryptor.withPassphrase(c.passphrase().reveal(), c.scryptWorkFactor())
                : AgeEncryptor.toRecipients(c.recipients());
    }

    /**
     * A decryptor from {@code extra} (first) and the job's identity or passphrase, or null when
     * neither holds a key. Unreadable or malformed identity files given here are user errors (exit 1). The
     * job's identity, when it cannot be read on this machine (file missing, its command failing), counts as none,
     * with a warning naming why (a backup host need not hold the key that opens its backups).
     */
    public static Decryptor decryptor(JobConfig job, DecryptionKeys extra, Workspace ws) {
        return build(job, extra, ws, null, null);
    }

    /**
     * As {@link #decryptor}, but an encrypted {@code key} without any key to open it is a user error naming the one kind
     * of key it needs (read from its manifest, else its age header).
     */
    public static Decryptor decryptorFor(BackupKey key, JobConfig job, DecryptionKeys extra, Workspace ws) {
        return key.encrypted() ? required(key.key(), job, extra, ws,
                () -> new ArtifactReader(new Catalog(ws).store(job)).encryptedFor(key)) : build(job, extra, ws, null, null);
    }

    /**
     * The decryptor for the encrypted object {@code name}: a user error when no key opens it, naming why the job's
     * identity cannot be read here, else the one way to give the key it needs ({@code encryptedFor}: whom it was
     * encrypted for, read only then), or both ways when that cannot be told.
     */
    static Decryptor required(String name, JobConfig job, DecryptionKeys extra, Workspace ws, Supplier<EncryptedFor> encryptedFor) {
        Decryptor d = build(job, extra, ws, name, encryptedFor);
        if (d != null) {
            return d;
        }
        throw noKey(name, job, encryptedFor.get(), "");
    }

    /**
     * {@code name} is encrypted and no key was given: the one kind of key {@code what} says it needs, and the config key
     * that would hold it when the job's {@code encryption:} can take it; both kinds when {@code what} cannot tell.
     * {@code why}: what else is to be said (the job's key that cannot be read here), or empty.
     */
    private static NoKeyGivenException noKey(String name, JobConfig job, EncryptedFor what, String why) {
        if (!what.known()) {
            return new NoKeyGivenException(name + " is encrypted and no key to decrypt it was given" + why + ": pass --identity FILE"
                    + " (or --passphrase-env VAR), or set encryption.identity_file / identity_env / passphrase_env on "
                    + settingsOf(job));
        }
        EncryptionConfig c = job.encryption();
        // a passphrase in the config of a recipients job is refused ("not both"); an identity needs encryption: set
        String setting = c == null ? null : what.passphrase() ? (c.passphraseMode() ? "encryption.passphrase_env" : null)
                : "encryption.identity_file / identity_env";
        return new NoKeyGivenException(name + " is encrypted and no key to decrypt it was given" + why + what.said()
                + what.nextStep(false) + (setting == null ? "" : ", or set " + setting + " on " + settingsOf(job)));
    }

    /**
     * Where {@code job}'s {@code encryption:} is set: the job itself, or for a copy job its source job (the config
     * refuses {@code encryption} on a copy job: it copies its source's bytes, encrypted as the source made them).
     */
    static String settingsOf(JobConfig job) {
        return job.isCopy() ? "job '" + job.copyOf() + "' (the source of copy job '" + job.name() + "')" : "job '" + job.name() + "'";
    }

    /**
     * {@code requiredFor}: the object that must be decrypted (its failure then names the identity's problem), or null;
     * {@code encryptedFor}: whom it was encrypted for, read when no key given can open it.
     */
    private static Decryptor build(JobConfig job, DecryptionKeys extra, Workspace ws, String requiredFor,
                                   Supplier<EncryptedFor> encryptedFor) {
        List<String> identities = new ArrayList<>();
        for (Path file : extra.identityFiles()) {
            identities.addAll(IdentityFile.identities(file, ws.log()));
        }
        EncryptionConfig c = job.encryption();
        String identityProblem = null;
        if (c != null && c.identity() != null) {
            if (!c.identity().resolved()) {
                identityProblem = c.identity().problem();
            } else {
                try {
                    identities.addAll(parse(c.identity())); // a command's identity runs here, when first needed
                } catch (DbBackupException e) {
                    identityProblem = e.getMessage();
                }
            }
        }
        // identities to try: the job's passphrase is no longer the only way in (a recipients backup of before a rotation
        // to a passphrase opens without it; a passphrase backup then fails naming --passphrase-env)
        List<Secret> passphrases;
        try {
            passphrases = passphrases(extra, c, ws, job, requiredFor == null || !identities.isEmpty(), !identities.isEmpty());
        } catch (UnreadablePassphrase e) { // the job's passphrase cannot be read here, and no other key was given
            EncryptedFor what = encryptedFor == null ? EncryptedFor.UNKNOWN : encryptedFor.get();
            DbBackupException why = e.why();
            if (what.known() && !what.passphrase()) { // its passphrase would not open a recipients backup: say what would
                throw noKey(requiredFor, job, what, " (the job's passphrase cannot be read here: " + why.getMessage() + ")");
            }
            // unread, the config line, and the other way in
            throw new NoKeyGivenException(why.status(), why.getMessage() + " (or pass the passphrase with --passphrase-env VAR,"
                    + " the name of an environment variable holding it)", why, why.retryable());
        }
        if (identities.isEmpty() && passphrases.isEmpty()) {
            EncryptedFor what = identityProblem != null && requiredFor != null ? encryptedFor.get() : null;
            if (what != null && what.known() && what.passphrase()) { // the job's identity would not open a passphrase backup
                throw noKey(requiredFor, job, what, " (the job's identity cannot be read here: " + identityProblem + ")");
            }
            if (identityProblem != null && requiredFor != null) {
                // whom it was encrypted for, as the no-key error names them: which identity file to bring
                String whom = what != null && what.known() ? what.said() + what.headerSays() : "";
                throw new NoKeyGivenException(requiredFor + " is encrypted and the job's identity cannot be read here: "
                        + identityProblem + whom + " (or pass " + (whom.isEmpty() ? "" : what.identityFileOf() + " with ")
                        + "--identity FILE)");
            }
            if (identityProblem != null) {
                ws.warnAbout(job, null, "the job's age identity cannot be read here: nothing to decrypt with",
                        "reason", identityProblem);
            }
            return null;
        }
        if (identityProblem != null) {
            ws.warnAbout(job, null, "the job's age identity cannot be read here; decrypting with the keys given",
                    "reason", identityProblem);
        }
        return AgeDecryptor.trying(identities, passphrases);
    }

    /**
     * The command line's passphrases (in their order), then the job's own: a wrong {@code --passphrase-env} must not hide the job's key.
     * Without one on the command line, the job's is needed to open an encrypted object, and one that cannot be read here
     * fails naming its config line; with one, the job's is only a second try, skipped (with a warning) when it cannot be
     * read here. {@code optional}: no encrypted object needs it (plain {@code verify}, which then checks the stored bytes;
     * a backup made before the job encrypted), or {@code identities} are there to try: one that cannot be read here counts
     * as none, with a warning, as the job's identity does.
     */
    private static List<Secret> passphrases(DecryptionKeys extra, EncryptionConfig c, Workspace ws, JobConfig job, boolean optional,
                                            boolean identities) {
        List<Secret> out = new ArrayList<>();
        for (Secret given : extra.passphrases()) {
            given.reveal();
            out.add(given);
        }
        if (c == null || c.passphrase() == null) {
            return out;
        }
        if (out.isEmpty() && optional) {
            try {
                c.passphrase().reveal(); // a command's passphrase runs here, when first needed
                out.add(c.passphrase());
            } catch (DbBackupException e) {
                ws.warnAbout(job, null, identities ? "the job's passphrase cannot be read here; decrypting with the identities given"
                        : "the job's passphrase cannot be read here: nothing to decrypt with", "reason", e.getMessage());
            }
            return out;
        }
        if (out.isEmpty()) {
            try {
                c.passphrase().reveal();
            } catch (DbBackupException e) { // unresolved here: the caller says what else would open the object
                throw new UnreadablePassphrase(e);
            }
            out.add(c.passphrase());
            return out;
        }
        try {
            String own = c.passphrase().reveal();
            if (out.stream().noneMatch(given -> given.reveal().equals(own))) {
                out.add(c.passphrase());
            }
        } catch (DbBackupException e) {
            ws.warnAbout(job, null, "the job's passphrase cannot be read here; decrypting with the one given",
                    "reason", e.getMessage());
        }
        return out;
    }

    /** The job's passphrase, needed (no other key given), cannot be read here: {@code why} names its config line. */
    private static final class UnreadablePassphrase extends RuntimeException {
        UnreadablePassphrase(DbBackupException why) {
            super(why.getMessage(), why, false, false);
        }

        DbBackupException why() {
            return (DbBackupException) getCause();
        }
    }

    private static List<String> parse(Secret identity) {
        try {
            return AgeKeys.parseIdentities(identity.reveal(), identity.source().startsWith("file ")
                    ? identity.source().substring("file ".length()) : "FILE");
        } catch (AgeKeys.KeyFormatException e) {
            throw DbBackupException.user(identity.source() + ": " + e.getMessage());
        }
    }
}
