package io.dbbackup.engine.sqlite;

import io.dbbackup.core.DumpFormat;
import io.dbbackup.core.Log;
import io.dbbackup.spi.Cancellation;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.RestoreOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 0600 database replaced by a restore: the restored bytes sit in a temporary file beside it until the rename. That
 * file was created with the umask (0644): for the whole transfer any user of the host could open it and read the
 * database (and keep reading through the open descriptor after the chmod). It is now created owner-only and takes the
 * replaced file's mode once the data is in.
 */
class SqliteRestoreModeTest {
    @TempDir
    Path dir;

    @Test
    void theRestoredBytesAreNeverReadableByOthersWhenTheReplacedFileWasNot() throws Exception {
        Path backup = dir.resolve("backup.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + backup); Statement st = c.createStatement()) {
            st.execute("create table secrets(v text)");
            st.execute("insert into secrets values ('card 4111')");
        }
        Path folder = Files.createDirectories(dir.resolve("app"));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x")); // others may enter
        Path target = folder.resolve("app.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + target); Statement st = c.createStatement()) {
            st.execute("create table old(v text)");
        }
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));

        List<String> seen = new ArrayList<>();
        InputStream watched = new FilterInputStream(new ByteArrayInputStream(Files.readAllBytes(backup))) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, Math.min(len, 1024));
                try (Stream<Path> s = Files.list(folder)) { // the temporary file while the bytes arrive
                    for (Path p : s.filter(p -> !p.equals(target) && !p.toString().endsWith(".lock")).toList()) {
                        seen.add(p.getFileName() + " " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
                    }
                }
                return n;
            }
        };
        SqliteEngine engine = new SqliteEngine(target, "app", SqliteEngine.Strategy.ONLINE, 5, Duration.ofMillis(10));
        engine.restore(watched, DumpFormat.SQLITE, new RestoreOptions(true), new OperationContext(new Cancellation(),
                Log.get(), dir.resolve("scratch")));

        assertThat(seen).as("the temporary file was seen while written").isNotEmpty()
                .allSatisfy(s -> assertThat(s).endsWith(" rw-------"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-------");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + target); Statement st = c.createStatement()) {
            assertThat(st.executeQuery("select v from secrets").getString(1)).isEqualTo("card 4111");
        }
    }
}
