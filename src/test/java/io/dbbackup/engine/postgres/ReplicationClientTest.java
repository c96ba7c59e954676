package io.dbbackup.engine.postgres;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The built-in replication client's pure parts: SCRAM, the COPY stream made into one tar, ~/.pgpass, server errors. */
class ReplicationClientTest {

    /** RFC 7677, section 3: user "user", password "pencil", the nonces and salt given there. */
    @Test
    void scramSha256MatchesTheRfcTestVector() throws IOException {
        PgAuth auth = new PgAuth("user", "pencil", "rOprNGfwEbeRWgbNEkqO", "user");
        byte[] first = auth.answer(sasl(10, "SCRAM-SHA-256\0\0"));
        ByteBuffer b = ByteBuffer.wrap(first);
        String mechanism = cstring(b);
        byte[] clientFirst = new byte[b.getInt()];
        b.get(clientFirst);
        assertThat(mechanism).isEqualTo("SCRAM-SHA-256");
        assertThat(new String(clientFirst, StandardCharsets.UTF_8)).isEqualTo("n,,n=user,r=rOprNGfwEbeRWgbNEkqO");

        byte[] clientFinal = auth.answer(sasl(11,
                "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"));
        assertThat(new String(clientFinal, StandardCharsets.UTF_8)).isEqualTo(
                "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
        assertThat(auth.answer(sasl(12, "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="))).isNull();
    }

    @Test
    void aServerThatDoesNotKnowThePasswordIsNotBelieved() throws IOException {
        PgAuth auth = new PgAuth("user", "pencil", "rOprNGfwEbeRWgbNEkqO", "user");
        auth.answer(sasl(10, "SCRAM-SHA-256\0\0"));
        auth.answer(sasl(11, "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"));
        assertThatThrownBy(() -> auth.answer(sasl(12, "v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")))
                .hasMessageContaining("SCRAM signature does not match");
        PgAuth other = new PgAuth("user", "pencil", "abc", "");
        other.answer(sasl(10, "SCRAM-SHA-256\0\0"));
        assertThatThrownBy(() -> other.answer(sasl(11, "r=xyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")))
                .hasMessageContaining("malformed");
    }

    @Test
    void md5AndCleartextAnswersAndWhatIsLeftToLibpq() throws IOException {
        PgAuth auth = new PgAuth("postgres", "secret");
        // md5(md5("secret" + "postgres") + salt), the value psql sends (checked against a real server by the ITs)
        byte[] md5 = auth.answer(ByteBuffer.allocate(8).putInt(5).put(new byte[] {1, 2, 3, 4}).array());
        assertThat(new String(md5, StandardCharsets.UTF_8)).startsWith("md5").hasSize(3 + 32 + 1).endsWith("\0");
        assertThat(auth.answer(ByteBuffer.allocate(4).putInt(3).array())).isEqualTo("secret\0".getBytes(StandardCharsets.UTF_8));
        assertThat(auth.answer(ByteBuffer.allocate(4).putInt(0).array())).isNull();
        assertThatThrownBy(() -> auth.answer(ByteBuffer.allocate(4).putInt(7).array()))
                .isInstanceOf(LibpqOnly.class).hasMessageContaining("GSSAPI");
        assertThatThrownBy(() -> auth.answer(sasl(10, "SCRAM-SHA-256-PLUS\0\0")))
                .isInstanceOf(LibpqOnly.class);
        assertThatThrownBy(() -> new PgAuth("app", null).answer(ByteBuffer.allocate(4).putInt(3).array()))
                .isInstanceOf(PgServerError.class).hasMessageContaining("no password supplied for user \"app\"")
                .satisfies(e -> assertThat(((PgServerError) e).permanent()).isTrue());
    }

    /** A tar as a PostgreSQL 15 server sends base.tar: entries, then two zero blocks. */
    private static byte[] serverTar(Map<String, byte[]> files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        files.forEach((name, content) -> {
            out.writeBytes(TarHeader.file(name, content.length, 1_700_000_000L));
            out.writeBytes(content);
            out.writeBytes(new byte[(512 - content.length % 512) % 512]);
        });
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    private static void feed(BuiltinBaseBackup.Sink sink, char kind, byte[] data, Random random) throws IOException {
        int off = 0;
        while (off < data.length) {
            int n = Math.min(data.length - off, 1 + random.nextInt(random.nextBoolean() ? 700 : 5000));
            byte[] msg = new byte[n + 1];
            msg[0] = (byte) kind;
            System.arraycopy(data, off, msg, 1, n);
            sink.copyData(msg, msg.length);
            off += n;
        }
    }

    @Test
    void theServersArchiveAndManifestBecomeOneTarWithTheManifestBeforeTheTerminator() throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("backup_label", PhysicalUnitTest.LABEL.getBytes(StandardCharsets.UTF_8));
        files.put("PG_VERSION", "15\n".getBytes(StandardCharsets.UTF_8));
        byte[] big = new byte[70_000];
        new Random(1).nextBytes(big);
        files.put("base/1/1259", big);
        byte[] manifest = "{ \"PostgreSQL-Backup-Manifest-Version\": 1,\n\"WAL-Ranges\": [] }\n".repeat(40).getBytes(StandardCharsets.UTF_8);
        for (long seed = 0; seed < 20; seed++) {
            Random random = new Random(seed);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BuiltinBaseBackup.Sink sink = new BuiltinBaseBackup.Sink(out);
            sink.copyData("nbase.tar\0\0".getBytes(StandardCharsets.UTF_8), 11);
            feed(sink, 'd', serverTar(files), random);
            sink.copyData(new byte[] {'m'}, 1);
            feed(sink, 'd', manifest, random);
            sink.finish();

            Map<String, byte[]> read = entries(out.toByteArray());
            assertThat(new ArrayList<>(read.keySet())).containsExactly("backup_label", "PG_VERSION", "base/1/1259", "backup_manifest");
            assertThat(read.get("base/1/1259")).isEqualTo(big);
            assertThat(read.get("backup_manifest")).isEqualTo(manifest);
            byte[] all = out.toByteArray();
            assertThat(all.length % 512).isZero();
            assertThat(java.util.Arrays.copyOfRange(all, all.length - 1024, all.length)).isEqualTo(new byte[1024]);
        }
    }

    @Test
    void anArchiveWithoutItsTerminatorAStrangeArchiveOrNoManifestFails() throws IOException {
        byte[] tar = serverTar(Map.of("PG_VERSION", "15\n".getBytes(StandardCharsets.UTF_8)));
        BuiltinBaseBackup.Sink cut = new BuiltinBaseBackup.Sink(new ByteArrayOutputStream());
        cut.copyData("nbase.tar\0\0".getBytes(StandardCharsets.UTF_8), 11);
        feed(cut, 'd', java.util.Arrays.copyOf(tar, tar.length - 512), new Random(3));
        assertThatThrownBy(() -> cut.copyData(new byte[] {'m'}, 1)).hasMessageContaining("did not end with its two zero blocks");

        BuiltinBaseBackup.Sink noManifest = new BuiltinBaseBackup.Sink(new ByteArrayOutputStream());
        noManifest.copyData("nbase.tar\0\0".getBytes(StandardCharsets.UTF_8), 11);
        feed(noManifest, 'd', tar, new Random(4));
        assertThatThrownBy(noManifest::finish).hasMessageContaining("no backup_manifest");

        BuiltinBaseBackup.Sink strange = new BuiltinBaseBackup.Sink(new ByteArrayOutputStream());
        byte[] odd = "nfoo.tar\0/srv/space\0".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> strange.copyData(odd, odd.length)).hasMessageContaining("does not know: 'foo.tar' (/srv/space)");
        BuiltinBaseBackup.Sink relative = new BuiltinBaseBackup.Sink(new ByteArrayOutputStream());
        byte[] rel = "n16384.tar\0srv/space\0".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> relative.copyData(rel, rel.length)).hasMessageContaining("does not know");
    }

    /** Each extra tablespace's archive, before or after base.tar, lands in the one tar under pg_tblspc/OID/. */
    @Test
    void tablespaceArchivesJoinTheOneTarUnderTheirManifestPaths() throws IOException {
        byte[] label = PhysicalUnitTest.LABEL.getBytes(StandardCharsets.UTF_8);
        byte[] base = serverTar(Map.of("backup_label", label));
        byte[] rel = new byte[9000];
        new Random(7).nextBytes(rel);
        String longName = "PG_15_202209061/16384/" + "x".repeat(70); // 92 bytes: 113 once under pg_tblspc/16390/
        Map<String, byte[]> one = new LinkedHashMap<>();
        one.put("PG_15_202209061/16384/16391", rel);
        one.put(longName, "long".getBytes(StandardCharsets.UTF_8));
        byte[] two = serverTar(Map.of("PG_15_202209061/16384/16400", "two".getBytes(StandardCharsets.UTF_8)));
        byte[] manifest = "{}".getBytes(StandardCharsets.UTF_8);
        for (boolean baseFirst : new boolean[] {true, false}) {
            for (long seed = 0; seed < 10; seed++) {
                Random random = new Random(seed);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                BuiltinBaseBackup.Sink sink = new BuiltinBaseBackup.Sink(out);
                if (baseFirst) {
                    archive(sink, "base.tar", "", base, random);
                }
                archive(sink, "16390.tar", "/srv/one", serverTar(one), random);
                archive(sink, "16395.tar", "/srv/two", two, random);
                if (!baseFirst) {
                    archive(sink, "base.tar", "", base, random);
                }
                sink.copyData(new byte[] {'m'}, 1);
                feed(sink, 'd', manifest, random);
                sink.finish();
                assertThat(sink.tablespaces()).containsExactly(Map.entry("16390", "/srv/one"), Map.entry("16395", "/srv/two"));

                Map<String, byte[]> read = entries(out.toByteArray());
                assertThat(read).containsOnlyKeys("backup_label", "pg_tblspc/16390/PG_15_202209061/16384/16391",
                        "pg_tblspc/16390/" + longName, "pg_tblspc/16395/PG_15_202209061/16384/16400", "backup_manifest");
                assertThat(read.get("pg_tblspc/16390/PG_15_202209061/16384/16391")).isEqualTo(rel);
                assertThat(read.get("backup_label")).isEqualTo(label);
                assertThat(new ArrayList<>(read.keySet()).get(read.size() - 1)).isEqualTo("backup_manifest");
                byte[] all = out.toByteArray();
                assertThat(java.util.Arrays.copyOfRange(all, all.length - 1024, all.length)).isEqualTo(new byte[1024]);
            }
        }
    }

    @Test
    void aTablespaceArchiveCutShortOrCarryingALinkFails() throws IOException {
        byte[] ts = serverTar(Map.of("PG_15_202209061/16384/16391", new byte[600]));
        BuiltinBaseBackup.Sink cut = new BuiltinBaseBackup.Sink(new ByteArrayOutputStream());
        archive(cut, "16390.tar", "/srv/one", java.util.Arrays.copyOf(ts, ts.length - 1024), new Random(1));
        assertThatThrownBy(() -> cut.copyData("nbase.tar\0\0".getBytes(StandardCharsets.UTF_8), 11))
                .hasMessageContaining("tar of tablespace /srv/one did not end with its end-of-archive block");

        BuiltinBaseBackup.Sink linked = new BuiltinBaseBackup.Sink(new ByteArrayOutputStream());
        byte[] link = TarHeader.build("PG_15_202209061/x", '2', 0, "/etc", 0);
        byte[] nameMsg = "n16390.tar\0/srv/one\0".getBytes(StandardCharsets.UTF_8);
        linked.copyData(nameMsg, nameMsg.length);
        assertThatThrownBy(() -> feed(linked, 'd', link, new Random(2))).hasMessageContaining("of tar type '2'");

        BuiltinBaseBackup.Sink noBase = new BuiltinBaseBackup.Sink(new ByteArrayOutputStream());
        archive(noBase, "16390.tar", "/srv/one", ts, new Random(3));
        noBase.copyData(new byte[] {'m'}, 1);
        feed(noBase, 'd', "{}".getBytes(StandardCharsets.UTF_8), new Random(3));
        assertThatThrownBy(noBase::finish).hasMessageContaining("without sending the data directory's archive (base.tar)");
    }

    @Test
    void tablespaceMapFilesAreReadAndWrittenWithPostgresEscapes() throws IOException {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("16390", "/srv/one");
        map.put("16395", "/srv/odd\\name\nwith lines");
        String text = Tablespaces.formatMap(map);
        assertThat(text).isEqualTo("16390 /srv/one\n16395 /srv/odd\\\\name\\\nwith lines\n");
        assertThat(Tablespaces.parseMap(text)).containsExactlyEntriesOf(map);
        assertThat(Tablespaces.fromFacts(Map.of("tablespace.16395", "/b", "tablespace.16390", "/a", "tablespaces", "2", "timeline", "1")))
                .containsExactly(Map.entry("16390", "/a"), Map.entry("16395", "/b"));
        assertThatThrownBy(() -> Tablespaces.parseMap("one /srv\n")).hasMessageContaining("not 'OID PATH'");
    }

    private static void archive(BuiltinBaseBackup.Sink sink, String name, String location, byte[] tar, Random random)
            throws IOException {
        byte[] msg = ("n" + name + "\0" + location + "\0").getBytes(StandardCharsets.UTF_8);
        sink.copyData(msg, msg.length);
        feed(sink, 'd', tar, random);
    }

    private static Map<String, byte[]> entries(byte[] tar) throws IOException {
        Map<String, byte[]> read = new LinkedHashMap<>();
        TarReader r = new TarReader(new ByteArrayInputStream(tar));
        for (TarHeader h = r.next(); h != null; h = r.next()) {
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            for (int n; (n = r.read(buf, 0, buf.length)) > 0; ) {
                content.write(buf, 0, n);
            }
            read.put(h.name(), content.toByteArray());
        }
        return read;
    }

    @Test
    void theCommandQuotesTheLabelAndTakesPgBasebackupsRates() {
        assertThat(BuiltinBaseBackup.command("dbbackup it's", true, null))
                .isEqualTo("BASE_BACKUP ( LABEL 'dbbackup it''s', CHECKPOINT 'fast', WAL true, WAIT false, TABLESPACE_MAP true, MANIFEST 'yes' )");
        assertThat(BuiltinBaseBackup.command("x", false, 2048L)).contains("CHECKPOINT 'spread'").contains("MAX_RATE 2048");
        assertThat(BuiltinBaseBackup.maxRateKb("32768")).isEqualTo(32768);
        assertThat(BuiltinBaseBackup.maxRateKb("100k")).isEqualTo(100);
        assertThat(BuiltinBaseBackup.maxRateKb("100M")).isEqualTo(102400);
    }

    @Test
    void pgpassIsReadAsLibpqReadsIt(@TempDir Path home) throws IOException {
        Path file = home.resolve(".pgpass");
        Files.writeString(file, """
                # comment
                otherhost:*:*:*:nope
                db.example:5432:replication:rep:p\\:w\\\\1
                *:*:*:rep:fallback
                """);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThat(PgPassFile.lookup(home, "db.example", 5432, "replication", "rep")).contains("p:w\\1");
        assertThat(PgPassFile.lookup(home, "db.example", 5433, "replication", "rep")).contains("fallback");
        assertThat(PgPassFile.lookup(home, "db.example", 5432, "replication", "app")).isEmpty();
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(PgPassFile.lookup(home, "db.example", 5432, "replication", "rep")).isEmpty();
        // a socket folder: Debian's default one matches 'localhost' lines, any other folder itself
        assertThat(PgPassFile.hostField("/var/run/postgresql")).isEqualTo("localhost");
        assertThat(PgPassFile.hostField("/srv/pg/run")).isEqualTo("/srv/pg/run");
        assertThat(PgPassFile.hostField("db.example")).isEqualTo("db.example");
    }

    @Test
    void aServerErrorReadsAsPsqlShowsItAndKnowsWhatARetryCannotFix() {
        PgServerError e = PgServerError.of(fields(Map.of('S', "FATAL", 'V', "FATAL", 'C', "28P01",
                'M', "password authentication failed for user \"rep\"")));
        assertThat(e.getMessage()).isEqualTo("password authentication failed for user \"rep\"");
        assertThat(e.severity()).isEqualTo("FATAL");
        assertThat(e.permanent()).isTrue();
        PgServerError busy = PgServerError.of(fields(Map.of('V', "FATAL", 'C', "53300", 'M', "sorry, too many clients already",
                'H', "later")));
        assertThat(busy.permanent()).isFalse();
        assertThat(busy.getMessage()).isEqualTo("sorry, too many clients already hint: later");
    }

    private static byte[] fields(Map<Character, String> f) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        f.forEach((k, v) -> {
            out.write(k);
            out.writeBytes(v.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        });
        out.write(0);
        return out.toByteArray();
    }

    private static byte[] sasl(int code, String text) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + t.length).putInt(code).put(t).array();
    }

    private static String cstring(ByteBuffer b) {
        List<Byte> bytes = new ArrayList<>();
        for (byte x = b.get(); x != 0; x = b.get()) {
            bytes.add(x);
        }
        byte[] a = new byte[bytes.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = bytes.get(i);
        }
        return new String(a, StandardCharsets.UTF_8);
    }

    /**
     * A scripted server on loopback (the real ones are in ReplicationClientIT): a notice and a changed
     * setting may come in the middle of any answer; both are kept and the answer is still read.
     */
    @Test
    void noticesAndChangedSettingsInTheMiddleOfAnAnswerAreKeptNotMistakenForIt() throws Exception {
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (java.net.Socket s = server.accept()) {
                    var in = new java.io.DataInputStream(s.getInputStream());
                    var out = new java.io.DataOutputStream(s.getOutputStream());
                    in.readFully(new byte[in.readInt() - 4]); // start-up
                    message(out, 'R', ByteBuffer.allocate(4).putInt(0).array());
                    message(out, 'S', "server_version\u000015.9\u0000".getBytes(StandardCharsets.UTF_8));
                    message(out, 'Z', new byte[] {'I'});
                    in.readByte();
                    in.readFully(new byte[in.readInt() - 4]); // the query
                    message(out, 'T', new byte[] {0, 1});
                    message(out, 'N', fields(Map.of('S', "WARNING", 'V', "WARNING", 'C', "01000", 'M', "look out")));
                    message(out, 'S', "TimeZone\u0000UTC\u0000".getBytes(StandardCharsets.UTF_8));
                    byte[] v = "150009".getBytes(StandardCharsets.UTF_8);
                    message(out, 'D', ByteBuffer.allocate(6 + v.length).putShort((short) 1).putInt(v.length).put(v).array());
                    message(out, 'C', "SHOW\u0000".getBytes(StandardCharsets.UTF_8));
                    message(out, 'Z', new byte[] {'I'});
                    out.flush();
                    in.read(); // until the client says goodbye
                } catch (IOException ignored) {
                    // the test's assertions say what went wrong
                }
            });
            t.start();
            try (ReplicationConnection c = ReplicationConnection.open("127.0.0.1", server.getLocalPort(), "u", new PgAuth("u", null),
                    PgTls.of(new PostgresSettings("127.0.0.1", 1, "u", null, "x", "disable", null, null, null, null, null, null, null,
                            DumpOptions.NONE), null), java.time.Duration.ofSeconds(10))) {
                assertThat(c.parameter("server_version")).isEqualTo("15.9");
                assertThat(c.serverVersion().num()).isEqualTo(150009);
                assertThat(c.parameter("TimeZone")).isEqualTo("UTC");
                assertThat(c.notices()).containsExactly("WARNING: look out");
            }
            t.join(10_000);
        }
    }

    private static void message(java.io.DataOutputStream out, char type, byte[] body) throws IOException {
        out.writeByte(type);
        out.writeInt(body.length + 4);
        out.write(body);
    }
}
