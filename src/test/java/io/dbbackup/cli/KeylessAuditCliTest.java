package io.dbbackup.cli;

import io.dbbackup.codec.age.AgeKeys;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SqliteFixture;
import io.dbbackup.testkit.SteppingClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code verify --all-backups} on a host without the key (the daily audit of a recipients job) said the same "no key
 * here to decrypt" warning once per backup, and a passphrase job whose variable is not set here its "cannot be read"
 * warning too: 100 backups, 200 warnings. Now one of each per job, naming how many backups and which, while every
 * backup's stored bytes are still checked (a damaged one still exits 3).
 */
class KeylessAuditCliTest {
    @TempDir
    Path dir;

    private static int count(String text, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void oneKeylessWarningPerJobNamingItsBackupsAndEveryBackupStillChecked() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 5);
        AgeKeys.GeneratedKey key = AgeKeys.generate();
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                  rec: {datasource: app, store: local, prefix: r, encryption: {recipients: [%s]}}
                  pass: {datasource: app, store: local, prefix: p, encryption: {passphrase_env: BPASS, scrypt_work_factor: 10}}
                  one: {datasource: app, store: local, prefix: o, encryption: {recipients: [%s]}}
                """.formatted(key.recipient(), key.recipient()));
        Cli cli = new Cli().workingDir(dir).clock(new SteppingClock(Instant.parse("2026-03-01T02:00:00Z"), Duration.ofMinutes(1)))
                .env("BPASS", "a-long-passphrase-of-the-backup-host");
        for (int i = 0; i < 12; i++) {
            Cli.Result b = cli.run("-c", "config.yaml", "backup", "rec", "--no-progress");
            assertThat(b.exit()).as(b.toString()).isZero();
        }
        for (int i = 0; i < 3; i++) {
            assertThat(cli.run("-c", "config.yaml", "backup", "pass", "--no-progress").exit()).isZero();
        }
        assertThat(cli.run("-c", "config.yaml", "backup", "one", "--no-progress").exit()).isZero();

        Cli audit = new Cli().workingDir(dir).clock(new SteppingClock(Instant.parse("2026-03-01T03:00:00Z"), Duration.ofMinutes(1)));
        Cli.Result r = audit.run("-c", "config.yaml", "verify", "--all", "--all-backups", "--no-progress");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(count(r.out(), "(stored bytes only: no key here to decrypt)")).as(r.toString()).isEqualTo(16);
        assertThat(count(r.err(), "no key here to decrypt")).as(r.err()).isEqualTo(3);
        assertThat(r.err()).contains("no key here to decrypt 12 backups of job rec: their stored bytes match their checksums, "
                        + "but that they decrypt and decompress was not checked (give an identity file of their recipients with --identity FILE "
                        + "for that): r/app/app-")
                .contains(" and 2 more")
                .contains("no key here to decrypt 3 backups of job pass")
                .containsPattern("no key here to decrypt o/app/app-\\d{8}-\\d{6}\\.sqlite\\.gz\\.age: its stored bytes match its checksum");
        assertThat(count(r.err(), "the job's passphrase cannot be read here")).as(r.err()).isEqualTo(1);

        // a damaged backup among them: still found (exit 3), the others still in the one warning
        Path damaged;
        try (Stream<Path> s = Files.list(dir.resolve("store/r/app"))) {
            damaged = s.filter(p -> p.toString().endsWith(".age")).sorted().findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(damaged);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(damaged, bytes);
        Cli.Result rot = audit.run("-c", "config.yaml", "verify", "rec", "--all-backups", "--no-progress");
        assertThat(rot.exit()).as(rot.toString()).isEqualTo(3);
        assertThat(rot.out()).contains("FAILED r/app/" + damaged.getFileName()).contains("11 of 12 backups verified, 1 failed");
        assertThat(count(rot.err(), "no key here to decrypt")).as(rot.err()).isEqualTo(1);
        assertThat(rot.err()).contains("no key here to decrypt 11 backups of job rec");
        assertThat(List.of(r.out(), r.err(), rot.out(), rot.err())).noneMatch(t -> t.contains("a-long-passphrase"));
    }
}
