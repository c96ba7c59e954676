package io.dbbackup.spi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Two datasources that name one database differently are one database; different ports or databases are not. */
class LocationTest {
    @TempDir
    Path dir;

    private static Location pg(String host, int port, String database) {
        return Location.server("postgresql://" + host + ":" + port + "/" + database, "postgresql", host, port, database);
    }

    private static Location mysql(String host, int port, String database) {
        return Location.server("mysql://" + host + ":" + port + "/" + database, "mysql", host, port, database);
    }

    @Test
    void everyLoopbackSpellingIsOneHost() {
        for (String a : new String[] {"localhost", "127.0.0.1", "::1", "[::1]", "127.0.1.1", "LocalHost", "localhost.", "0.0.0.0"}) {
            for (String b : new String[] {"localhost", "127.0.0.1", "::1"}) {
                assertThat(pg(a, 5432, "app").overlaps(pg(b, 5432, "app"))).as(a + " vs " + b).isTrue();
                assertThat(mysql(a, 3306, "app").overlaps(mysql(b, 3306, "app"))).as(a + " vs " + b).isTrue();
            }
        }
    }

    @Test
    void anAddressOfThisMachinesOwnInterfacesIsLoopback() throws Exception {
        // the machine's own address as a job would name it (its name resolves to it where /etc/hosts says so);
        // a machine with only a loopback interface gives a loopback address, which is this machine too
        String me = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
                .sorted(java.util.Comparator.comparing(InetAddress::isLoopbackAddress))
                .map(InetAddress::getHostAddress).map(h -> h.replaceFirst("%.*$", "")).findFirst().orElseThrow();
        assertThat(pg(me, 5432, "app").overlaps(pg("127.0.0.1", 5432, "app"))).as(me).isTrue();
        assertThat(pg(me, 5432, "app").overlaps(pg("localhost", 5433, "app"))).as(me + ", another port").isFalse();
    }

    @Test
    void hostNamesCompareWithoutCaseAndTrailingDotEvenWhenTheyDoNotResolve() {
        assertThat(pg("DB-Prod.example.invalid", 5432, "app").overlaps(pg("db-prod.example.invalid.", 5432, "app"))).isTrue();
        assertThat(mysql("Db1.Example.Invalid", 3306, "app").overlaps(mysql("db1.example.invalid", 3306, "app"))).isTrue();
        assertThat(pg("db1.example.invalid", 5432, "app").overlaps(pg("db2.example.invalid", 5432, "app"))).isFalse();
        assertThat(pg("db1.example.invalid", 5432, "app").overlaps(pg("127.0.0.1", 5432, "app"))).isFalse();
    }

    @Test
    void aSocketFolderIsThisMachineOnItsPort() {
        assertThat(pg("/var/run/postgresql", 5432, "app").overlaps(pg("localhost", 5432, "app"))).isTrue();
        assertThat(pg("/tmp", 5432, "app").overlaps(pg("127.0.0.1", 5432, "app"))).isTrue();
        assertThat(pg("/var/run/postgresql", 5433, "app").overlaps(pg("localhost", 5432, "app"))).isFalse();
        assertThat(pg("db1.example.invalid,localhost", 5432, "app").overlaps(pg("/tmp", 5432, "app"))).as("libpq host list").isTrue();
    }

    @Test
    void aMySqlSocketOfUnknownPortIsAnyPortOnThisMachineAndAnotherSocketIsAnotherServer() throws Exception {
        Location sock = Location.server("mysql:///run/mysqld/a.sock/app", "mysql", "/run/mysqld/a.sock", 0, "app");
        assertThat(sock.overlaps(mysql("127.0.0.1", 3307, "app"))).isTrue();
        assertThat(sock.overlaps(mysql("db1.example.invalid", 3306, "app"))).isFalse();
        assertThat(sock.overlaps(Location.server("x", "mysql", "/run/mysqld/b.sock", 0, "app"))).isFalse();
        Path real = Files.createFile(dir.resolve("real.sock"));
        Path link = Files.createSymbolicLink(dir.resolve("link.sock"), real);
        assertThat(Location.server("x", "mysql", real.toString(), 0, "app")
                .overlaps(Location.server("y", "mysql", link.toString(), 0, "app"))).isTrue();
    }

