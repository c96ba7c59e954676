package io.dbbackup.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The set-up of the tests of runs over several jobs where one store fails: a SQLite datasource {@code app}, a working
 * local store {@code local} (folder {@code store}) and a {@code broken} one whose path is a file.
 */
public final class BrokenStoreFixture {
    private BrokenStoreFixture() {
    }

    /** Writes {@code app.db}, the file in the broken store's way, and {@code config.yaml} ending with {@code rest}. */
    public static void write(Path dir, String rest) throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 20);
        Files.writeString(dir.resolve("blocker"), "a file where the store's folder should be");
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                stores:
                  local: {type: local, path: store}
                  broken: {type: local, path: blocker}
                """ + rest);
    }

    /** Backs up {@code jobs} once a day for {@code days} days from {@code first}, each run at its own fixed clock. */
    public static void backUpDaily(Function<Instant, Cli> at, Instant first, int days, String... jobs) {
        for (int day = 0; day < days; day++) {
            String[] args = new String[3 + jobs.length];
            args[0] = "-c";
            args[1] = "config.yaml";
            args[2] = "backup";
            System.arraycopy(jobs, 0, args, 3, jobs.length);
            Cli.Result r = at.apply(first.plus(Duration.ofDays(day))).run(args);
            assertThat(r.exit()).as(r.toString()).isZero();
        }
    }
}
