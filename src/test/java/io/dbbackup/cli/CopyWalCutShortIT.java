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
 * An archived WAL file whose copy is cut short (a copy run that died, a full disk): the copy's file is held by its name
 * alone, so it was never copied again and every later run said the copy was complete, while a restore from it stopped
 * there (wal-fetch: exit 3). Now a copy of another size than its source's is copied again, through the digest in its name.
 */
class CopyWalCutShortIT {
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

    /** Archives segment {@code n} under the source's wal/; its name relative to the folder of its timeline. */
    private String archive(int n) throws Exception {
        byte[] content = ("segment " + n + " ").repeat(100).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String name = String.format("00000001000000000000000%d", n) + "-"
                + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        Files.write(Files.createDirectories(dir.resolve("store/cluster/wal/0000000100000000")).resolve(name), content);
        return "cluster/wal/0000000100000000/" + name;
    }

    @Test
    void aWalCopyCutShortIsCopiedAgain() throws Exception {
        String seg2 = archive(2);
        archive(3);
        Cli.Result first = cli().run("-c", "config.yaml", "backup", "phys-offsite");
        assertThat(first.exit()).as(first.toString()).isZero();
        Path copy = dir.resolve("offsite/" + seg2);
        byte[] whole = Files.readAllBytes(copy);
        Files.write(copy, java.util.Arrays.copyOf(whole, 10));

        Cli.Result r = cli().run("-c", "config.yaml", "backup", "phys-offsite");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Files.readAllBytes(copy)).as(r.toString()).isEqualTo(whole);
        assertThat(r.err()).contains("archived WAL copy does not match its source: " + seg2 + " is 10 bytes, its source "
                + seg2 + " " + whole.length + ": copying it again");
    }

    /**
     * The copy's store a local folder on a file system that renames nothing in one step (EXDEV within a folder: a FUSE
     * file system): the re-copy replaces the cut copy, which the commit's rename cannot do. It refused ("cannot replace"),
     * the run failed with exit 2 and every later one the same, so the copy never healed. Now the cut copy is replaced:
     * the whole file under its key, nothing hidden left beside it.
     */
    @Test
    void aWalCopyCutShortIsCopiedAgainOnAFileSystemWithoutAtomicRenames() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml"))
                .replace("offsite: {type: local, path: offsite}", "offsite: {type: faulty, path: offsite, no_atomic_rename: true}"));
        String seg2 = archive(2);
        archive(3);
        Cli.Result first = cli().run("-c", "config.yaml", "backup", "phys-offsite");
        assertThat(first.exit()).as(first.toString()).isZero();
        Path copy = dir.resolve("offsite/" + seg2);
        byte[] whole = Files.readAllBytes(copy);
        Files.write(copy, java.util.Arrays.copyOf(whole, 10));

        Cli.Result r = cli().run("-c", "config.yaml", "backup", "phys-offsite");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Files.readAllBytes(copy)).as(r.toString()).isEqualTo(whole);
        try (Stream<Path> s = Files.list(copy.getParent())) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("."))).as("nothing hidden left")
                    .isEmpty();
        }
        Cli.Result again = cli().run("-c", "config.yaml", "backup", "phys-offsite");
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(again.err()).doesNotContain("does not match its source");
    }

    /** The same with the source's file damaged too (same size, a byte changed): not copied, the cut copy left, exit 3. */
    @Test
    void aWalCopyCutShortWhoseSourceIsDamagedIsLeftAndFailsTheRun() throws Exception {
        String seg2 = archive(2);
        Cli.Result first = cli().run("-c", "config.yaml", "backup", "phys-offsite");
        assertThat(first.exit()).as(first.toString()).isZero();
        Path copy = dir.resolve("offsite/" + seg2);
        Files.write(copy, java.util.Arrays.copyOf(Files.readAllBytes(copy), 10));
        io.dbbackup.testkit.TestBytes.flipMiddleByte(dir.resolve("store/" + seg2));

        Cli.Result r = cli().run("-c", "config.yaml", "backup", "phys-offsite");

        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(Files.size(copy)).isEqualTo(10);
        assertThat(r.out()).contains(seg2 + " is corrupt");
    }
}