    @Test
    void anotherPortOrDatabaseOrKindIsAnotherDatabase() {
        assertThat(pg("localhost", 5432, "app").overlaps(pg("127.0.0.1", 5433, "app"))).isFalse();
        assertThat(pg("localhost", 5432, "app").overlaps(pg("127.0.0.1", 5432, "App"))).isFalse();
        assertThat(mysql("localhost", 3306, "app").overlaps(mysql("127.0.0.1", 3306, "APP"))).as("case-sensitive as on Linux").isFalse();
        assertThat(pg("localhost", 5432, "app").overlaps(mysql("localhost", 5432, "app"))).isFalse();
        assertThat(pg("localhost", 5432, "app").overlaps(Location.of("postgresql://localhost:5432/app"))).isFalse();
    }

    @Test
    void locationsWithoutAHostCompareByText() {
        assertThat(Location.of("sqlite:/a.db").overlaps(Location.of("sqlite:/a.db"))).isTrue();
        assertThat(Location.of("sqlite:/a.db").overlaps(Location.of("sqlite:/b.db"))).isFalse();
    }

    /**
     * A MySQL datasource of several databases is each of them: a scratch naming one of a job's databases is that job's
     * database, whatever the two lists look like as text; every database of a server ({@code all_databases}) is any.
     */
    @Test
    void databaseListsOverlapWhenTheyShareOneAndEveryDatabaseOfAServerOverlapsEachOfIt() {
        Location ab = Location.server("mysql://localhost:3306/a,b", "mysql", "localhost", 3306, java.util.List.of("a", "b"));
        assertThat(ab.overlaps(mysql("127.0.0.1", 3306, "a"))).isTrue();
        assertThat(mysql("127.0.0.1", 3306, "b").overlaps(ab)).isTrue();
        assertThat(ab.overlaps(Location.server("x", "mysql", "::1", 3306, java.util.List.of("c", "b")))).isTrue();
        assertThat(ab.overlaps(mysql("127.0.0.1", 3306, "c"))).isFalse();
        assertThat(ab.overlaps(mysql("127.0.0.1", 3306, "A"))).as("case-sensitive").isFalse();
        assertThat(ab.overlaps(mysql("127.0.0.1", 3307, "a"))).as("another server").isFalse();
        Location all = Location.everyDatabase("mysql://localhost:3306/(all databases)", "mysql", "localhost", 3306);
        assertThat(all.overlaps(mysql("127.0.0.1", 3306, "anything"))).isTrue();
        assertThat(mysql("127.0.0.1", 3306, "anything").overlaps(all)).isTrue();
        assertThat(all.overlaps(ab)).isTrue();
        assertThat(all.overlaps(mysql("127.0.0.1", 3307, "anything"))).as("another server").isFalse();
        assertThat(all.overlaps(pg("localhost", 3306, "anything"))).as("another kind").isFalse();
    }

    /** A hard link is another path to the same file (device and inode): the same database; a copy is not. */
    @Test
    void aHardLinkToAFileIsThatFile() throws Exception {
        Path real = Files.writeString(dir.resolve("app.db"), "x");
        Path link = Files.createLink(dir.resolve("link.db"), real);
        Path copy = Files.copy(real, dir.resolve("copy.db"));
        assertThat(Location.file("sqlite:" + real, real).overlaps(Location.file("sqlite:" + link, link))).isTrue();
        assertThat(Location.file("sqlite:" + link, link).overlaps(Location.file("sqlite:" + real, real))).isTrue();
        assertThat(Location.file("sqlite:" + real, real).overlaps(Location.file("sqlite:" + copy, copy))).isFalse();
        Path none = dir.resolve("none.db");
        assertThat(Location.file("sqlite:" + none, none).overlaps(Location.file("sqlite:" + real, real))).isFalse();
        assertThat(Location.file("sqlite:" + none, none).overlaps(Location.file("sqlite:" + none, dir.resolve("./none.db"))))
                .as("files that do not exist yet: by their text").isTrue();
    }
}
