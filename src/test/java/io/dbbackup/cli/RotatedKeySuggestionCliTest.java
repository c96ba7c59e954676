package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SqliteFixture;
import io.dbbackup.testkit.SteppingClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job's age key was rotated: its older backup is encrypted to key A, its newer to key B, and the newer is damaged. The
 * restore with B's identity names the next older backup, and the command it prints must carry the key THAT backup
 * needs (its manifest's recipient, A), not B's identity again: pasted with B's file it failed with "no identity opens it".
 */
class RotatedKeySuggestionCliTest {
    @TempDir
    Path dir;
    Cli cli;
    String recipientA;
    String recipientB;

    @BeforeEach
    void setUp() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 20);
        cli = new Cli().workingDir(dir).clock(new SteppingClock(Instant.parse("2026-03-01T02:00:00Z"), Duration.ofMinutes(1)));
        recipientA = keygen("a.txt");
        recipientB = keygen("b.txt");
        for (String recipient : new String[]{recipientA, recipientB}) { // the rotation: A's backup, then B's
            Files.writeString(dir.resolve("config.yaml"), """
                    datasources:
                      app: {engine: sqlite, path: app.db}
                      scratch: {engine: sqlite, path: restored.db, database: app}
                    stores:
                      local: {type: local, path: store}
                    jobs:
                      sealed: {datasource: app, store: local, prefix: keyed, encryption: {recipients: [%s]}}
                    """.formatted(recipient));
            Cli.Result b = cli.run("-c", "config.yaml", "backup", "sealed", "--no-progress");
            assertThat(b.exit()).as(b.toString()).isZero();
        }
        try (var files = Files.list(dir.resolve("store/keyed/app"))) {
            Path newest = files.filter(f -> f.getFileName().toString().endsWith(".age")).sorted().reduce((a, c) -> c)
                    .orElseThrow();
            byte[] bytes = Files.readAllBytes(newest);
            bytes[bytes.length / 2] ^= 0x55; // damaged in the middle: its checksum no longer holds
            Files.write(newest, bytes);
        }
    }

    private String keygen(String file) {
        Cli.Result keygen = cli.run("keygen", "-o", file);
        assertThat(keygen.exit()).as(keygen.toString()).isZero();
        return keygen.out().strip().substring("Public key: ".length());
    }

    /** The suggested command of a failure's message, as its words after {@code dbbackup}. */
    private static List<String> suggested(Cli.Result r) {
        Matcher m = Pattern.compile("the next older backup is \\S+ \\(dbbackup ([^)']*)\\)").matcher(r.err());
        assertThat(m.find()).as(r.toString()).isTrue();
        return Arrays.asList(m.group(1).split(" "));
    }

    @Test
    void theOlderBackupsCommandNamesTheKeyOfItsOwnRecipientNotTheOneGiven() {
        Cli.Result r = cli.run("-c", "config.yaml", "restore", "sealed", "--to", "scratch", "--identity", "b.txt",
                "--auto-confirm", "--no-progress");
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        List<String> words = suggested(r);
        assertThat(words).endsWith("--to", "scratch", "--identity", "FILE");
        assertThat(String.join(" ", words)).doesNotContain("b.txt");
        // what FILE is: the identity of the older backup's recipient, A (as show says it)
        assertThat(r.err()).contains("FILE: the age identity file (AGE-SECRET-KEY-1... lines) of its recipient "
                + recipientA.substring(0, 12) + "…" + recipientA.substring(recipientA.length() - 6));

        String[] pasted = words.stream().map(w -> w.equals("FILE") ? "a.txt" : w).toArray(String[]::new);
        Cli.Result restored = cli.run(pasted);
        assertThat(restored.exit()).as(restored.toString()).isZero();
        assertThat(dir.resolve("restored.db")).exists();
    }

    @Test
    void anIdentityGivenThatOpensTheOlderBackupIsRepeatedAloneTheOtherLeftOut() {
        Cli.Result r = cli.run("-c", "config.yaml", "restore", "sealed", "--to", "scratch", "--identity", "b.txt",
                "--identity", "a.txt", "--auto-confirm", "--no-progress");
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        List<String> words = suggested(r);
        assertThat(words).endsWith("--to", "scratch", "--identity", dir.resolve("a.txt").toString());
        assertThat(r.err()).doesNotContain("FILE:");

        Cli.Result restored = cli.run(words.toArray(String[]::new));
        assertThat(restored.exit()).as(restored.toString()).isZero();
    }
}
