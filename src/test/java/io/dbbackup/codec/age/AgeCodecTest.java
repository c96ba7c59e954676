package io.dbbackup.codec.age;

import com.exceptionfactory.jagged.FileKey;
import com.exceptionfactory.jagged.RecipientStanza;
import io.dbbackup.codec.IntegrityException;
import io.dbbackup.codec.WrongKeyException;
import io.dbbackup.core.Redactor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgeCodecTest {
    private static final int CHUNK = 64 * 1024;
    /** "YELLOW SUBMARINE", the file key of the age test kit (C2SP/CCTV, FiloSottile/age testdata/testkit). */
    private static final byte[] KIT_FILE_KEY = HexFormat.of().parseHex("59454c4c4f57205355424d4152494e45");

    static byte[] data(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    static byte[] encrypt(AgeEncryptor e, byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream os = e.encrypt(out)) {
            // uneven writes, as a compressor would make them
            int off = 0;
            int step = 1;
            while (off < plain.length) {
                int n = Math.min(step, plain.length - off);
                os.write(plain, off, n);
                off += n;
                step = step * 3 + 1;
            }
        }
        return out.toByteArray();
    }

    static byte[] decrypt(AgeDecryptor d, byte[] cipher) throws IOException {
        try (InputStream in = d.decrypt(new ByteArrayInputStream(cipher))) {
            return in.readAllBytes();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 100, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 3 * CHUNK + 5})
    void recipientRoundTripAtChunkEdges(int size) throws IOException {
        AgeKeys.GeneratedKey k = AgeKeys.generate();
        byte[] plain = data(size);
        byte[] cipher = encrypt(AgeEncryptor.toRecipients(List.of(k.recipient())), plain);
        assertThat(new String(cipher, 0, 22, StandardCharsets.US_ASCII)).isEqualTo("age-encryption.org/v1\n");
        assertThat(decrypt(AgeDecryptor.of(List.of(k.identity()), null), cipher)).isEqualTo(plain);
        // single-byte reads see the same bytes
        try (InputStream in = AgeDecryptor.of(List.of(k.identity()), null).decrypt(new ByteArrayInputStream(cipher))) {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            for (int b; (b = in.read()) >= 0; ) {
                got.write(b);
            }
            assertThat(got.toByteArray()).isEqualTo(plain);
        }
    }

    @Test
    void everyRecipientCanDecryptAndOthersCannot() throws IOException {
        AgeKeys.GeneratedKey a = AgeKeys.generate();
        AgeKeys.GeneratedKey b = AgeKeys.generate();
        AgeKeys.GeneratedKey stranger = AgeKeys.generate();
        AgeEncryptor enc = AgeEncryptor.toRecipients(List.of(a.recipient(), b.recipient()));
        assertThat(enc.describe()).isEqualTo("age (2 recipients)");
        assertThat(AgeEncryptor.toRecipients(List.of(a.recipient())).describe()).isEqualTo("age (1 recipient)");
        byte[] plain = data(200_000);
        byte[] cipher = encrypt(enc, plain);
        assertThat(decrypt(AgeDecryptor.of(List.of(a.identity()), null), cipher)).isEqualTo(plain);
        assertThat(decrypt(AgeDecryptor.of(List.of(b.identity()), null), cipher)).isEqualTo(plain);
        assertThat(decrypt(AgeDecryptor.of(List.of(stranger.identity(), b.identity()), null), cipher)).isEqualTo(plain);
        // a key problem, not damage: named by its public key, never the secret one
        assertThatThrownBy(() -> decrypt(AgeDecryptor.of(List.of(stranger.identity()), null), cipher))
                .isInstanceOf(WrongKeyException.class)
                .hasMessage("not encrypted to any key given (tried identity " + stranger.recipient() + ")")
                .hasMessageNotContaining(stranger.identity());
    }

    @Test
    void passphraseRoundTripAndWrongPassphrase() throws IOException {
        AgeEncryptor enc = AgeEncryptor.withPassphrase("correct horse battery staple", 10);
        assertThat(enc.describe()).isEqualTo("age (passphrase)");
        byte[] plain = data(150_000);
        byte[] cipher = encrypt(enc, plain);
        String header = new String(cipher, 0, 120, StandardCharsets.US_ASCII);
        assertThat(header).containsPattern("\n-> scrypt [A-Za-z0-9+/]{22} 10\n");
        assertThat(decrypt(AgeDecryptor.of(List.of(), "correct horse battery staple"), cipher)).isEqualTo(plain);
        assertThatThrownBy(() -> decrypt(AgeDecryptor.of(List.of(), "Tr0ub4dor&3"), cipher))
                .isInstanceOf(WrongKeyException.class).hasMessageContaining("tried the passphrase")
                .hasMessageNotContaining("Tr0ub4dor&3");
        // an identity alone does not open a passphrase file; identity + passphrase does
        AgeKeys.GeneratedKey k = AgeKeys.generate();
        assertThatThrownBy(() -> decrypt(AgeDecryptor.of(List.of(k.identity()), null), cipher))
                .isInstanceOf(WrongKeyException.class);
        assertThat(decrypt(AgeDecryptor.of(List.of(k.identity()), "correct horse battery staple"), cipher)).isEqualTo(plain);
    }

    @Test
    void passphraseDoesNotOpenARecipientFile() throws IOException {
        AgeKeys.GeneratedKey k = AgeKeys.generate();
        byte[] cipher = encrypt(AgeEncryptor.toRecipients(List.of(k.recipient())), data(10));
        assertThatThrownBy(() -> decrypt(AgeDecryptor.of(List.of(), "secret words"), cipher))
                .isInstanceOf(WrongKeyException.class).hasMessageContaining("tried the passphrase");
    }

    // --- the scrypt stanza against the age test kit (testdata/testkit/scrypt_and_x25519, scrypt_double)

    private static RecipientStanza stanza(String... line) {
        return new Stanza(line[0], List.of(Arrays.copyOfRange(line, 1, line.length - 1)),
                Base64.getDecoder().decode(line[line.length - 1]));
    }

    @Test
    void scryptStanzaUnwrapsTheTestKitVectors() throws GeneralSecurityException {
        FileKey a = new ScryptRecipientStanzaReader("password".getBytes(StandardCharsets.UTF_8)).getFileKey(List.of(
                stanza("scrypt", "3d9y0G+8q1ffPQ0xJJatIQ", "10", "foZolxuhRSL7IG7oaR+456IzkHtvue7j4mUjh3DB6EI")));
        assertThat(a.getEncoded()).isEqualTo(KIT_FILE_KEY);
        FileKey b = new ScryptRecipientStanzaReader("password".getBytes(StandardCharsets.UTF_8)).getFileKey(List.of(
                stanza("scrypt", "rF0/NwblUHHTpgQgRpe5CQ", "10", "gUjEymFKMVXQEKdMMHL24oYexjE3TIC0O0zGSqJ2aUY")));
        assertThat(b.getEncoded()).isEqualTo(KIT_FILE_KEY);
    }

    @Test
    void scryptStanzaWriterReproducesTheTestKitVector() throws GeneralSecurityException {
        RecipientStanza s = new ScryptRecipientStanzaWriter("password".getBytes(StandardCharsets.UTF_8), 10)
                .stanza(new FileKey(KIT_FILE_KEY), Base64.getDecoder().decode("3d9y0G+8q1ffPQ0xJJatIQ"));
        assertThat(s.getType()).isEqualTo("scrypt");
        assertThat(s.getArguments()).containsExactly("3d9y0G+8q1ffPQ0xJJatIQ", "10");
        assertThat(Base64.getEncoder().withoutPadding().encodeToString(s.getBody()))
                .isEqualTo("foZolxuhRSL7IG7oaR+456IzkHtvue7j4mUjh3DB6EI");
    }

    @Test
    void scryptStanzaRulesOfTheSpec() {
        ScryptRecipientStanzaReader reader = new ScryptRecipientStanzaReader("password".getBytes(StandardCharsets.UTF_8));
        String body = "foZolxuhRSL7IG7oaR+456IzkHtvue7j4mUjh3DB6EI";
        // scrypt_double / scrypt_and_x25519: an scrypt stanza must be alone
        assertThatThrownBy(() -> reader.getFileKey(List.of(
                stanza("scrypt", "rF0/NwblUHHTpgQgRpe5CQ", "10", "gUjEymFKMVXQEKdMMHL24oYexjE3TIC0O0zGSqJ2aUY"),
                stanza("scrypt", "GzXG5ofdANo6w3msn3QsIQ", "10", "OveITuwxakv7k2oLnioNYF4Bhgz9KZ36pb098wDoAv8"))))
                .hasMessageContaining("only stanza");
        assertThatThrownBy(() -> reader.getFileKey(List.of(
                stanza("X25519", "ajtqAvDEkVNr2B7zUOtq2mAQXDSBlNrVAuM/dKb5sT4", "U+hKlJ4isweJ9PKG7pgscmG3cPASLgTw7SOBpbZ8x2U"),
                stanza("scrypt", "3d9y0G+8q1ffPQ0xJJatIQ", "10", body))))
                .hasMessageContaining("only stanza");
        // scrypt_work_factor_23: refused before spending minutes and gigabytes
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> reader.getFileKey(List.of(
                stanza("scrypt", "rF0/NwblUHHTpgQgRpe5CQ", "23", "qW9eVsT0NVb/Vswtw8kPIxUnaYmm9Px1dYmq2+4+qZA"))))
                .hasMessageContaining("above the limit");
        assertThat(System.nanoTime() - t0).isLessThan(1_000_000_000L);
        for (String wf : List.of("010", "0xa", "+10", "-10", "0", "1a", "", "99999999999999999999")) {
            assertThatThrownBy(() -> reader.getFileKey(List.of(stanza("scrypt", "3d9y0G+8q1ffPQ0xJJatIQ", wf, body))))
                    .as("work factor '%s'", wf).hasMessageContaining("work factor");
        }
        // salts: not canonical (non-zero trailing bits), short, long, padded, missing
        for (String salt : List.of("3d9y0G+8q1ffPQ0xJJatIR", "3d9y0G+8q1ffPQ0xJJat", "3d9y0G+8q1ffPQ0xJJatIQAA", "3d9y0G+8q1ffPQ0xJJatIQ==")) {
            assertThatThrownBy(() -> reader.getFileKey(List.of(stanza("scrypt", salt, "10", body))))
                    .as("salt '%s'", salt).hasMessageContaining("salt");
        }
        assertThatThrownBy(() -> reader.getFileKey(List.of(stanza("scrypt", "10", body)))).hasMessageContaining("expected a salt");
        assertThatThrownBy(() -> reader.getFileKey(List.of(stanza("scrypt", "3d9y0G+8q1ffPQ0xJJatIQ", "10", "extra", body))))
                .hasMessageContaining("expected a salt");
        // scrypt_long_file_key: the body must be 32 bytes
        assertThatThrownBy(() -> reader.getFileKey(List.of(stanza("scrypt", "3d9y0G+8q1ffPQ0xJJatIQ", "10",
                Base64.getEncoder().withoutPadding().encodeToString(new byte[48])))))
                .hasMessageContaining("body");
        // scrypt_bad_tag: a flipped bit in the body
        byte[] bad = Base64.getDecoder().decode(body);
        bad[31] ^= 1;
        assertThatThrownBy(() -> reader.getFileKey(List.of(new Stanza("scrypt", List.of("3d9y0G+8q1ffPQ0xJJatIQ", "10"), bad))))
                .hasMessageContaining("wrong passphrase");
    }

    @Test
    void scryptAndX25519InOneFileIsRefusedByTheX25519ReaderToo() throws IOException {
        AgeKeys.GeneratedKey k = AgeKeys.generate();
        byte[] cipher = encrypt(AgeEncryptor.toRecipients(List.of(k.recipient())), data(10));
        String text = new String(cipher, StandardCharsets.ISO_8859_1);
        String forged = text.replaceFirst("\n---", "\n-> scrypt 3d9y0G+8q1ffPQ0xJJatIQ 10\nfoZolxuhRSL7IG7oaR+456IzkHtvue7j4mUjh3DB6EI\n---");
        assertThatThrownBy(() -> decrypt(AgeDecryptor.of(List.of(k.identity()), null), forged.getBytes(StandardCharsets.ISO_8859_1)))
                .isInstanceOf(IntegrityException.class).hasMessageContaining("only stanza");
    }

    // --- tampering

    private static int headerLength(byte[] cipher) {
        String s = new String(cipher, StandardCharsets.ISO_8859_1);
        int mac = s.indexOf("\n--- ");
        return s.indexOf('\n', mac + 1) + 1;
    }

    @Test
    void everyFlippedByteIsCaught() throws IOException {
        AgeKeys.GeneratedKey k = AgeKeys.generate();
        byte[] plain = data(2 * CHUNK + 1000);
        byte[] cipher = encrypt(AgeEncryptor.toRecipients(List.of(k.recipient())), plain);
        AgeDecryptor d = AgeDecryptor.of(List.of(k.identity()), null);
        int header = headerLength(cipher);
        Random r = new Random(7);
        // positions: version line, stanza argument, stanza body, MAC, nonce, first chunk, middle chunk, last tag
        int[] positions = {3, 30, 70, header - 10, header + 3, header + 16 + 100, header + 16 + CHUNK + 16 + 5, cipher.length - 1};
        for (int pos : positions) {
            byte[] t = cipher.clone();
            t[pos] ^= (byte) (1 + r.nextInt(255));
            // a flipped stanza is what a wrong key looks like to age (WrongKeyException): ArtifactReader tells them
            // apart by the recipients the manifest records
            assertThatThrownBy(() -> decrypt(d, t)).as("flip at %d of %d (header %d)", pos, cipher.length, header)
                    .isInstanceOfAny(IntegrityException.class, WrongKeyException.class);
        }
    }

    @Test
    void truncationAndTrailingBytesAreCaught() throws IOException {
        AgeKeys.GeneratedKey k = AgeKeys.generate();
        byte[] plain = data(2 * CHUNK + 1000);
        byte[] cipher = encrypt(AgeEncryptor.toRecipients(List.of(k.recipient())), plain);
        AgeDecryptor d = AgeDecryptor.of(List.of(k.identity()), null);
        int header = headerLength(cipher);
        int[] cuts = {cipher.length - 1, header + 16 + 2 * (CHUNK + 16), header + 16 + CHUNK + 16, header + 16, header, 10, 0};
        for (int cut : cuts) {
            byte[] t = Arrays.copyOf(cipher, cut);
            assertThatThrownBy(() -> decrypt(d, t)).as("cut at %d of %d", cut, cipher.length).isInstanceOf(IntegrityException.class);
        }
        byte[] longer = Arrays.copyOf(cipher, cipher.length + 1);
        assertThatThrownBy(() -> decrypt(d, longer)).as("one trailing byte").isInstanceOf(IntegrityException.class);
    }

    @Test
    void notAnAgeFileIsAnIntegrityError() {
        AgeKeys.GeneratedKey k = AgeKeys.generate();
        AgeDecryptor d = AgeDecryptor.of(List.of(k.identity()), null);
        assertThatThrownBy(() -> decrypt(d, "-- this is plain SQL --\n".repeat(10).getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IntegrityException.class);
        assertThatThrownBy(() -> decrypt(d, data(100_000))).isInstanceOf(IntegrityException.class);
    }

    // --- the encryption thread

    @Test
    @Timeout(30)
    void aFailingStageBelowReachesTheWriterWithoutHanging() throws IOException {
        OutputStream diskFull = new OutputStream() {
            private long written;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                written += len;
                if (written > 3_000_000) {
                    throw new IOException("No space left on device");
                }
            }
        };
        AgeEncryptor enc = AgeEncryptor.toRecipients(List.of(AgeKeys.generate().recipient()));
        OutputStream os = enc.encrypt(diskFull);
        assertThatThrownBy(() -> {
            byte[] mib = new byte[1 << 20];
            for (int i = 0; i < 200; i++) {
                os.write(mib);
            }
        }).isInstanceOf(IOException.class).hasMessage("No space left on device");
        assertThatThrownBy(os::close).hasMessage("No space left on device");
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("age-encrypt") && t.isAlive());
    }

    @Test
    void closeWaitsUntilTheCiphertextIsComplete() throws IOException {
        AgeKeys.GeneratedKey k = AgeKeys.generate();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean[] closed = {false};
        OutputStream target = new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                closed[0] = true;
                super.close();
            }
        };
        byte[] plain = data(5_000_000);
        try (OutputStream os = AgeEncryptor.toRecipients(List.of(k.recipient())).encrypt(target)) {
            os.write(plain);
            os.flush();
        }
        assertThat(closed[0]).isTrue();
        assertThat(decrypt(AgeDecryptor.of(List.of(k.identity()), null), out.toByteArray())).isEqualTo(plain);
    }

    // --- keys as text

    @Test
    void recipientsFilesAndTheirErrors() {
        AgeKeys.GeneratedKey a = AgeKeys.generate();
        AgeKeys.GeneratedKey b = AgeKeys.generate();
        String file = "# backup keys\n\n" + a.recipient() + "\n  " + b.recipient() + "  \n# end\n";
        assertThat(AgeKeys.parseRecipients(file)).containsExactly(a.recipient(), b.recipient());
        assertThatThrownBy(() -> AgeKeys.parseRecipients("# x\n" + a.recipient() + "\nage1notakey\n"))
                .isInstanceOf(AgeKeys.KeyFormatException.class).hasMessageStartingWith("line 3: 'age1notakey' is not an age X25519 recipient")
                .satisfies(e -> assertThat(((AgeKeys.KeyFormatException) e).line()).isEqualTo(3));
        String flipped = a.recipient().substring(0, 20) + (a.recipient().charAt(20) == 'q' ? 'p' : 'q') + a.recipient().substring(21);
        assertThatThrownBy(() -> AgeKeys.checkRecipient(flipped)).hasMessageContaining("is not an age X25519 recipient");
        assertThatThrownBy(() -> AgeKeys.checkRecipient("ssh-ed25519 AAAAC3Nza... me@host")).hasMessageContaining("SSH recipients");
        assertThatThrownBy(() -> AgeKeys.checkRecipient(a.identity()))
                .hasMessageContaining("secret key").hasMessageNotContaining(a.identity());
        assertThat(Redactor.redact("x " + a.identity())).isEqualTo("x ***");
    }

    /**
     * A usable recipient is remembered, its X25519 check (a pure function of the text) done once: every config load and
     * every encryptor did it again. A refused one never is: checked again, each says what it said the first time, at the
     * line of the text it is in then.
     */
    @Test
    void aRecipientCheckedAgainHasTheSameOutcomeAndOnlyAUsableOneIsRemembered() {
        String zero = "age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq5cu47z"; // well-formed, a low-order point
        AgeKeys.GeneratedKey a = AgeKeys.generate();
        AgeKeys.GeneratedKey b = AgeKeys.generate();
        String notUsable = "'" + zero + "' is not a usable age X25519 recipient (";
        String unusable = "): no secret key can decrypt what is encrypted to it";
        for (int r = 0; r < 2; r++) {
            int round = r;
            assertThat(AgeKeys.checkRecipient(" " + a.recipient() + "\t")).isEqualTo(a.recipient());
            assertThat(AgeKeys.remembered(a.recipient())).isTrue();
            assertThat(AgeKeys.parseRecipients("# keys\n" + a.recipient() + "\n" + b.recipient() + "\n"))
                    .containsExactly(a.recipient(), b.recipient());

            assertThatThrownBy(() -> AgeKeys.checkRecipient(zero)).isInstanceOf(AgeKeys.KeyFormatException.class)
                    .hasMessageStartingWith(notUsable).hasMessageEndingWith(unusable);
            assertThat(AgeKeys.remembered(zero)).isFalse();
            int line = 2 + round * 3; // another line each round: the message is made for it, not remembered
            assertThatThrownBy(() -> AgeKeys.parseRecipients(a.recipient() + "\n" + "#\n".repeat(line - 2) + zero + "\n"))
                    .hasMessageStartingWith("line " + line + ": " + notUsable).hasMessageEndingWith(unusable)
                    .satisfies(e -> assertThat(((AgeKeys.KeyFormatException) e).line()).isEqualTo(line));

            assertThatThrownBy(() -> AgeKeys.parseRecipients("#\n".repeat(round) + "ssh-ed25519 AAAAC3Nza... me@host"))
                    .hasMessage("line " + (round + 1) + ": SSH recipients are not supported; use an age X25519 recipient (age1...)");
            assertThatThrownBy(() -> AgeKeys.parseRecipients(a.recipient() + "\n" + "#\n".repeat(round) + a.identity()))
                    .hasMessage("line " + (round + 2) + ": this is a secret key (AGE-SECRET-KEY-1...), not a recipient: give its "
                            + "public key (age1...) and keep the secret key off this machine");
            assertThatThrownBy(() -> AgeKeys.checkRecipient(a.recipient() + ", " + b.recipient()))
                    .hasMessage("holds 2 recipients in one value: give each its own list item (recipients: [age1..., age1...]) "
                            + "or its own line in recipients_file");
            assertThat(AgeKeys.remembered(a.recipient() + ", " + b.recipient())).isFalse();
        }
    }

    /**
     * What is remembered is bounded, and never full for good: past the bound the recipients checked since are remembered
     * (a long-running process whose config changed its keys many times still skips the check for today's).
     */
    @Test
    void theRememberedRecipientsAreBoundedAndTheLatestRemembered() {
        String last = null;
        for (int i = 0; i < AgeKeys.REMEMBERED_MAX + 5; i++) {
            last = AgeKeys.generate().recipient();
            assertThat(AgeKeys.checkRecipient(last)).isEqualTo(last);
            assertThat(AgeKeys.rememberedCount()).isBetween(1, AgeKeys.REMEMBERED_MAX);
        }
        assertThat(AgeKeys.remembered(last)).isTrue();
    }

    @Test
    void identityFilesAndTheirErrorsNeverEchoKeyMaterial() {
        AgeKeys.GeneratedKey a = AgeKeys.generate();
        AgeKeys.GeneratedKey b = AgeKeys.generate();
        String file = "# created: 2026-11-23T10:00:00Z\n# public key: " + a.recipient() + "\n" + a.identity() + "\n\n" + b.identity() + "\n";
        assertThat(AgeKeys.parseIdentities(file)).containsExactly(a.identity(), b.identity());
        String broken = a.identity().substring(0, a.identity().length() - 1) + (a.identity().endsWith("Q") ? "P" : "Q");
        assertThatThrownBy(() -> AgeKeys.parseIdentities("# k\n" + broken + "\n"))
                .hasMessage("line 2 is not an age X25519 identity (AGE-SECRET-KEY-1...)");
        assertThat(Redactor.redact("leak " + broken)).isEqualTo("leak ***");
        assertThatThrownBy(() -> AgeKeys.parseIdentities(a.recipient())).hasMessageContaining("is a recipient");
        assertThatThrownBy(() -> AgeKeys.parseIdentities("# only comments\n")).hasMessageContaining("holds no identity");
    }

    /**
     * A key file saved by a Windows editor as "UTF-8 with BOM" (Notepad) begins with U+FEFF, invisible: its first line was
     * "not an age X25519 identity" / "not an age X25519 recipient" though it reads as one. The mark is skipped.
     */
    @Test
    void aByteOrderMarkBeforeTheFirstLineIsSkipped() {
        AgeKeys.GeneratedKey a = AgeKeys.generate();
        assertThat(AgeKeys.parseIdentities("\uFEFF" + a.identity() + "\r\n")).containsExactly(a.identity());
        assertThat(AgeKeys.parseIdentities("\uFEFF# created: 2026-11-23T10:00:00Z\r\n" + a.identity() + "\r\n")).containsExactly(a.identity());
        assertThat(AgeKeys.parseRecipients("\uFEFF" + a.recipient() + "\r\n")).containsExactly(a.recipient());
        assertThat(AgeKeys.identityText(("\uFEFF" + a.identity() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8), "key.txt"))
                .satisfies(text -> assertThat(AgeKeys.parseIdentities(text)).containsExactly(a.identity()));
    }

    @Test
    void recipientOfAnIdentityIsItsPublicKey() {
        for (int i = 0; i < 5; i++) {
            AgeKeys.GeneratedKey k = AgeKeys.generate();
            assertThat(k.identity()).startsWith("AGE-SECRET-KEY-1").hasSize(74);
            assertThat(k.recipient()).startsWith("age1").hasSize(62);
            assertThat(AgeKeys.recipientOf(k.identity())).isEqualTo(k.recipient());
            assertThat(k.toString()).doesNotContain(k.identity());
        }
    }

    @Test
    void workFactorBounds() {
        assertThatThrownBy(() -> AgeEncryptor.withPassphrase("x", 23)).hasMessageContaining("between 1 and 22");
        assertThatThrownBy(() -> AgeEncryptor.withPassphrase("", 10)).hasMessageContaining("empty");
        assertThatThrownBy(() -> AgeEncryptor.toRecipients(List.of())).hasMessageContaining("at least one");
        assertThatThrownBy(() -> AgeDecryptor.of(List.of(), null)).hasMessageContaining("identity or a passphrase");
    }
}
