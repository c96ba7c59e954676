package io.dbbackup.job;

import io.dbbackup.core.Secret;

import java.nio.file.Path;
import java.util.List;

/**
 * Keys given for one restore or verify on top of the job's config (e.g. {@code --identity FILE},
 * {@code --passphrase-env VAR}); tried before the job's own.
 *
 * @param identityFiles age identity files ({@code AGE-SECRET-KEY-1...} lines)
 * @param passphrase    a passphrase, or null
 */
public record DecryptionKeys(List<Path> identityFiles, Secret passphrase) {
    public static final DecryptionKeys NONE = new DecryptionKeys(List.of(), null);

    public DecryptionKeys {
        identityFiles = List.copyOf(identityFiles);
    }

    public boolean isEmpty() {
        return identityFiles.isEmpty() && passphrase == null;
    }
}
