package io.dbbackup.job;

import io.dbbackup.core.Secret;

import java.nio.file.Path;
import java.util.List;

/**
 * Keys given for one restore or verify on top of the job's config (e.g. {@code --identity FILE},
 * {@code --passphrase-env VAR}); tried before the job's own.
 *
 * @param identityFiles      age identity files ({@code AGE-SECRET-KEY-1...} lines)
 * @param passphrase         a passphrase, or null
 * @param passphraseVariable the name of the environment variable {@code passphrase} was read from, or null
 */
public record DecryptionKeys(List<Path> identityFiles, Secret passphrase, String passphraseVariable) {
    public static final DecryptionKeys NONE = new DecryptionKeys(List.of(), null);

    public DecryptionKeys {
        identityFiles = List.copyOf(identityFiles);
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
        if (passphraseVariable != null) {
            args.addAll(List.of("--passphrase-env", passphraseVariable));
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
        return identityFiles.isEmpty() && passphrase == null;
    }
}
