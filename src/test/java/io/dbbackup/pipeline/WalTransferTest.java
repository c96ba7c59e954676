package io.dbbackup.pipeline;

import io.dbbackup.codec.Sha256;
import io.dbbackup.core.Compression;
import io.dbbackup.core.Log;
import io.dbbackup.core.WalFileName;
import io.dbbackup.core.WalKey;
import io.dbbackup.spi.Cancellation;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.store.local.LocalStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** wal-push reads a segment twice (hash, then upload): the upload checks the bytes against the digest in the key. */
class WalTransferTest {
    @TempDir
    Path dir;

    private OperationContext ctx() {
        return new OperationContext(new Cancellation(), new Log(new PrintWriter(new StringWriter()), Log.Format.TEXT,
                Log.Level.INFO, Clock.systemUTC()), dir.resolve("scratch"));
    }

    private static byte[] segment(int seed) {
        byte[] b = new byte[1 << 20];
        Arrays.fill(b, (byte) seed);
        b[12345] = 7;
        return b;
    }

    @Test
    void aSegmentThatChangedBetweenHashAndUploadIsNotArchived() throws Exception {
        LocalStore store = new LocalStore(dir.resolve("store"), false);
        byte[] hashed = segment(1);
        WalKey key = new WalKey("pitr/main/wal/", WalFileName.parse("000000010000000000000003").orElseThrow(),
                Sha256.hex(hashed, 0, hashed.length), Compression.ZSTD, false);
        byte[] changed = segment(2);
        assertThatThrownBy(() -> WalTransfer.push(store, key, new ByteArrayInputStream(changed), 3, null, ctx()))
                .hasMessageContaining("changed while it was being archived");
        assertThat(store.list("")).as("nothing archived under the key").isEmpty();

        long stored = WalTransfer.push(store, key, new ByteArrayInputStream(hashed), 3, null, ctx());
        assertThat(store.list("")).singleElement().satisfies(o -> {
            assertThat(o.key()).isEqualTo(key.key());
            assertThat(o.size()).isEqualTo(stored);
        });
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        assertThat(WalTransfer.fetch(store, key, null, back)).isEqualTo(hashed.length);
        assertThat(back.toByteArray()).isEqualTo(hashed);
    }

    private static WalKey key(String folder, byte[] content, boolean encrypted) {
        return new WalKey(folder, WalFileName.parse("000000010000000000000004").orElseThrow(),
                Sha256.hex(content, 0, content.length), Compression.ZSTD, encrypted);
    }

    private static byte[] stored(LocalStore store, WalKey key) throws Exception {
        try (var in = store.open(key.key())) {
            return in.readAllBytes();
        }
    }

    /**
     * A copy job's run copies thousands of WAL files in one operation: each copy's hook (closing its read on a signal) is
     * dropped once that copy ended, not kept, with its stream, until the operation ends.
     */
    @Test
    void aFinishedCopyLeavesNoHookWaitingForTheOperationsCancellation() throws Exception {
        LocalStore from = new LocalStore(dir.resolve("from"), false);
        LocalStore to = new LocalStore(dir.resolve("to"), false);
        byte[] content = segment(4);
        WalKey source = key("pitr/main/wal/", content, false);
        WalTransfer.push(from, source, new ByteArrayInputStream(content), 3, null, ctx());
        OperationContext op = ctx();
        for (int i = 0; i < 3; i++) {
            WalTransfer.copy(from, source, to, key("vault" + i + "/main/wal/", content, false), null, op);
        }
        assertThat(op.cancellation().waitingHooks()).as("hooks of finished copies still registered").isZero();
    }

