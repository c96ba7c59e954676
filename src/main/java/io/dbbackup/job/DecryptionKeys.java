package io.dbbackup.job;

import io.dbbackup.core.Secret;

import java.nio.file.Path;
import java.util.List;

/**
 * Keys given for one restore or verify on top of the job's config (e.g. {@code --identity FILE},
 * {@code --passphrase-env VAR}); tried before the job's own.
 *
 * @param identityFiles       age identity files ({@code AGE-SECRET-KEY-1...} lines)
 * @param passphrases         passphrases, tried in this order (several: the old ones of a passphrase rotated, one
 *                            {@code --passphrase-env} each)
 * @param passphraseVariables the names of the environment variables {@code passphrases} were read from (for
 *                            {@link #args()}), in their order; empty when they came from elsewhere
 */
public record DecryptionKeys(List<Path> identityFiles, List<Secret> passphrases, List<String> passphraseVariables) {
    public static final DecryptionKeys NONE = new DecryptionKeys(List.of(), (Secret) null);

    public DecryptionKeys {
        identityFiles = List.copyOf(identityFiles);
        passphrases = List.copyOf(passphrases);
        passphraseVariables = List.copyOf(passphraseVariables);
    }

    public DecryptionKeys(List<Path> identityFiles, Secret passphrase, String passphraseVariable) {
        this(identityFiles, passphrase == null ? List.of() : List.of(passphrase),
                passphraseVariable == null ? List.of() : List.of(passphraseVariable));
    }

    public DecryptionKeys(List<Path> identityFiles, Secret passphrase) {
        this(identityFiles, passphrase, null);
    }

    /**
     * These keys as command-line options ({@code --identity FILE}, absolute, {@code --passphrase-env VAR}), never a
     * secret's value: for another command that must open the same backups (a restore_command's wal-fetch, the
     * command a "the next older backup is …" hint suggests).
     */
    public List<String> args() {
        List<String> args = new java.util.ArrayList<>();
        for (Path p : identityFiles) {
            args.addAll(List.of("--identity", p.toAbsolutePath().normalize().toString()));
        }
        for (String variable : passphraseVariables) {
            args.addAll(List.of("--passphrase-env", variable));
        }
        return args;
    }

    /** {@code args} and then {@link #args()}: a suggested command that opens the backup with the same keys. */
    public List<String> withArgs(List<String> args) {
        List<String> all = new java.util.ArrayList<>(args);
        all.addAll(args());
        return all;
    }

    public boolean isEmpty() {
        return identityFiles.isEmpty() && passphrases.isEmpty();
    }
}
