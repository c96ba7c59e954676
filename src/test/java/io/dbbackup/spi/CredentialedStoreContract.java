package io.dbbackup.spi;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.Log;
import io.dbbackup.core.StoredObject;
import io.dbbackup.testkit.TestBytes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The contract of stores that log in (S3, SFTP): on top of {@link StoreContract}, bad credentials. */
public abstract class CredentialedStoreContract extends StoreContract {

    /** The same kind of store with wrong credentials. */
    protected abstract Store createStoreWithBadCredentials() throws Exception;

    /** The secrets {@link #createStoreWithBadCredentials()} used: they must appear in no error or log line. */
    protected abstract List<String> badCredentialSecrets();

    /**
     * The store's conditional write alone, without the look that {@link Store#putIfAbsent} makes first: it stands for
     * another run that wrote the key between this run's look and its write.
     */
    protected abstract boolean claimWithoutLooking(String key, byte[] content) throws IOException;

    /**
     * Two runs that name the same key in the same second, the other one's write landing between this one's look and
     * its write: the service itself refuses the second write (S3 and Azure {@code If-None-Match: *}, SFTP's rename
     * that does not replace), and what the first stored stays. The same bytes again (this run's own write sent again
     * after a lost answer) are this run's.
     */
    @Test
    void aWriteTheLookMissedIsStillRefusedByTheService() throws Exception {
        store.put("c/b.dump.sha256", "first".getBytes(StandardCharsets.UTF_8), ctx());
        assertThat(claimWithoutLooking("c/b.dump.sha256", "second".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(read("c/b.dump.sha256")).isEqualTo("first");
        assertThat(claimWithoutLooking("c/b.dump.sha256", "first".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(read("c/b.dump.sha256")).isEqualTo("first");
        assertThat(claimWithoutLooking("c/new.dump.sha256", "third".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(read("c/new.dump.sha256")).isEqualTo("third");
        assertThat(keys("c/")).containsExactly("c/b.dump.sha256", "c/new.dump.sha256");
        assertNoLeftovers(store);
    }

    @Test
    void badCredentialsGiveOneClearLineWithoutTheSecret() throws Exception {
        Store bad = createStoreWithBadCredentials();
        try (bad) {
            Throwable listing = catchThrowable(() -> bad.list(""));
            Throwable writing = catchThrowable(() -> bad.put("k/x.txt", "x".getBytes(StandardCharsets.UTF_8), ctx()));
            Throwable reading = catchThrowable(() -> bad.open("k/x.txt"));
            for (Throwable t : List.of(listing, writing, reading)) {
                assertThat(t).isNotNull();
                assertThat(t).isNotInstanceOf(NoSuchKeyException.class);
                String msg = t.getMessage();
                System.out.println(getClass().getSimpleName() + " bad credentials: " + msg);
                assertThat(msg).doesNotContain("\n").isNotBlank();
                assertThat(t).isInstanceOf(DbBackupException.class);
                assertThat(((DbBackupException) t).retryable()).as("bad credentials are not retried: " + msg).isFalse();
                assertThat(msg).contains(bad.describe().split(" ")[0]);
                StringWriter trace = new StringWriter();
                t.printStackTrace(new PrintWriter(trace));
                for (String secret : badCredentialSecrets()) {
                    assertThat(trace.toString()).doesNotContain(secret);
                    assertThat(logText.toString()).doesNotContain(secret);
                }
                assertThat(msg).doesNotContain("***");
            }
            badCredentialSecrets().forEach(s -> assertThat(bad.describe()).doesNotContain(s));
        }
    }

    /**
     * Two runs back up byte-identical dumps under one key (the job started twice in one second): the first claims and
     * commits its backup between the second's looks and its write; the second's conditional write of the {@code .sha256}
     * is refused, and since the key holds its very bytes it takes the claim for its own (a refusal of its own retried
     * write looks the same); it then fails — at its manifest, at its commit, or with its commit applied and the answer
     * lost. The first run's backup, reported as
     * stored, stays whole. It was deleted, sidecars and all, by the second run's release.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = io.dbbackup.testkit.FaultingStore.Step.class, names = {
            "SIDECAR", "COMMIT", "COMMIT_STORED"})
    void aRunFailingUnderAnotherRunsIdenticalClaimLeavesItsCommittedBackup(io.dbbackup.testkit.FaultingStore.Step step)
            throws Exception {
        io.dbbackup.core.BackupKey key = new io.dbbackup.core.BackupKey("p", "db", java.time.Instant.parse("2026-05-01T00:00:00Z"),
                io.dbbackup.core.DumpFormat.SQL, io.dbbackup.core.Compression.ZSTD, false);
        java.util.concurrent.atomic.AtomicReference<io.dbbackup.pipeline.BackupResult> first =
                new java.util.concurrent.atomic.AtomicReference<>();
        io.dbbackup.testkit.FaultingStore failing = new io.dbbackup.testkit.FaultingStore(new ForwardingStore(store) {
            @Override
            public boolean putIfAbsent(String k, byte[] content, OperationContext c) throws java.io.IOException {
                if (first.get() != null) {
                    return super.putIfAbsent(k, content, c);
                }
                // the first run claims, commits and reports its backup after this run's looks, before its write
                first.set(backUp(store, key, 1));
                return claimWithoutLooking(k, content);
            }
        }, step);
        assertThatThrownBy(() -> backUp(failing, key, 1)).isInstanceOf(io.dbbackup.core.DbBackupException.class)
                .hasMessageContaining("injected fault");
        assertThat(keys("")).containsExactlyInAnyOrder(key.key(), key.sha256Key(), key.manifestKey());
        assertThat(read(key.sha256Key())).startsWith(first.get().sha256() + "  ");
        assertThat(new io.dbbackup.pipeline.ArtifactReader(store).verify(key, null)).isEqualTo(BACKUP_BYTES);
        assertNoLeftovers(store);
    }
}