    /** A copy to a second store: byte for byte, its content checked against the name before the commit. */
    @Test
    void aCopyIsTheStoredBytesCheckedAgainstTheDigestInTheName() throws Exception {
        LocalStore from = new LocalStore(dir.resolve("from"), false);
        LocalStore to = new LocalStore(dir.resolve("to"), false);
        byte[] content = segment(3);
        WalKey source = key("pitr/main/wal/", content, false);
        WalTransfer.push(from, source, new ByteArrayInputStream(content), 3, null, ctx());
        WalKey target = key("vault/main/wal/", content, false);

        WalTransfer.Copied c = WalTransfer.copy(from, source, to, target, null, ctx());

        assertThat(c.checked()).isTrue();
        assertThat(stored(to, target)).isEqualTo(stored(from, source));
        assertThat(c.bytes()).isEqualTo(stored(from, source).length);

        // damaged in the first store: not copied, nothing under the key
        byte[] bad = stored(from, source);
        bad[bad.length / 2] ^= 0x10;
        from.put(source.key(), bad, ctx());
        WalKey elsewhere = key("other/main/wal/", content, false);
        assertThatThrownBy(() -> WalTransfer.copy(from, source, to, elsewhere, null, ctx()))
                .isInstanceOf(io.dbbackup.codec.IntegrityException.class).hasMessageContaining(source.key());
        assertThat(to.list("other/")).isEmpty();
    }

    /**
     * Encrypted WAL: checked where this host's identity opens it; copied unchecked (the same bytes) where none does,
     * or none is at hand — a key missing here must not keep the archive from its second store.
     */
    @Test
    void encryptedWalIsCheckedWithAnIdentityThatOpensItAndCopiedUncheckedOtherwise() throws Exception {
        var owner = io.dbbackup.codec.age.AgeKeys.generate();
        var stranger = io.dbbackup.codec.age.AgeKeys.generate();
        LocalStore from = new LocalStore(dir.resolve("from"), false);
        LocalStore to = new LocalStore(dir.resolve("to"), false);
        byte[] content = segment(4);
        WalKey source = key("pitr/main/wal/", content, true);
        WalTransfer.push(from, source, new ByteArrayInputStream(content), 3,
                io.dbbackup.codec.age.AgeEncryptor.toRecipients(java.util.List.of(owner.recipient())), ctx());

        WalKey a = key("a/main/wal/", content, true);
        WalKey b = key("b/main/wal/", content, true);
        WalKey c = key("c/main/wal/", content, true);
        assertThat(WalTransfer.copy(from, source, to, a,
                io.dbbackup.codec.age.AgeDecryptor.of(java.util.List.of(owner.identity()), null), ctx()).checked()).isTrue();
        assertThat(WalTransfer.copy(from, source, to, b,
                io.dbbackup.codec.age.AgeDecryptor.of(java.util.List.of(stranger.identity()), null), ctx()).checked()).isFalse();
        assertThat(WalTransfer.copy(from, source, to, c, null, ctx()).checked()).isFalse();
        for (WalKey k : java.util.List.of(a, b, c)) {
            assertThat(stored(to, k)).isEqualTo(stored(from, source));
        }
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        WalTransfer.fetch(to, b, io.dbbackup.codec.age.AgeDecryptor.of(java.util.List.of(owner.identity()), null), back);
        assertThat(back.toByteArray()).isEqualTo(content);

        // wal-fetch with a key that opens nothing: a key problem (exit 1) naming the file and the key tried, not damage
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WalTransfer.fetch(to, b,
                        io.dbbackup.codec.age.AgeDecryptor.of(java.util.List.of(stranger.identity()), null), new ByteArrayOutputStream()))
                .isInstanceOf(io.dbbackup.codec.WrongKeyException.class)
                .hasMessage(b.key() + " is not encrypted to any key given: tried identity " + stranger.recipient()
                        + "; whom it was encrypted for is not recorded (its header holds 1 recipient): pass its identity file"
                        + " (AGE-SECRET-KEY-1... lines) with --identity FILE (repeatable)")
                .satisfies(e -> assertThat(Failures.map("cannot fetch", e).status()).isEqualTo(io.dbbackup.core.ExitStatus.USER_ERROR));
    }
}
