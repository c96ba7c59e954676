package io.dbbackup.config;

import io.dbbackup.core.Compression;
import io.dbbackup.core.RetentionPolicy;
import io.dbbackup.core.RetryPolicy;

import java.time.Duration;
import java.util.List;

/**
 * {@code jobs.<name>}: a datasource backed up to a store under a prefix. Compression is the job's
 * own when set, else the datasource's; so is encryption. {@code timeout} is null when unlimited,
 * {@code encryption} when backups are not encrypted.
 */
public record JobConfig(String name, String datasource, String store, String prefix, Compression compression,
                        int compressionLevel, Verification verify, Duration timeout, RetryPolicy retry,
                        List<NotifyRule> notifyRules, RetentionPolicy retention, EncryptionConfig encryption,
                        List<String> drillChecks) {
    public JobConfig {
        notifyRules = List.copyOf(notifyRules);
        drillChecks = List.copyOf(drillChecks);
    }

    public JobConfig(String name, String datasource, String store, String prefix, Compression compression,
                     int compressionLevel, Verification verify, Duration timeout, RetryPolicy retry,
                     List<NotifyRule> notifyRules, RetentionPolicy retention, EncryptionConfig encryption) {
        this(name, datasource, store, prefix, compression, compressionLevel, verify, timeout, retry, notifyRules, retention,
                encryption, List.of());
    }

    public JobConfig(String name, String datasource, String store, String prefix, Compression compression,
                     int compressionLevel, Verification verify, Duration timeout, RetryPolicy retry,
                     List<NotifyRule> notifyRules, RetentionPolicy retention) {
        this(name, datasource, store, prefix, compression, compressionLevel, verify, timeout, retry, notifyRules, retention, null);
    }

    /**
     * {@code verify}: what a backup is checked with after its upload. {@code OFF}: nothing; {@code READ_BACK}
     * ({@code true}): the stored object read back, its SHA-256 and decoding; {@code DEEP} ({@code deep}):
     * that and the dump itself, as {@code verify --deep} checks it.
     */
    public enum Verification { OFF, READ_BACK, DEEP }
}
