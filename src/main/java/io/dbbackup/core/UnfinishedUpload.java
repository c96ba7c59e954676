package io.dbbackup.core;

import java.time.Instant;

/**
 * An upload a store holds that is neither committed nor aborted: one in progress, or one abandoned by a process
 * that died without aborting it (SIGKILL, the out-of-memory killer, a lost node). {@code key}: the key it was
 * writing, relative to the store root; {@code name}: the store's own name for it (a temporary file's path, an S3
 * multipart upload id), shown to the user and handed back to remove it; {@code size}: bytes stored so far;
 * {@code lastWrite}: when it was last written to, which tells an abandoned upload from one in progress.
 */
public record UnfinishedUpload(String key, String name, long size, Instant lastWrite) {
}
