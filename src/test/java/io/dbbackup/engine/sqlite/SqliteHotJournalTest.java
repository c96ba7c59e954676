package io.dbbackup.engine.sqlite;

import io.dbbackup.core.DumpFormat;
import io.dbbackup.core.Log;
import io.dbbackup.spi.Cancellation;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.RestoreOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database in rollback-journal mode whose writer was killed inside a transaction: its -journal is hot (the database
 * file may hold half of that transaction). A real sqlite3 process is the writer, killed with SIGKILL.
 */
class SqliteHotJournalTest {
    @TempDir
    Path dir;
    private final StringWriter logged = new StringWriter();

    private OperationContext ctx() {
        return new OperationContext(new Cancellation(),
                new Log(new PrintWriter(logged, true), Log.Format.TEXT, Log.Level.INFO, Clock.systemUTC()), dir.resolve("scratch"));
    }

    private static String query(Path db, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            return rs.getString(1);
        }
    }

    /** A crashed writer: its update of every row spilled into the database file, then SIGKILL before the commit. */
    private Path crashedWriter() throws Exception {
        Path db = dir.resolve("app.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("create table t(id integer primary key, v blob)");
            st.execute("with recursive n(i) as (select 1 union all select i + 1 from n where i < 2000) "
                    + "insert into t(v) select randomblob(1000) from n");
        }
        Process writer = new ProcessBuilder("sqlite3", db.toString()).redirectErrorStream(true).start();
        Writer in = new java.io.OutputStreamWriter(writer.getOutputStream(), StandardCharsets.UTF_8);
        BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8));
        in.write("pragma cache_size = 2;\nbegin;\nupdate t set v = zeroblob(1000);\ndelete from t where id > 1000;\n.print spilled\n");
        in.flush();
        assertThat(out.readLine()).isEqualTo("spilled");
        writer.destroyForcibly().waitFor();
        assertThat(db.resolveSibling("app.db-journal")).as("the hot journal").isNotEmptyFile();
        return db;
    }

    /**
     * The backup opened the database read-only, and SQLite refuses to read a database with a hot journal it may not
     * roll back: every backup failed (exit 2, "[SQLITE_READONLY_ROLLBACK] Hot journal needs to be rolled back") until
     * someone opened the database by hand — while the application is down, when a backup matters most. Now the backup
     * rolls the journal back as any writer opening the database would, says so, and stores the last committed state.
     */
    @Test
    void aHotJournalIsRolledBackAndTheBackupHoldsTheLastCommittedState() throws Exception {
        Path db = crashedWriter();
        SqliteEngine engine = new SqliteEngine(db, "app", SqliteEngine.Strategy.ONLINE, 100, Duration.ofMillis(1));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        engine.dump(out, ctx());

        assertThat(logged.toString()).contains("hot journal").contains("rolled back");
        Path restored = dir.resolve("restored.db");
        new SqliteEngine(restored, "app", SqliteEngine.Strategy.ONLINE, 100, Duration.ofMillis(1))
                .restore(new ByteArrayInputStream(out.toByteArray()), DumpFormat.SQLITE, new RestoreOptions(true), ctx());
        assertThat(query(restored, "pragma integrity_check")).isEqualTo("ok");
        assertThat(query(restored, "select count(*) from t")).isEqualTo("2000");
        assertThat(query(restored, "select count(*) from t where v = zeroblob(1000)")).isEqualTo("0");
        assertThat(db.resolveSibling("app.db-journal")).doesNotExist();
    }
}
