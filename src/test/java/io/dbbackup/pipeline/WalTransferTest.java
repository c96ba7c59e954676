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
}
