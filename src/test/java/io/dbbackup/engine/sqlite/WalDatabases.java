package io.dbbackup.engine.sqlite;

import io.dbbackup.core.Log;
import io.dbbackup.spi.Cancellation;
import io.dbbackup.spi.OperationContext;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Real SQLite databases in WAL mode for the restore tests: made, filled, counted, backed up, left by a killed application. */
final class WalDatabases {
    private WalDatabases() {
    }

    /** An operation context with its scratch folder in {@code dir}. */
    static OperationContext context(Path dir) {
        return new OperationContext(new Cancellation(), Log.get(), dir.resolve("scratch"));
    }

    static SqliteEngine engine(Path db) {
        return new SqliteEngine(db, "app", SqliteEngine.Strategy.ONLINE, 100, Duration.ofMillis(1));
    }

    static void sql(Path db, String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    static long count(Path db, String table) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select count(*) from " + table)) {
            return rs.getLong(1);
        }
    }

    /** A backup of a WAL-mode database {@code dir/source.db} whose {@code table} holds {@code rows} rows (as a snapshot of one is stored: in WAL mode). */
    static byte[] walBackup(Path dir, String table, int rows) throws Exception {
        Path source = dir.resolve("source.db");
        sql(source, "pragma journal_mode=wal", "create table " + table + "(x)");
        for (int i = 0; i < rows; i++) {
            sql(source, "insert into " + table + " values(" + i + ")");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        engine(source).dump(out, context(dir));
        return out.toByteArray();
    }

    /** The names in {@code folder}, sorted. */
    static List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** A WAL-mode database whose application was killed: one row in the file, two more committed only in its -wal. */
    static void withCommitsInItsWal(Path db) throws Exception {
        sql(db, "pragma journal_mode=wal", "create table t(x)", "insert into t values('checkpointed')");
        Process app = new ProcessBuilder("sqlite3", db.toString()).redirectErrorStream(true).start();
        Writer in = new OutputStreamWriter(app.getOutputStream(), StandardCharsets.UTF_8);
        BufferedReader out = new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8));
        in.write("pragma wal_autocheckpoint=0;\ninsert into t values('in wal 1');\ninsert into t values('in wal 2');\n"
                + "select count(*) from t;\n");
        in.flush();
        assertThat(out.readLine()).isEqualTo("0"); // the pragma's answer
        assertThat(out.readLine()).isEqualTo("3");
        app.destroyForcibly().waitFor();
        assertThat(Files.size(db.resolveSibling(db.getFileName() + "-wal"))).as("commits in the -wal").isPositive();
    }

    /** Runs {@code command} with sh, as a user pastes a printed command: it must succeed. */
    static void sh(String command) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(command + ": " + said).isZero();
    }

    /** The text of {@code s} between {@code from} and {@code to} (to its end when {@code to} is empty); both must be there. */
    static String between(String s, String from, String to) {
        int start = s.indexOf(from);
        assertThat(start).as(from + " in " + s).isNotNegative();
        start += from.length();
        int end = to.isEmpty() ? s.length() : s.indexOf(to, start);
        assertThat(end).as(to + " in " + s).isGreaterThan(start);
        return s.substring(start, end);
    }
}
