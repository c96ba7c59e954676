package io.dbbackup.codec.age;

import io.dbbackup.core.CancelSignal;
import org.bouncycastle.crypto.generators.SCrypt;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The project's scrypt (RFC 7914, r = 8, p = 1): BouncyCastle's result, and it stops when its operation is cancelled. */
class ScryptTest {
    @Test
    void matchesRfc7914AndBouncyCastle() {
        // RFC 7914 section 12, "pleaseletmein" / "SodiumChloride", N = 16384, r = 8, p = 1 (first 32 bytes of the 64)
        byte[] key = Scrypt.scrypt("pleaseletmein".getBytes(StandardCharsets.US_ASCII),
                "SodiumChloride".getBytes(StandardCharsets.US_ASCII), 14, CancelSignal.NONE);
        assertThat(HexFormat.of().formatHex(key)).isEqualTo("7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2");
        Random random = new Random(7);
        for (int wf = 1; wf <= 12; wf++) {
            byte[] pass = new byte[wf == 1 ? 0 : random.nextInt(40)];
            byte[] salt = new byte[44];
            random.nextBytes(pass);
            random.nextBytes(salt);
            assertThat(Scrypt.scrypt(pass, salt, wf, CancelSignal.NONE)).as("work factor " + wf)
                    .isEqualTo(SCrypt.generate(pass, salt, 1 << wf, 8, 1, 32));
        }
    }

    /** F9: `timeout: 1s` with work factor 20 failed only after 17.9 s, a SIGTERM came through ~10 s late. */
    @Test
    void aCancelledOperationStopsScryptAtOnce() throws Exception {
        Token token = new Token();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try (CancelSignal.Scope ignored = CancelSignal.enter(token)) {
            long[] cancelledAt = new long[1];
            timer.schedule(() -> {
                cancelledAt[0] = System.nanoTime();
                token.cancel("timeout");
            }, 300, TimeUnit.MILLISECONDS);
            // work factor 18: 256 MiB and, on a busy 2-core machine, several seconds
            assertThatThrownBy(() -> Scrypt.wrapKey("pw".getBytes(StandardCharsets.UTF_8), new byte[16], 18, "test", true))
                    .isInstanceOf(Scrypt.Cancelled.class).hasMessageContaining("timeout");
            long ms = (System.nanoTime() - cancelledAt[0]) / 1_000_000;
            assertThat(ms).as("stopped %d ms after the cancellation", ms).isLessThan(2000);
        } finally {
            timer.shutdownNow();
        }
        // and the lock is free again: the next one runs
        assertThat(Scrypt.wrapKey("pw".getBytes(StandardCharsets.UTF_8), new byte[16], 10, "test", true)).hasSize(32);
    }

    /**
     * Every intermediate derived from the passphrase (B, X, V, the block mix's temporaries) is zeroed after use, when
     * scrypt finished and when it was cancelled half-way: B and X were left as they were on a cancellation, and the
     * block mix's temporaries always.
     */
    @Test
    void itsIntermediatesAreZeroedWhetherItFinishesOrIsCancelled() {
        byte[] pass = "correct horse".getBytes(StandardCharsets.US_ASCII);
        byte[] salt = new byte[44];
        Scrypt.Work done = new Scrypt.Work();
        byte[] key = Scrypt.scrypt(pass, salt, 10, CancelSignal.NONE, done);
        assertThat(key).isEqualTo(SCrypt.generate(pass, salt, 1 << 10, 8, 1, 32));
        assertThat(done.b).isNotNull();
        assertThat(done.v).isNotEmpty();
        assertThat(done.wiped()).as("the finished scrypt's work zeroed").isTrue();

        Token token = new Token();
        Scrypt.Work cancelled = new Scrypt.Work();
        assertThatThrownBy(() -> Scrypt.scrypt(pass, salt, 14, new CancelSignal.Token() { // cancelled half-way through the first loop
                    private int looks;

                    @Override
                    public boolean isCancelled() {
                        if (++looks == 20) {
                            token.cancel("timeout");
                        }
                        return token.isCancelled();
                    }

                    @Override
                    public String reason() {
                        return token.reason();
                    }

                    @Override
                    public CancelSignal.Registration onCancel(Runnable hook) {
                        return token.onCancel(hook);
                    }
                }, cancelled)).isInstanceOf(Scrypt.Cancelled.class);
        assertThat(cancelled.b).isNotNull();
        assertThat(cancelled.v).isNotEmpty();
        assertThat(cancelled.wiped()).as("the cancelled scrypt's work zeroed").isTrue();
    }

    private static final class Token implements CancelSignal.Token {
        private final List<Runnable> hooks = new ArrayList<>();
        private volatile String reason;

        synchronized void cancel(String why) {
            reason = why;
            hooks.forEach(Runnable::run);
        }

        @Override
        public boolean isCancelled() {
            return reason != null;
        }

        @Override
        public String reason() {
            return reason;
        }

        @Override
        public synchronized CancelSignal.Registration onCancel(Runnable hook) {
            hooks.add(hook);
            return CancelSignal.Registration.NONE;
        }
    }
}
