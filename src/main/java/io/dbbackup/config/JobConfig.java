package io.dbbackup.config;

import io.dbbackup.core.Compression;
import io.dbbackup.core.RetentionPolicy;
import io.dbbackup.core.RetryPolicy;

import java.time.Duration;
import java.util.List;

/**
 * {@code jobs.<name>}: a datasource backed up to a store under a prefix. Compression is the job's
 * own when set, else the datasource's; so is encryption. {@code timeout} is null when unlimited,
 * {@code encryption} when backups are not encrypted. {@code copyOf}: the job whose backups this one copies, null for a
 * job that dumps its datasource.
 */
public record JobConfig(String name, String datasource, String store, String prefix, Compression compression,
                        int compressionLevel, Verification verify, Duration timeout, RetryPolicy retry,
                        List<NotifyRule> notifyRules, RetentionPolicy retention, EncryptionConfig encryption,
                        List<String> drillChecks, String copyOf) {
    public JobConfig {
        notifyRules = List.copyOf(notifyRules);
        drillChecks = List.copyOf(drillChecks);
    }

    public JobConfig(String name, String datasource, String store, String prefix, Compression compression,
                     int compressionLevel, Verification verify, Duration timeout, RetryPolicy retry,
                     List<NotifyRule> notifyRules, RetentionPolicy retention, EncryptionConfig encryption,
                     List<String> drillChecks) {
        this(name, datasource, store, prefix, compression, compressionLevel, verify, timeout, retry, notifyRules, retention,
                encryption, drillChecks, null);
    }

    /**
     * A copy job ({@code copy_of: SOURCE}) makes no dump: its backup copies the source job's backups it lacks into its
     * own store and folder, byte for byte. Its datasource, compression and encryption are the source job's (they name
     * and decode the copies), so every other command treats it as any job.
     */
    public boolean isCopy() {
        return copyOf != null;
    }

    /** This copy job completed from its source: the source's datasource, compression and encryption. */
    public JobConfig copying(JobConfig source) {
        return new JobConfig(name, source.datasource(), store, prefix, source.compression(), source.compressionLevel(), verify,
                timeout, retry, notifyRules, retention, source.encryption(), drillChecks, source.name());
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
