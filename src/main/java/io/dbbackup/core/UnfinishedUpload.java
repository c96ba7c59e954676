package io.dbbackup.core;

import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An upload a store holds that is neither committed nor aborted: one in progress, or one abandoned by a process
 * that died without aborting it (SIGKILL, the out-of-memory killer, a lost node). {@code key}: the key it was
 * writing, relative to the store root; {@code name}: the store's own name for it (a temporary file's path, an S3
 * multipart upload id), shown to the user and handed back to remove it; {@code size}: bytes stored so far;
 * {@code lastWrite}: when it was last written to, which tells an abandoned upload from one in progress.
 */
public record UnfinishedUpload(String key, String name, long size, Instant lastWrite) {
    /**
     * The key a temporary file beside it is written for: {@code tempKey}'s folder and the first group of
     * {@code tempName} matched against its file name; empty when the name does not match (not such a file).
     */
    public static Optional<String> keyOfTemporary(String tempKey, Pattern tempName) {
        int slash = tempKey.lastIndexOf('/') + 1;
        Matcher m = tempName.matcher(tempKey.substring(slash));
        return m.matches() ? Optional.of(tempKey.substring(0, slash) + m.group(1)) : Optional.empty();
    }
}
