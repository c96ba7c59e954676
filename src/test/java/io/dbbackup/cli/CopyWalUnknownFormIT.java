package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A copy job of a physical job copies the archived WAL its backups recover with. A source WAL file in a form this build
 * does not know (a newer dbbackup's compression, {@code .br} here) was passed over in silence and the run said ok: the
 * copy looked complete, and a restore from it would stop at that segment. Now the file is named, everything else is
 * still copied, and the run fails (exit 2, not retried: a retry finds the same); a file the copy holds already, in any
 * form, or one older than where the copy's backups start, is no failure.
 */
class CopyWalUnknownFormIT {
    private static final Instant NOW = Instant.parse("2026-03-01T02:00:00Z");

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  cluster: {engine: fake, physical: true, size: 2000, start_wal_file: 000000010000000000000002}
                stores:
                  local: {type: local, path: store}
                  offsite: {type: local, path: offsite}
                jobs:
                  phys: {datasource: cluster, store: local}
                  phys-offsite: {copy_of: phys, store: offsite}
                """);
        Cli.Result b = cli().run("-c", "config.yaml", "backup", "phys");
        assertThat(b.exit()).as(b.toString()).isZero();
    }

    private Cli cli() {
        return new Cli().workingDir(dir).clock(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static String seg(int n) {
        return String.format("00000001000000000000000%d", n);
    }

    /** Archives segment {@code n} under the source's wal/ as this build names it, or with {@code suffix} after it. */
    private String archive(int n, String suffix) throws Exception {
        byte[] content = ("segment " + n).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String name = seg(n) + "-" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)) + suffix;
        Path f = Files.createDirectories(dir.resolve("store/cluster/wal/0000000100000000")).resolve(name);
        Files.write(f, content);
        return "cluster/wal/0000000100000000/" + name;
    }

    private List<String> copied() throws Exception {
        Path wal = dir.resolve("offsite/cluster/wal/0000000100000000");
        if (!Files.isDirectory(wal)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(wal)) {
            return s.map(p -> p.getFileName().toString().substring(0, 24)).sorted().toList();
        }
    }

    @Test
    void aNeededWalFileInAnUnknownFormIsNamedAndFailsTheCopy() throws Exception {
        archive(1, ".br"); // older than the backup's start: not needed
        archive(2, "");
        String unknown = archive(3, ".br");
        archive(4, "");
        Cli.Result r = cli().run("-c", "config.yaml", "backup", "phys-offsite");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.out()).contains("job phys-offsite copied 1 backup and 2 archived WAL files of job 'phys' but not 1 "
                + "archived WAL file (" + unknown + "): in a form this dbbackup does not know");
        assertThat(r.out() + r.err()).doesNotContain(seg(1) + "-");
        assertThat(r.err()).contains("WARN  not copied: 1 archived WAL file (" + unknown + ")");
        assertThat(copied()).as("everything else copied").containsExactly(seg(2), seg(4));
        assertThat(r.out()).doesNotContain("attempt 2");
    }

    @Test
    void aCopyThatHoldsTheFileAlreadyOrNeedsNoneOfThemSucceeds() throws Exception {
        archive(1, ".br");
        archive(2, "");
        String unknown = archive(3, ".br");
        Path there = Files.createDirectories(dir.resolve("offsite/cluster/wal/0000000100000000"))
                .resolve(unknown.substring(unknown.lastIndexOf('/') + 1));
        Files.copy(dir.resolve("store/" + unknown), there); // copied by the newer dbbackup that archived it
        Cli.Result r = cli().run("-c", "config.yaml", "backup", "phys-offsite");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(copied()).containsExactly(seg(2), seg(3));
    }
}
