package io.dbbackup.engine.sqlite;

import io.dbbackup.core.Log;
import io.dbbackup.spi.Cancellation;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.QueryFailedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A drill check on SQLite: a query the file refuses (a missing table) is the query's failure; one that cannot get at the
 * file (another connection holds it past the busy timeout) is not.
 */
class SqliteQueryFailureTest {
    @TempDir
    Path dir;

    @Test
    void aMissingTableIsTheQuerysFailureAndALockedFileIsNot() throws Exception {
        Path db = dir.resolve("app.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("create table t(n integer)");
            st.execute("insert into t values (1)");
        }
        SqliteEngine engine = new SqliteEngine(db, "app", SqliteEngine.Strategy.ONLINE, 5, Duration.ofMillis(10));
        OperationContext ctx = new OperationContext(new Cancellation(),
                new Log(new PrintWriter(new StringWriter(), true), Log.Format.TEXT, Log.Level.INFO, Clock.systemUTC()), dir);
        assertThat(engine.queryValue("select count(*) from t", ctx)).isEqualTo("1");
        assertThatThrownBy(() -> engine.queryValue("select count(*) from no_such_table", ctx))
                .isInstanceOfSatisfying(QueryFailedException.class, e -> {
                    assertThat(e.infrastructure()).isFalse();
                    assertThat(e.getMessage()).startsWith("the query failed: ").contains("no such table: no_such_table");
                });

        try (Connection holder = DriverManager.getConnection("jdbc:sqlite:" + db); Statement hold = holder.createStatement();
             Connection reader = DriverManager.getConnection("jdbc:sqlite:" + db); Statement read = reader.createStatement()) {
            hold.execute("begin exclusive");
            read.execute("pragma busy_timeout = 100");
            SQLException busy = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                    () -> read.executeQuery("select count(*) from t").next());
            assertThat(SqliteEngine.notTheQuery(busy)).as(busy.getMessage()).isTrue();
            hold.execute("rollback");
            SQLException missing = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                    () -> read.executeQuery("select count(*) from no_such_table"));
            assertThat(SqliteEngine.notTheQuery(missing)).as(missing.getMessage()).isFalse();
        }
    }
}
