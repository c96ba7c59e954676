package io.dbbackup.cli;

import io.dbbackup.testkit.DbbackupJar;
import io.dbbackup.testkit.SmtpServer;
import io.dbbackup.testkit.SqliteFixture;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * F15: passphrase encryption needs 128·r·N bytes of heap for scrypt (256 MiB at the default work factor 18). In a JVM
 * whose heap cannot hold it (a 1 GiB pod at work factor 19, a 512 MiB one at 18) the backup died of an OutOfMemoryError
 * with exit 3 ("corrupt archive"), no notification and a temp file in the store; opening such a backup there was
 * "corrupt" too. Now: a user error (exit 1) naming the work factor, the memory and how to give the JVM more, before
 * anything is written, and notified; {@code config validate} warns. The real jar in a JVM with {@code -Xmx128m}.
 */
class ScryptMemoryIT {
    private static final List<String> SMALL_HEAP = List.of("-XX:+UseSerialGC", "-Xmx128m");

    @TempDir
    Path dir;
    SmtpServer smtp;

    @BeforeEach
    void setUp() throws Exception {
        smtp = SmtpServer.plain();
        SqliteFixture.create(dir.resolve("app.db"), 200);
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db, compression: zstd}
                stores:
                  local: {type: local, path: store}
                notifications:
                %s
                jobs:
                  app:
                    datasource: app
                    store: local
                    encryption: {passphrase_env: BK_PASSPHRASE}
                    notify: [{notifier: mail, on: failure}]
                """.formatted(SmtpServer.notifierYaml("mail", smtp.port())));
    }

    @AfterEach
    void tearDown() {
        smtp.close();
    }

    /**
     * The launcher's collector (serial, large arrays born in the old generation, two thirds of the heap): at -Xmx330m the
     * heap looks big enough for work factor 18's 256 MiB, the old generation is not. The check passed and scrypt died of
     * an OutOfMemoryError mid-backup (exit 2); it now counts the old generation and refuses before writing (exit 1).
     */
    @Test
    void theCheckCountsTheOldGenerationWhereTheLaunchersCollectorPutsTheArray() throws Exception {
        DbbackupJar.Run run = DbbackupJar.run(dir, List.of("-XX:+UseSerialGC", "-XX:PretenureSizeThreshold=256k", "-Xmx330m"),
                n -> false, Map.of("BK_PASSPHRASE", "correct horse"), "backup", "app");
        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.err() + run.out()).contains("needs 256 MiB of memory for scrypt").doesNotContain("OutOfMemoryError");
        assertThat(files(dir.resolve("store"))).as("nothing in the store, no temp file").isEmpty();
    }

    @Test
    void aPassphraseBackupThatNeedsMoreHeapThanTheJvmHasFailsAsAUserErrorBeforeWritingAndIsNotified() throws Exception {
        DbbackupJar.Run run = DbbackupJar.run(dir, SMALL_HEAP, n -> false, Map.of("BK_PASSPHRASE", "correct horse"),
                "backup", "app");
        System.out.println(run);
        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.err() + run.out()).contains("scrypt_work_factor 18", "needs 256 MiB of memory for scrypt",
                "JAVA_OPTS=-Xmx768m", "container's memory limit").doesNotContain("OutOfMemoryError");
        assertThat(files(dir.resolve("store"))).as("nothing in the store, no temp file").isEmpty();
        MimeMessage[] mails = smtp.await(1, Duration.ofSeconds(10));
        assertThat(mails).as("the failure is mailed").hasSize(1);
        assertThat(mails[0].getSubject()).startsWith("[dbbackup] FAILED: backup job app");
        assertThat(String.valueOf(mails[0].getContent())).contains("needs 256 MiB of memory for scrypt");
    }

    @Test
    void openingAPassphraseBackupThatNeedsMoreHeapThanTheJvmHasIsAUserErrorNotCorruption() throws Exception {
        DbbackupJar.Run made = DbbackupJar.run(dir, List.of("-XX:+UseSerialGC", "-Xmx1g"), n -> false,
                Map.of("BK_PASSPHRASE", "correct horse"), "backup", "app");
        assertThat(made.exit()).as(made.toString()).isZero();

        DbbackupJar.Run verify = DbbackupJar.run(dir, SMALL_HEAP, n -> false, Map.of("BK_PASSPHRASE", "correct horse"),
                "verify", "app");
        System.out.println(verify);
        assertThat(verify.exit()).as("not 3: the backup is not corrupt\n" + verify).isEqualTo(1);
        assertThat(verify.err() + verify.out()).contains("scrypt work factor 18", "needs 256 MiB of memory for scrypt",
                "JAVA_OPTS=-Xmx768m").doesNotContain("corrupt").doesNotContain("OutOfMemoryError");
        assertThat(files(dir.resolve("store"))).as("the backup is still there").hasSize(3);
    }

    @Test
    void configValidateWarnsWhenTheWorkFactorNeedsMoreThanTheMaxHeap() throws Exception {
        DbbackupJar.Run run = DbbackupJar.run(dir, SMALL_HEAP, n -> false, Map.of("BK_PASSPHRASE", "correct horse"),
                "config", "validate");
        System.out.println(run);
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.err() + run.out()).contains("warning", "scrypt_work_factor 18 (the default) needs 256 MiB of memory",
                "max heap");
    }

    private static List<Path> files(Path root) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }
}
